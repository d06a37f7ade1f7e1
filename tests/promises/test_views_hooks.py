"""The editor pages (who may, bad input in the user's language, nothing written) and the GDPR receivers."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from tests.promises.conftest import SCOPE
from watch.accounts import service as accounts
from watch.organisations import service as org_service
from watch.promises import common, progress, service
from watch.promises.models import ProgressEntry, Promise, PromiseActivity, PromiseRevision


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def form(world, **kw):
    data = {"title": "Trygg hamn", "period_start": world.start.isoformat(), "period_end": world.end.isoformat(),
            "problem": "Båtmotorstölder", "focus_areas": "Båtsamverkan\nGrannsamverkan", "est_week_key": "",
            "scope": json.dumps(SCOPE)}
    data.update(kw)
    return data


def test_a_coordinator_writes_a_promise_through_the_pages(client, auth, world):
    auth.as_user(world["coordinator"])
    assert "Nyköping" in client.get("/promises/manage/").get_data(as_text=True)
    page = client.get("/promises/manage/new/Nyköping")
    assert page.status_code == 200 and 'id="area-draw-map"' in page.get_data(as_text=True)
    response = client.post("/promises/manage/new/Nyköping", data=form(world))
    assert response.status_code == 302
    p = world.session.exec(select(Promise)).one()
    assert json.loads(p.focus_areas) == ["Båtsamverkan", "Grannsamverkan"]
    response = client.post(f"/promises/manage/{p.id}/signatories", data={
        "s-organisation_id": world.orgs["polisen"].id, "s-role_title": "lokalpolisområdeschef", "s-signed_on": world.start.isoformat()})
    assert response.status_code == 302
    response = client.post(f"/promises/manage/{p.id}/activities", data={
        "a-organisation_id": world.orgs["polisen"].id, "a-description": "Trafikkontroller på väg 225", "a-indicator": "manual",
        "a-indicator_label": "trafikkontroller", "a-target": "20", "a-due_on": (world.end - timedelta(days=1)).isoformat(),
        "a-status": "planned"})
    assert response.status_code == 302
    assert client.post(f"/promises/manage/{p.id}/status", data={"status": "signed"}).status_code == 302
    assert world.session.get(Promise, p.id).status == "signed"
    html = client.get(f"/promises/manage/{p.id}").get_data(as_text=True)
    assert re.search(r">\s*Båtsamverkan\r?\nGrannsamverkan</textarea>", html), "focus areas one per line"
    assert "lokalpolisområdeschef" in html and "Trafikkontroller på väg 225" in html and "promise-to-active" in html


def test_bad_input_is_told_in_swedish_and_nothing_is_written(client, auth, world):
    auth.as_user(world["coordinator"])
    too_long = form(world, period_end=common.add_years(world.start, 2).isoformat())
    response = client.post("/promises/manage/new/Nyköping", data=too_long)
    assert response.status_code == 422
    assert "perioden kan vara högst två år" in response.get_data(as_text=True)
    line = form(world, scope=json.dumps({"type": "LineString", "coordinates": [[17.0, 58.75], [17.1, 58.76]]}))
    response = client.post("/promises/manage/new/Nyköping", data=line)
    assert response.status_code == 422 and "GeoJSON-polygon" in response.get_data(as_text=True)
    assert count(world.session, Promise) == 0
    p = world.draft()
    response = client.post(f"/promises/manage/{p.id}/activities", data={
        "a-organisation_id": world.orgs["polisen"].id, "a-description": "Trygghetsvandringar", "a-indicator": "walks_held",
        "a-target": "2", "a-due_on": (world.end + timedelta(days=3)).isoformat(), "a-status": "planned"})
    assert response.status_code == 422
    assert "utanför löftets period" in response.get_data(as_text=True)
    assert count(world.session, PromiseActivity) == 0


def test_progress_through_the_page_by_the_responsible_organisation(client, auth, world):
    p, counted, manual = world.signed()
    auth.as_user(world["reporter"])
    assert f"/promises/manage/activities/{manual.id}" in client.get("/promises/manage/").get_data(as_text=True)
    page = client.get(f"/promises/manage/activities/{manual.id}").get_data(as_text=True)
    assert 'id="progress-form"' in page and 'id="activity-form"' not in page  # reports progress, does not edit
    response = client.post(f"/promises/manage/activities/{manual.id}/progress", data={
        "p-entry_on": common.today().isoformat(), "p-amount": "", "p-text": "Kontroll"})
    assert response.status_code == 422 and "Ange hur många" in response.get_data(as_text=True)
    response = client.post(f"/promises/manage/activities/{manual.id}/progress", data={
        "p-entry_on": common.today().isoformat(), "p-amount": "3", "p-text": "Tre kontroller"})
    assert response.status_code == 302
    assert count(world.session, ProgressEntry) == 1
    counted_page = client.get(f"/promises/manage/activities/{counted.id}").get_data(as_text=True)
    assert 'id="progress-counted"' in counted_page and 'name="p-amount"' not in counted_page
    assert client.post(f"/promises/manage/activities/{manual.id}", data={"a-description": "x"}).status_code == 403


def test_who_may_open_the_editor(client, auth, world):
    p = world.draft()
    assert client.get(f"/promises/manage/{p.id}").status_code == 302  # to the login
    auth.as_user(world["reader"])
    assert client.get(f"/promises/manage/{p.id}").status_code == 404  # a draft others may not know
    assert client.get("/promises/manage/new/Nyköping").status_code == 403
    auth.as_user(world["oxelo"])
    assert client.get(f"/promises/manage/{p.id}").status_code == 404
    assert client.get("/promises/manage/new/Oxelösund").status_code == 200
    auth.as_user(world["admin"])
    assert client.get(f"/promises/manage/{p.id}").status_code == 200
    assert "Oxelösund" in client.get("/promises/manage/?municipality=Oxelösund").get_data(as_text=True)


def test_who_may_open_an_activity(client, auth, world):
    """Editors always; the responsible organisation's reporters once the promise is signed; one plain 404 for the rest."""
    draft = world.activity(world.draft())
    _p, counted, _manual = world.signed()
    urls = lambda a: (f"/promises/manage/activities/{a}", f"/promises/manage/activities/{a}/progress")  # noqa: E731
    auth.as_user(world["coordinator"])
    assert client.get(urls(draft.id)[0]).status_code == 200
    auth.as_user(world["reporter"])  # a reporter of the police, the responsible organisation
    assert client.get(urls(counted.id)[0]).status_code == 200
    main = lambda r: re.search(r"<main.*</main>", r.get_data(as_text=True), re.S).group(0)  # noqa: E731
    missing = main(client.get(urls(10**6)[0]))
    assert "Sidan finns inte" in missing
    for who, activity_id in (("reporter", draft.id), ("housing", counted.id), ("outsider", counted.id), ("reporter", 10**6)):
        auth.as_user(world[who])
        for url in urls(activity_id):
            response = client.get(url) if not url.endswith("/progress") else client.post(url, data={"p-text": "x"})
            assert (response.status_code, main(response)) == (404, missing), (who, url)


def test_export_and_deletion(world):
    p, counted, manual = world.signed()
    reporter = world["reporter"]
    progress.add_progress(world.session, user=reporter, activity_id=manual.id,
                         data=progress.ProgressIn(entry_on=common.today(), amount=2, text="Två kontroller"))
    data = accounts.export_data(world.session, reporter)
    (row,) = data["promise_progress_entries"]
    assert row["text"] == "Två kontroller" and row["amount"] == 2 and row["municipality"] == "Nyköping"
    coordinator = world["coordinator"]
    service.update_promise(world.session, user=coordinator, promise_id=p.id, note="Ny titel",
                           data=service.PromiseIn(title="Ny titel", period_start=p.period_start, period_end=p.period_end))
    assert accounts.export_data(world.session, coordinator)["promise_revisions"][0]["note"] == "Ny titel"
    from tests.factories import PASSWORD

    accounts.delete_account(world.session, reporter, password=PASSWORD)
    accounts.delete_account(world.session, coordinator, password=PASSWORD)
    entry = world.session.exec(select(ProgressEntry)).one()
    assert entry.author_id is None and entry.text == "Två kontroller"  # the entry stays, who posted it is forgotten
    assert world.session.exec(select(PromiseRevision)).one().author_id is None
    assert world.session.get(Promise, p.id).created_by_id is None


def test_a_party_is_kept(world):
    world.signed()
    import pytest

    from watch.core.errors import ServiceError

    with pytest.raises(ServiceError) as info:
        org_service.delete_organisation(world.session, actor=world["admin"], organisation_id=world.orgs["polisen"].id)
    assert info.value.code == "organisation_in_use"
