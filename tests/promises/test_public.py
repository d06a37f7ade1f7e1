"""The public page (no login), the Atom feed and the half-year report; the done-when of issue 14."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from watch.areas.registration import service as registration
from watch.promises import common, progress, service

ATOM = "{http://www.w3.org/2005/Atom}"


def bar_value(html: str, activity_id: int) -> int:
    match = re.search(rf'id="bar-{activity_id}" max="(\d+)" value="(\d+)"', html)
    assert match, html
    return int(match.group(2))


def test_the_public_page_moves_when_an_area_is_approved(client, world, make_area, make_user):
    """Done when: the public promise page shows an indicator that moved because an area was approved."""
    p, counted, _manual = world.signed()
    html = client.get("/promises/Nyköping/").get_data(as_text=True)
    assert bar_value(html, counted.id) == 0
    contact = make_user()
    area = make_area(name="Nya Bergen", status="pending", contact=contact)
    police = make_user(police=True, municipality="Nyköping")
    registration.mark_trained(world.session, police, area.id, user_id=contact.id)
    registration.approve_area(world.session, police, area.id)
    page = client.get("/promises/Nyköping/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert bar_value(html, counted.id) == 1
    assert "1 av 10" in html and "10 %" in html


def test_the_public_page_shows_the_promise_without_login(client, world):
    p, counted, manual = world.signed()
    progress.add_progress(world.session, user=world["reporter"], activity_id=manual.id,
                         data=progress.ProgressIn(entry_on=common.today(), amount=5, text="Fem kontroller på väg 225",
                                                 link="https://polisen.se/nykoping"))
    html = client.get(f"/promises/Nyköping/{p.id}").get_data(as_text=True)
    for text in ("Tryggare bostadsområden", "Inbrott i bostadsområden ökar.", "Grannsamverkan", "kommunstyrelsens ordförande",
                 "lokalpolisområdeschef", "Fem kontroller på väg 225", "Senast uppdaterad", "application/atom+xml", "promise-scope__shape"):
        assert text in html, text
    assert bar_value(html, manual.id) == 5
    assert "Stina" not in html and "Rolf" not in html  # no person's name on the public page
    assert 'rel="nofollow noopener"' in html


def test_a_draft_is_not_public(client, world):
    p = world.draft()
    assert client.get("/promises/Nyköping/").status_code == 404
    assert client.get(f"/promises/Nyköping/{p.id}").status_code == 404
    assert client.get("/promises/Nyköping/feed.atom").status_code == 404
    signed, _c, _m = world.signed()
    assert client.get(f"/promises/Oxelösund/{signed.id}").status_code == 404  # the wrong municipality


def test_the_atom_feed_is_valid_atom(client, world):
    p, counted, manual = world.signed()
    progress.add_progress(world.session, user=world["coordinator"], activity_id=manual.id,
                         data=progress.ProgressIn(entry_on=common.today(), amount=2, text="Två kontroller <b>&</b>"))
    data = service.PromiseIn(title="Tryggare bostadsområden 2", period_start=p.period_start, period_end=p.period_end)
    service.update_promise(world.session, user=world["coordinator"], promise_id=p.id, data=data, note="Ny titel")
    response = client.get("/promises/Nyköping/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{child}") is not None, child
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/promises/Nyk%C3%B6ping/feed.atom")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3  # signed, revised, progress
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:") for i in ids)
    for e in entries:
        assert e.find(f"{ATOM}title").text
        datetime.fromisoformat(e.find(f"{ATOM}updated").text)  # RFC 3339
        assert e.find(f"{ATOM}link").get("href").startswith("http")
    titles = " ".join(e.find(f"{ATOM}title").text for e in entries)
    assert "reviderat " + common.today().strftime("%Y-%m") in titles
    assert any("Två kontroller <b>&</b>" in (e.find(f"{ATOM}content").text or "") for e in entries)
    datetime.fromisoformat(root.find(f"{ATOM}updated").text)


def test_the_half_year_report_prints(client, world):
    p, counted, manual = world.signed()
    today = common.today()
    progress.add_progress(world.session, user=world["coordinator"], activity_id=manual.id,
                         data=progress.ProgressIn(entry_on=today, amount=3, text="Tre kontroller"))
    half = 1 if today.month <= 6 else 2
    page = client.get(f"/promises/Nyköping/{p.id}/report/{today.year}/{half}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "promises.css" in html and "Tre kontroller" in html and 'id="report-table"' in html
    assert client.get(f"/promises/Nyköping/{p.id}/report/{today.year}/3").status_code == 404
    assert client.get(f"/promises/Nyköping/{p.id}/report/{today.year + 5}/1").status_code == 404
    css = client.get("/static/css/promises.css").get_data(as_text=True)
    assert "@media print" in css
    # The public page links the report of each half-year so far.
    assert f"/report/{today.year}/{half}" in client.get(f"/promises/Nyköping/{p.id}").get_data(as_text=True)


def test_an_evidence_photo_is_public_with_its_promise(client, world):
    from tests.alerts.conftest import image_bytes

    p, counted, manual = world.signed()
    e = progress.add_progress(world.session, user=world["coordinator"], activity_id=counted.id,
                             data=progress.ProgressIn(entry_on=common.today(), photo=image_bytes()))
    response = client.get(f"/promises/photos/{e.id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get(f"/promises/photos/{e.id + 1}").status_code == 404


def test_the_last_updated_date_follows_progress(client, world):
    p, counted, manual = world.signed()
    before = client.get("/promises/Nyköping/").get_data(as_text=True)
    assert 'id="promise-updated"' in before
    progress.add_progress(world.session, user=world["coordinator"], activity_id=manual.id,
                         data=progress.ProgressIn(entry_on=common.today() - timedelta(days=1), amount=1, text="En kontroll"))
    assert "En kontroll" in client.get("/promises/Nyköping/").get_data(as_text=True)


def test_a_revision_shows_its_difference_on_the_public_page(client, world):
    p, counted, manual = world.signed()
    data = service.PromiseIn(title="Tryggare bostadsområden och hamnar", period_start=p.period_start, period_end=p.period_end,
                             problem=p.problem, focus_areas=["Grannsamverkan", "Båtsamverkan"], scope=p.scope)
    service.update_promise(world.session, user=world["coordinator"], promise_id=p.id, data=data, note="Båtstölder ökar")
    html = client.get("/promises/Nyköping/").get_data(as_text=True)
    assert "Reviderat " + common.today().strftime("%Y-%m") in html
    assert "<del>Tryggare bostadsområden</del>" in html and "<ins>Tryggare bostadsområden och hamnar</ins>" in html
    assert "Båtstölder ökar" in html and "version 2" in html
