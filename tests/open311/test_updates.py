"""servicerequestupdates POST: the owner's case system moves our graffiti requests with its API key; bad input gets the
specification's error shape and stores nothing; a replayed update_id is harmless."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.graffiti.conftest import gw, report, world  # noqa: F401  (fixtures)
from tests.open311.client import GeoReport
from watch.accounts.service import create_token
from watch.graffiti.models import GraffitiReport, GraffitiUpdate


@pytest.fixture
def keys(gw, session):
    """API keys of the organiser (Tekniska: the body the work orders go to), a housing-company reporter, a resident."""
    return {who: create_token(session, gw[who], name="Ärendesystem")[1] for who in ("organiser", "hem", "participant")}


def post(client, key, fmt="json", **data):
    api = GeoReport(client, api_key=key, fmt=fmt)
    return api.call("post", "servicerequestupdates", "service_request_updates", data={"api_key": key, **data})


def updates(session):
    return session.exec(select(func.count()).select_from(GraffitiUpdate)).one()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_case_system_moves_the_request_and_a_replay_is_harmless(gw, keys, client, session, fmt):
    r = report(gw)
    status, [row] = post(client, keys["organiser"], fmt, service_request_id=f"g{r.id}", update_id="u-1",
                         status="ACTION_SCHEDULED", description="Saneringsfirman kommer på tisdag")
    assert status == 201 and row["status"] == "open" and "tisdag" in row["description"]
    session.refresh(r)
    assert (r.status, r.status_note) == ("scheduled", "Saneringsfirman kommer på tisdag")
    status, [row] = post(client, keys["organiser"], fmt, service_request_id=f"g{r.id}", update_id="u-2", status="FIXED")
    assert status == 201 and row["status"] == "closed"
    session.refresh(r)
    assert r.status == "cleaned" and r.cleaned_at is not None
    again, _ = post(client, keys["organiser"], fmt, service_request_id=f"g{r.id}", update_id="u-2", status="FIXED")
    assert again == 200 and updates(session) == 2
    status, ups = GeoReport(client, api_key=keys["organiser"], fmt=fmt).updates()
    assert status == 200 and ups[0]["service_request_id"] == f"g{r.id}" and ups[0]["status"] == "closed"


def test_a_note_only_update_keeps_the_status(gw, keys, client, session):
    r = report(gw)
    status, _ = post(client, keys["organiser"], service_request_id=f"g{r.id}", update_id="n1", status="open",
                     description="Vi tittar på det")
    session.refresh(r)
    assert status == 201 and (r.status, r.status_note) == ("submitted", "Vi tittar på det")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("who, data, code, expected", [
    ("wrong", {"update_id": "x", "status": "FIXED"}, 403, "api_key_invalid"),
    ("participant", {"update_id": "x", "status": "FIXED"}, 404, "request_not_found"),  # the reporter is no handler
    ("hem", {"update_id": "x", "status": "FIXED"}, 404, "request_not_found"),  # routed to Tekniska, not to Nyköpingshem
    ("organiser", {"update_id": "x", "status": "FIXED", "service_request_id": "g999999"}, 404, "request_not_found"),
    ("organiser", {"update_id": "x", "status": "FIXED", "service_request_id": "w1; drop"}, 404, "request_not_found"),
    ("organiser", {"update_id": "x", "status": "PAINTED_OVER"}, 400, "status_unknown"),
    ("organiser", {"update_id": "x", "status": ""}, 400, "status_unknown"),
    ("organiser", {"update_id": "", "status": "FIXED"}, 400, "update_id_required"),
    ("organiser", {"update_id": "x" * 81, "status": "FIXED"}, 400, "update_id_required"),
])
def test_bad_updates_get_the_error_shape_and_store_nothing(gw, keys, client, session, fmt, who, data, code, expected):
    r = report(gw)
    data = {"service_request_id": f"g{r.id}", **data}
    status, body = post(client, keys.get(who, who), fmt, **data)
    assert status == code and expected in body[0]["description"]
    session.refresh(r)
    assert r.status == "submitted" and r.status_note == "" and updates(session) == 0


def test_a_step_back_is_refused(gw, keys, client, session):
    r = report(gw)
    post(client, keys["organiser"], service_request_id=f"g{r.id}", update_id="a", status="CLOSED")
    session.refresh(r)
    assert r.status == "closed"
    status, body = post(client, keys["organiser"], service_request_id=f"g{r.id}", update_id="b", status="INVESTIGATING")
    assert status == 409 and "status_step" in body[0]["description"]
    session.refresh(r)
    assert r.status == "closed" and updates(session) == 1
    assert session.get(GraffitiReport, r.id).status == "closed"
