"""The monthly report per group for the grant: walks and volunteer hours add up, on the page and in the CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from tests.nightwalks.conftest import move_to_now
from watch.nightwalks import debrief, report, service
from watch.nightwalks.models import NightShift
from watch.core.time import TZ


def _walk(session, shift, walkers, *, when: datetime, **data):
    for w in walkers:
        service.sign_up(session, w, shift.id)
    move_to_now(session, shift)
    for w in walkers:
        service.check_in(session, w, shift.id)
    d = debrief.submit(session, walkers[0], shift.id, debrief.DebriefIn(**data))
    s = session.get(NightShift, shift.id)
    s.starts_at, s.ends_at = when, when + timedelta(hours=6)  # back to the month it belongs to
    session.add(s)
    session.commit()
    return d


def test_month_adds_up_on_the_page_and_in_the_csv(client, auth, session, police, group, make_walker, make_shift):
    a, b, c = make_walker(group, trained=True), make_walker(group), make_walker(group)
    _walk(session, make_shift(group), [a, b], when=datetime(2026, 10, 2, 19, tzinfo=TZ), adults=2, hours="5,5",
          events={"fight": 1}, needs_followup=True)
    _walk(session, make_shift(group), [a, b, c], when=datetime(2026, 10, 31, 23, 30, tzinfo=TZ), adults=3, hours=4,
          events={"fight": 2, "intoxication": 3})
    _walk(session, make_shift(group), [a, c], when=datetime(2026, 11, 1, 0, 30, tzinfo=TZ), adults=2, hours=3)  # November
    make_shift(group)  # no debrief: not a walk

    r = report.monthly(session, group, 2026, 10)
    assert r["walks"] == 2 and r["adults"] == 5
    assert r["volunteer_hours"] == 2 * 5.5 + 3 * 4 == sum(row.volunteer_hours for row in r["rows"])
    assert r["events"]["fight"] == 3 and r["events"]["intoxication"] == 3 and r["followups"] == 1
    assert report.monthly(session, group, 2026, 11)["walks"] == 1

    auth.as_user(police)
    page = client.get(f"/nightwalks/groups/{group.id}/report?month=2026-10").get_data(as_text=True)
    assert 'id="total-walks">2<' in page and 'id="total-hours">23<' in page

    body = client.get(f"/nightwalks/groups/{group.id}/report.csv?month=2026-10").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header, walks, total = rows[0], rows[1:-1], rows[-1]
    assert header[:4] == ["Datum", "Vuxna", "Timmar", "Ideella timmar"]
    assert [w[0] for w in walks] == ["2026-10-02", "2026-10-31"]
    num = lambda v: float(v.replace(",", "."))  # noqa: E731
    assert sum(num(w[3]) for w in walks) == num(total[3]) == 23.0
    assert sum(int(w[1]) for w in walks) == int(total[1]) == 5
    for col in range(4, 4 + 7):
        assert sum(int(w[col]) for w in walks) == int(total[col])
    assert total[0] == "Totalt: 2 vandringar"


def test_report_is_for_leaders_and_organisers(client, auth, session, group, make_walker):
    auth.as_user(make_walker(group))
    assert client.get(f"/nightwalks/groups/{group.id}/report").status_code == 403
    assert client.get(f"/nightwalks/groups/{group.id}/report.csv").status_code == 403
    auth.as_user(make_walker(group, leader=True))
    assert client.get(f"/nightwalks/groups/{group.id}/report?month=2026-13").status_code == 400
    assert client.get(f"/nightwalks/groups/{group.id}/report").status_code == 200


def test_night_walks_held_is_a_promise_indicator(session, group, make_walker, make_shift):
    from datetime import date

    from watch.promises import indicators

    a, b = make_walker(group, trained=True), make_walker(group)
    _walk(session, make_shift(group), [a, b], when=datetime(2026, 10, 2, 19, tzinfo=TZ), adults=2, hours=5)
    _walk(session, make_shift(group), [a, b], when=datetime(2026, 12, 31, 23, 30, tzinfo=TZ), adults=2, hours=5)
    make_shift(group)  # planned, no debrief: not held
    assert "nightwalks_held" in indicators.REGISTRY
    assert indicators.counted(session, "nightwalks_held", group.municipality, date(2026, 10, 1), date(2026, 12, 31)) == 2
    assert indicators.counted(session, "nightwalks_held", group.municipality, date(2026, 10, 3), date(2026, 12, 30)) == 0
    assert indicators.counted(session, "nightwalks_held", "Trosa", date(2026, 1, 1), date(2026, 12, 31)) == 0
