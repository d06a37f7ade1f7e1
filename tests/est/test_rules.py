"""Pure rules: the personal-data check, ISO weeks, grid cells."""
from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from watch.core import grid, pii
from watch.est.rules import weeks


@pytest.mark.parametrize("text", ["811218-9876", "19811218-9876", "8112189876", "Han hade pnr 811218 9876 på lappen",
                                  "811278-9873"])  # the last: samordningsnummer (day + 60)
def test_valid_personnummer_is_found(text):
    assert pii.check(text).personnummer


@pytest.mark.parametrize("text", ["811218-9875", "811318-9876", "Port 12, lgh 1102", "Rör 2024-1234 läcker", "070-123"])
def test_invalid_or_no_personnummer_is_not(text):
    assert not pii.check(text).personnummer


@pytest.mark.parametrize("text,code", [("Ring 070-123 45 67 om det", "phone"), ("+46 70 123 45 67", "phone"),
                                       ("Kalle i 7B sprayade", "name_class"), ("Ahmed, klass 9a", "name_class"),
                                       ("Elin Svensson åk 8 var där", "name_class")])
def test_warnings(text, code):
    assert code in pii.check(text).warnings


@pytest.mark.parametrize("text", ["Klotter på muren vid Stora torget", "Trasig belysning i trapphus 4B",
                                  "Cirka 5-10 ungdomar vid 7-eleven", "Glaskross vid busshållplatsen"])
def test_ordinary_place_descriptions_pass(text):
    found = pii.check(text)
    assert not found.personnummer and not found.warnings


def test_iso_weeks_in_local_time():
    # Sunday 23:30 local on 3 January 2027 is still ISO week 53 of 2026.
    late_sunday = datetime(2027, 1, 3, 22, 30, tzinfo=UTC)
    assert weeks.week_of(late_sunday) == (2026, 53)
    assert weeks.shift(2026, 53, 1) == (2027, 1)
    assert weeks.valid(2026, 53) and not weeks.valid(2025, 53)
    assert weeks.previous(2027, 2, 3) == [(2027, 1), (2026, 53), (2026, 52)]
    cut = weeks.cutoff(2026, 48, 1, time(12, 0))
    assert cut.isoformat() == "2026-12-01T12:00:00+01:00"  # the following Tuesday


def test_grid_cells_are_squares_of_about_the_size():
    cell = grid.cell_of(17.005, 58.753, 250)
    x0, y0, x1, y1 = grid.cell_bounds(cell, 250)
    assert x0 <= 17.005 < x1 and y0 <= 58.753 < y1
    assert abs((y1 - y0) * 111_320 - 250) < 1
    assert grid.cell_polygon(cell, 250)["coordinates"][0][0] == grid.cell_polygon(cell, 250)["coordinates"][0][-1]
