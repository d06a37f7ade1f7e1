"""Measures followed to done or publicly declined, and the public protocol with 'done within six months'."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from tests.walks.conftest import image_bytes
from tests.walks.test_observations import observe
from watch.core.errors import ServiceError
from watch.walks import measures, service
from watch.walks.models import STATUSES, Measure


def add(world, walk, obs, **kw):
    data = dict(title="Byt armaturen", responsible_kind="municipal_unit", observation_ids=[obs.id])
    data.update(kw)
    return measures.add(world.session, user=world["organiser"], walk_id=walk.id, data=measures.MeasureIn(**data))


def test_due_date_defaults_to_six_months_and_a_past_date_is_refused(world, session):
    walk = world.plan()
    obs = observe(world, walk)
    m = add(world, walk, obs)
    assert m.due_date - measures._today() == timedelta(days=183)
    with pytest.raises(ServiceError) as exc:
        add(world, walk, obs, due_date=measures._today() - timedelta(days=1))
    assert exc.value.code == "due_in_past"
    session.rollback()
    assert session.exec(select(func.count()).select_from(Measure)).one() == 1


@pytest.mark.parametrize("kw, code", [
    (dict(title=" "), "title_required"),
    (dict(responsible_kind="santa"), "responsible_unknown"),
    (dict(priority=9), "priority_unknown"),
    (dict(observation_ids=[]), "observations_required"),
    (dict(observation_ids=[999]), "observation_unknown"),
])
def test_bad_measures_are_refused(world, session, kw, code):
    walk = world.plan()
    obs = observe(world, walk)
    with pytest.raises(ServiceError) as exc:
        add(world, walk, obs, **kw)
    assert exc.value.code == code
    session.rollback()
    assert session.exec(select(func.count()).select_from(Measure)).one() == 0


def test_a_decline_needs_a_reason_and_done_needs_an_after_photo(world, session):
    walk = world.plan()
    m = add(world, walk, observe(world, walk))
    with pytest.raises(ServiceError) as exc:
        measures.decide(session, user=world["organiser"], measure_id=m.id, decision="declined", reason="  ")
    assert exc.value.code == "reason_required"
    session.rollback()
    session.refresh(m)
    assert m.decision == "pending"
    with pytest.raises(ServiceError) as exc:
        measures.set_status(session, user=world["organiser"], measure_id=m.id, status="done")
    assert exc.value.code == "not_accepted"
    session.rollback()
    measures.decide(session, user=world["organiser"], measure_id=m.id, decision="accepted")
    with pytest.raises(ServiceError) as exc:
        measures.set_status(session, user=world["organiser"], measure_id=m.id, status="done")
    assert exc.value.code == "after_photo_required"
    session.rollback()
    measures.set_status(session, user=world["organiser"], measure_id=m.id, status="scheduled")
    measures.set_status(session, user=world["organiser"], measure_id=m.id, status="done", after_photo=image_bytes())
    assert m.status == "done" and m.after_photo and m.done_at
    with pytest.raises(ServiceError) as exc:
        measures.set_status(session, user=world["organiser"], measure_id=m.id, status="open")
    assert exc.value.code == "status_step"


def test_from_planned_to_a_published_protocol(world, session, client):
    walk = world.plan()
    lamp = observe(world, walk)
    bush = observe(world, walk, category="vegetation", note="Buskarna skymmer gångvägen")
    done = add(world, walk, lamp)
    declined = add(world, walk, bush, title="Klipp buskarna", responsible_kind="private_owner")
    open_one = add(world, walk, bush, title="Ny lampa vid busken", priority=1)
    measures.decide(session, user=world["organiser"], measure_id=done.id, decision="accepted")
    measures.decide(session, user=world["organiser"], measure_id=open_one.id, decision="accepted")
    measures.decide(session, user=world["organiser"], measure_id=declined.id, decision="declined",
                    reason="Tomten är privat; ägaren har fått ett brev.")
    measures.set_status(session, user=world["organiser"], measure_id=done.id, status="done", after_photo=image_bytes())
    service.set_counts(session, user=world["organiser"], walk_id=walk.id, counts={"women": 5, "men": 3})
    for status in STATUSES[1:5]:
        assert client.get(f"/walks/{walk.id}/protocol").status_code == 404  # a draft is never public
        service.advance(session, user=world["organiser"], walk_id=walk.id, to=status)
    assert walk.status == "protocol_published"
    page = client.get(f"/walks/{walk.id}/protocol")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tomten är privat; ägaren har fått ett brev." in html
    assert 'id="share-walk">50 %' in html and 'id="share-year">50 %' in html
    for person in ("Olga", "Per Deltagare", world["participant"].email, world["organiser"].email):
        assert person not in html  # no personal data on the public page
