"""One body, three doors (issue 9.9): the HTML form, the API as the posting page calls it, and the offline
queue as the service worker replays it (static/js/pwa/sw.js) give the same outcome."""
from __future__ import annotations

import html
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import SQLModel, select

from tests.conftest import Auth, IsolatedClient
from watch import create_app
from watch.core import db as wdb
from watch.alerts.models import Alert, AlertArea

from .conftest import SQUARES

ZONE = ZoneInfo("Europe/Stockholm")
INSIDE = (17.005, 58.752)
CENTRE = ((SQUARES["Gamla stan"][0] + SQUARES["Gamla stan"][2]) / 2, (SQUARES["Gamla stan"][1] + SQUARES["Gamla stan"][3]) / 2)


@pytest.fixture
def csrf_app(config):
    """The app with CSRF on, as in production."""
    config.update(WTF_CSRF_ENABLED=True, ALERTS_RATE_PER_USER=100)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    SQLModel.metadata.create_all(wdb.engine(application))
    with application.app_context():
        yield application
    wdb.engine(application).dispose()


def _local(delta: timedelta) -> str:
    return (datetime.now(ZONE) + delta).strftime("%Y-%m-%dT%H:%M")


# Bodies as the posting page's fields hold them (strings); "area" is a name in SQUARES.
CASES = {
    "burglary_at_a_position": dict(category="burglary", text="Krossad ruta på baksidan", lon=INSIDE[0], lat=INSIDE[1]),
    "area_chosen_without_position": dict(category="vandalism", text="Sprayat på elskåpet", area="Gamla stan"),
    "registration_and_time": dict(category="suspicious_vehicle", text="Vit skåpbil som kör runt", lon=INSIDE[0], lat=INSIDE[1],
                                  registration="abc123", observed_at=_local(-timedelta(hours=2))),
    "suspicious_person": dict(category="suspicious_person", lon=INSIDE[0], lat=INSIDE[1],
                              person=dict(did="Kände på dörrhandtag", clothing="Grön jacka", direction="Mot stationen")),
    "no_text": dict(category="burglary", text="  ", lon=INSIDE[0], lat=INSIDE[1]),
    "unknown_category": dict(category="ufo", text="Ljus på himlen", lon=INSIDE[0], lat=INSIDE[1]),
    "information_by_a_member": dict(category="information", text="Möte på torsdag", lon=INSIDE[0], lat=INSIDE[1]),
    "no_position_no_area": dict(category="burglary", text="Inbrott"),
    "outside_every_area": dict(category="burglary", text="Inbrott", lon=18.07, lat=59.33),
    "area_not_mine": dict(category="burglary", text="Inbrott", area="Hamnen"),
    "bad_registration": dict(category="suspicious_vehicle", text="Bil", lon=INSIDE[0], lat=INSIDE[1], registration="!!!"),
    "in_the_future": dict(category="burglary", text="Inbrott", lon=INSIDE[0], lat=INSIDE[1], observed_at=_local(timedelta(days=2))),
    "appearance_first": dict(category="suspicious_person", lon=INSIDE[0], lat=INSIDE[1], person=dict(did="Stod still", appearance="Lång")),
    "too_long": dict(category="burglary", text="x" * 2001, lon=INSIDE[0], lat=INSIDE[1]),
}


def _area_id(world, case):
    return {"Gamla stan": world.area.id, "Hamnen": world.other_area.id}.get(case.get("area"))


def _json_body(world, case) -> dict:
    """What static/js/alerts/post.js sends."""
    observed = case.get("observed_at")
    body = {
        "category": case.get("category", ""), "text": case.get("text", ""),
        "lat": case.get("lat"), "lon": case.get("lon"), "area_id": _area_id(world, case),
        "registration": case.get("registration"), "boat_id": None, "engine_id": None,
        "observed_at": datetime.strptime(observed, "%Y-%m-%dT%H:%M").replace(tzinfo=ZONE).isoformat() if observed else None,
    }
    if "person" in case:
        body["person"] = {k: case["person"].get(k) for k in ("did", "clothing", "direction", "vehicle", "appearance")}
    return body


def _form_body(world, case, csrf) -> dict:
    """What the form sends without JavaScript (lat/lon are hidden fields the script would fill)."""
    data = {"csrf_token": csrf, "category": case.get("category", ""), "text": case.get("text", ""),
            "lon": str(case.get("lon") or ""), "lat": str(case.get("lat") or ""), "area_id": str(_area_id(world, case) or ""),
            "registration": case.get("registration", ""), "observed_at": case.get("observed_at", ""), "boat_id": "", "engine_id": ""}
    for k, v in (case.get("person") or {}).items():
        data[f"person_{k}"] = v
    return data


def _new_alert(session, before: int):
    session.expire_all()
    alert = session.exec(select(Alert).where(Alert.id > before).order_by(Alert.id.desc())).first()
    if alert is None:
        return None
    areas = sorted(session.exec(select(AlertArea.area_id).where(AlertArea.alert_id == alert.id)).all())
    return (alert.category.value, alert.text, round(alert.lon, 6), round(alert.lat, 6), alert.registration,
            alert.observed_at.replace(second=0, microsecond=0) if alert.observed_at else None, areas)


def _last_id(session) -> int:
    session.expire_all()
    return max(session.exec(select(Alert.id)).all(), default=0)


def _through_api(client, session, body):
    """The posting page: JSON, Accept JSON, an Idempotency-Key and the CSRF header."""
    csrf = client.get("/pwa/session").json["csrf_token"]
    before = _last_id(session)
    response = client.post("/api/v1/alerts", json=body, headers={"Accept": "application/json", "Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": csrf})
    return response, _new_alert(session, before)


def _through_queue(client, session, body):
    """The worker's flush: it probes /pwa/session for a CSRF token, then replays the stored body with its own headers."""
    import json

    me = client.get("/pwa/session", headers={"Cache-Control": "no-store"}).json
    assert me["user"]
    before = _last_id(session)
    response = client.post("/api/v1/alerts", data=json.dumps(body), headers={
        "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": me["csrf_token"] or ""})
    return response, _new_alert(session, before)


def _through_form(client, session, world, case):
    page = client.get("/alerts/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = _last_id(session)
    response = client.post("/alerts/new", data=_form_body(world, case, csrf))
    return response, _new_alert(session, before)


@pytest.mark.parametrize("name", list(CASES))
def test_the_same_body_through_every_door_has_the_same_outcome(csrf_app, session, world, name):
    case = CASES[name]
    client = csrf_app.test_client()
    Auth(client).as_user(world.people["member"])
    body = _json_body(world, case)

    api, api_alert = _through_api(client, session, body)
    queued, queued_alert = _through_queue(client, session, body)
    form, form_alert = _through_form(client, session, world, case)

    if api.status_code == 201:
        assert queued.status_code == 201 and form.status_code == 302, (queued.status_code, form.status_code)
        assert api_alert is not None and queued_alert is not None and form_alert is not None
        if "observed_at" not in case:
            # "Now" by default: the three posts may straddle a minute, so compare all but the time,
            # and the time only to within two minutes.
            times = [a[5] for a in (api_alert, queued_alert, form_alert)]
            assert max(times) - min(times) <= timedelta(minutes=2), times
            api_alert, queued_alert, form_alert = (a[:5] + a[6:] for a in (api_alert, queued_alert, form_alert))
        assert api_alert == queued_alert == form_alert
        if "area" in case and "lon" not in case:
            assert tuple(api_alert)[2:4] == (round(CENTRE[0], 6), round(CENTRE[1], 6))
    else:
        assert api.status_code in (403, 422), api.status_code
        error = api.json["error"]
        assert queued.status_code == api.status_code and queued.json["error"] == error
        assert form.status_code == api.status_code
        assert html.escape(error["message"], quote=False) in form.get_data(as_text=True) or error["message"] in form.get_data(as_text=True)
        assert api_alert is queued_alert is form_alert is None


def test_the_expected_cases_are_accepted(csrf_app, session, world):
    # Guard the table above: these must be the accepted ones, so the test compares successes too.
    client = csrf_app.test_client()
    Auth(client).as_user(world.people["member"])
    accepted = {name for name, case in CASES.items() if _through_api(client, session, _json_body(world, case))[0].status_code == 201}
    assert accepted == {"burglary_at_a_position", "area_chosen_without_position", "registration_and_time", "suspicious_person"}


@pytest.mark.parametrize("area_id", ["abc", "1.5", "99999999999", "-3"])
def test_a_garbled_area_in_the_form_is_a_field_error_not_a_crash(csrf_app, session, world, area_id):
    client = csrf_app.test_client()
    Auth(client).as_user(world.people["member"])
    case = dict(category="burglary", text="Inbrott")
    page = client.get("/alerts/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = _form_body(world, case, csrf) | {"area_id": area_id}
    response = client.post("/alerts/new", data=data)
    assert response.status_code == 422
    assert "Du kan inte larma i det området." in response.get_data(as_text=True)
    assert _last_id(session) == 0
