"""The pages on a phone without JavaScript, bad input through the forms, GDPR receivers and retention."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import func, select

from tests.walks.conftest import IN_CENTRUM, OUTSIDE, ROUTE, image_bytes
from tests.walks.test_observations import observe
from watch.core import events, tasks
from watch.core.time import utcnow
from watch.est.models import EstReport
from watch.walks import hooks
from watch.walks.models import Walk, WalkObservation


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def plan_form(world, **kw):
    data = {"organiser_id": world.orgs["tekniska"].id, "name": "Centrum", "route": json.dumps(ROUTE),
            "starts_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "90",
            "light": "dark", "meeting_point": "Stationen", "invited": [str(world.orgs["bostad"].id)]}
    data.update(kw)
    return data


def test_planning_through_the_form_and_a_bad_route(world, client, auth, session):
    auth.as_user(world["organiser"])
    assert client.get("/walks/new").status_code == 200
    bad = client.post("/walks/new", data=plan_form(world, route='{"type": "Point", "coordinates": [17, 58]}'))
    assert bad.status_code == 422 and "GeoJSON LineString" in bad.get_data(as_text=True)
    assert count(session, Walk) == 0
    ok = client.post("/walks/new", data=plan_form(world))
    assert ok.status_code == 302
    walk = session.exec(select(Walk)).one()
    page = client.get(ok.location).get_data(as_text=True)
    assert "Centrum" in page and 'id="walk-observation-form"' in page
    auth.as_user(world["outsider"])
    assert client.get(f"/walks/{walk.id}").status_code == 404
    assert client.get("/walks/new").status_code == 403


def test_observing_through_the_form(world, client, auth, session):
    walk = world.plan()
    auth.as_user(world["participant"])
    form = {"o-category": "graffiti", "o-lat": str(OUTSIDE[1]), "o-lon": str(OUTSIDE[0]), "o-note": "Klotter", "o-client_key": "k1"}
    bad = client.post(f"/walks/{walk.id}/observations", data=form)
    assert bad.status_code == 422 and count(session, WalkObservation) == 0
    form.update({"o-lat": str(IN_CENTRUM[1]), "o-lon": str(IN_CENTRUM[0])})
    for _ in range(2):  # the phone sends again when it did not see the answer
        assert client.post(f"/walks/{walk.id}/observations", data=form).status_code == 302
    assert count(session, WalkObservation) == 1
    assert session.exec(select(EstReport)).one().source == "trygghetsvandring"


def test_measure_with_a_past_due_date_and_a_decline_without_reason_through_the_forms(world, client, auth, session):
    walk = world.plan()
    obs = observe(world, walk)
    auth.as_user(world["organiser"])
    past = (utcnow() - timedelta(days=30)).date().isoformat()
    bad = client.post(f"/walks/{walk.id}/measures", data={"m-title": "Ny lampa", "m-observation_ids": [str(obs.id)],
                                                          "m-responsible_kind": "municipal_unit", "m-priority": "1",
                                                          "m-responsible_org_id": "0", "m-due_date": past})
    assert bad.status_code == 422
    ok = client.post(f"/walks/{walk.id}/measures", data={"m-title": "Ny lampa", "m-observation_ids": [str(obs.id)],
                                                         "m-responsible_kind": "municipal_unit", "m-priority": "1",
                                                         "m-responsible_org_id": "0"})
    assert ok.status_code == 302
    from watch.walks.models import Measure

    m = session.exec(select(Measure)).one()
    refused = client.post(f"/walks/measures/{m.id}/decision", data={f"d{m.id}-decision": "declined", f"d{m.id}-reason": ""})
    assert refused.status_code == 422
    session.refresh(m)
    assert m.decision == "pending"
    auth.as_user(world["participant"])
    assert client.post(f"/walks/measures/{m.id}/decision", data={f"d{m.id}-decision": "accepted"}).status_code == 403


def test_photos_are_public_only_when_approved_and_published(world, client, auth, session):
    walk = world.plan()
    obs = observe(world, walk, photo=image_bytes())
    url = f"/walks/{walk.id}/protocol/photos/{obs.id}"
    walk.status = "protocol_published"
    session.add(walk)
    session.commit()
    assert client.get(url).status_code == 404
    auth.as_user(world["organiser"])
    client.post(f"/walks/observations/{obs.id}/photo-approval", data={"approved": "1"})
    auth.logout()
    assert client.get(url).status_code == 200


def test_an_observations_photo_and_a_measures_after_photo_are_for_those_taking_part(world, client, auth, session):
    from watch.walks import measures

    walk = world.plan()
    obs, bare = observe(world, walk, photo=image_bytes()), observe(world, walk)
    m = measures.add(session, user=world["organiser"], walk_id=walk.id, data=measures.MeasureIn(
        title="Byt armaturen", responsible_kind="municipal_unit", observation_ids=[obs.id]))
    measures.decide(session, user=world["organiser"], measure_id=m.id, decision="accepted")
    measures.set_status(session, user=world["organiser"], measure_id=m.id, status="done", after_photo=image_bytes())
    photos = (f"/walks/observations/{obs.id}/photo", f"/walks/measures/{m.id}/after-photo")
    auth.as_user(world["participant"])
    for url in photos:
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert client.get(f"/walks/observations/{bare.id}/photo").status_code == 404  # no photo
    assert client.get("/walks/measures/999999/after-photo").status_code == 404
    auth.as_user(world["outsider"])
    assert [client.get(url).status_code for url in photos] == [404, 404]


def test_gdpr_export_and_delete_keep_the_place_forget_the_person(world, session):
    walk = world.plan()
    observe(world, walk, client_key="k")
    data = {}
    events.user_export.send(world["participant"], session=session, data=data)
    assert data["walk_observations"][0]["category"] == "lighting_broken"
    hooks.on_user_deleting(world["participant"], session)
    session.commit()
    obs = session.exec(select(WalkObservation)).one()
    assert obs.author_id is None and obs.client_key is None


def test_retention_purges_old_walks_with_their_photos(world, session, app):
    walk = world.plan()
    obs = observe(world, walk, photo=image_bytes())
    from watch.walks.observations import photo_dir

    path = photo_dir() / obs.photo
    assert path.exists()
    walk.starts_at = utcnow() - timedelta(days=app.config["WALKS_RETENTION_DAYS"] + 1)
    session.add(walk)
    session.commit()
    assert "walks-retention" in tasks.run_all(app, only="walks-retention")
    session.rollback()
    assert count(session, Walk) == 0 and count(session, WalkObservation) == 0 and not path.exists()
