"""Work orders by e-mail (through the real outbox and SMTP), by signed webhook and to another Open311 server;
delivered by the periodic task, never inside the request; SSRF guard; retries; bad rules store nothing."""
from __future__ import annotations

import hashlib
import hmac
import io
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.graffiti.conftest import MUNI, image_bytes, report
from tests.graffiti.test_views_hooks import form
from tests.mail.conftest import body, smtp  # noqa: F401  (fixture)
from tests.open311.stub import serve
from watch.core import tasks
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.graffiti import delivery, outbound, rules
from watch.graffiti.models import GraffitiDelivery, RoutingRule


@pytest.fixture
def config(config, smtp):  # noqa: F811
    """Mail goes to the test SMTP server; work orders may reach the loopback stub."""
    config.update(smtp.config(), GRAFFITI_OUTBOUND_ALLOW_LOOPBACK=True)
    return config


@pytest.fixture
def case_system():
    """The owner's GeoReport v2 case system (a stub in a thread)."""
    state, server = serve()
    yield state
    server.shutdown()
    server.server_close()


def open311_rule(gw, case_system, **kw):
    data = dict(user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, channel="open311",
                address="klotter@tekniska.example.se", endpoint=case_system.base + "/open311/v2", secret="remote-key-1",
                service_code="klotter")
    data.update(kw)
    return rules.add_rule(gw.session, **data)


def test_a_report_produces_the_work_order_by_email_and_open311_and_the_police_package(gw, app, session, client, auth, smtp,
                                                                                      case_system):
    open311_rule(gw, case_system)
    auth.as_user(gw["participant"])
    sent = client.post("/graffiti/new", data=form(), content_type="multipart/form-data")
    assert sent.status_code == 302
    assert case_system.received == [] and smtp.messages == []  # nothing leaves inside the request
    r = session.exec(select(delivery.GraffitiReport)).one()
    tasks.run_all(app, only="graffiti-delivery")
    tasks.run_all(app, only="mail.send")
    # Open311: POST requests.json with the body's api_key and service_code; their id is kept
    [got] = case_system.received
    assert got.path == "/open311/v2/requests.json"
    f = got.form
    assert f["api_key"] == "remote-key-1" and f["service_code"] == "klotter" and f["lat"].startswith("58.75")
    assert f["attribute[external_id]"] == f"g{r.id}" and "Elskåp" in f["description"]
    assert gw["participant"].display_name not in got.body.decode()
    d = session.exec(select(GraffitiDelivery)).one()
    assert (d.status, d.remote_id, d.attempts) == ("sent", "NYK-1001", 1)
    # e-mail: through the outbox and the worker to the SMTP server
    [mail] = [m for m in smtp.messages if m["To"] == "klotter@tekniska.example.se"]
    assert mail["To"] == "klotter@tekniska.example.se" and f"Klotter nr {r.id}" in mail["Subject"]
    assert f"/graffiti/{r.id}" in body(mail)
    # the police package
    auth.as_user(gw["organiser"])
    page = client.get(f"/graffiti/{r.id}/police")
    assert page.status_code == 200 and "Storgatan 1" in page.get_data(as_text=True)
    detail = client.get(f"/graffiti/{r.id}").get_data(as_text=True)
    assert 'id="graffiti-deliveries"' in detail and "NYK-1001" in detail
    # a second run sends nothing again
    tasks.run_all(app, only="graffiti-delivery")
    assert len(case_system.received) == 1


def test_a_webhook_is_signed_json_without_the_reporter(gw, app, session, case_system):
    rule = rules.add_rule(session, user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, channel="webhook",
                          endpoint=case_system.base + "/hooks/klotter")
    assert len(rule.secret) >= 32 and rule.address == ""
    r = report(gw, offensive=True)
    assert delivery.deliver_due(session) == 1
    [got] = case_system.received
    stamp, sig = got.headers["x-watch-timestamp"], got.headers["x-watch-signature"]
    assert sig == "sha256=" + hmac.new(rule.secret.encode(), stamp.encode() + b"." + got.body, hashlib.sha256).hexdigest()
    data = got.json
    assert data["service_request_id"] == f"g{r.id}" and data["offensive"] is True and data["object_type"] == "facade"
    assert not {"reporter", "reporter_id", "name", "email"} & set(data)
    assert gw["participant"].display_name not in got.body.decode() and gw["participant"].email not in got.body.decode()


def test_failures_are_retried_by_the_task_and_4xx_or_redirects_fail_for_good(gw, app, session, case_system):
    rules.add_rule(session, user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, channel="webhook",
                   endpoint=case_system.base + "/hooks/klotter")
    case_system.script.append((503, {}, b"busy"))
    report(gw)
    now = utcnow()
    delivery.deliver_due(session, now=now)
    d = session.exec(select(GraffitiDelivery)).one()
    assert (d.status, d.attempts) == ("pending", 1) and "503" in d.last_error and d.next_attempt_at > now
    assert delivery.deliver_due(session, now=now) == 0  # not before its time
    delivery.deliver_due(session, now=d.next_attempt_at + timedelta(seconds=1))
    session.refresh(d)
    assert (d.status, d.attempts) == ("sent", 2)
    # a 4xx answer is not retried
    case_system.script.append((400, {}, b"bad service_code"))
    report(gw, not_duplicate=True)
    delivery.deliver_due(session, now=utcnow() + timedelta(seconds=1))
    bad = session.exec(select(GraffitiDelivery).order_by(GraffitiDelivery.id.desc())).first()
    assert bad.status == "failed" and "400" in bad.last_error
    # a redirect is not followed
    case_system.script.append((302, {"Location": "http://169.254.169.254/latest/meta-data"}, b""))
    report(gw, not_duplicate=True)
    before = len(case_system.received)
    delivery.deliver_due(session, now=utcnow() + timedelta(seconds=1))
    moved = session.exec(select(GraffitiDelivery).order_by(GraffitiDelivery.id.desc())).first()
    assert moved.status == "failed" and "redirect" in moved.last_error and len(case_system.received) == before + 1


def test_a_network_failure_ends_after_the_last_attempt(gw, app, session, case_system):
    app.config["GRAFFITI_DELIVERY_MAX_ATTEMPTS"] = 2
    rules.add_rule(session, user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, channel="webhook",
                   endpoint="http://127.0.0.1:9/closed")  # the discard port: nobody listens
    report(gw)
    d = session.exec(select(GraffitiDelivery)).one()
    for _ in range(2):
        delivery.deliver_due(session, now=d.next_attempt_at + timedelta(seconds=1))
        session.refresh(d)
    assert d.status == "failed" and d.attempts == 2 and "network" in d.last_error


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x", "https://169.254.169.254/x",
                                 "https://user:pw@example.org/x", "ftp://example.org/x", "https://exa mple.org/", "",
                                 "https://0.0.0.0/x", "https://[::ffff:127.0.0.1]/x", "https://localhost/x"])
def test_the_ssrf_guard_refuses_non_public_addresses(url):
    with pytest.raises(outbound.Refused):
        outbound.post(url, b"{}", {}, allow_loopback=False, timeout=1)


def test_a_rule_made_for_loopback_is_refused_at_send_time_without_the_test_setting(gw, app, session, case_system):
    rules.add_rule(session, user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, channel="webhook",
                   endpoint=case_system.base + "/hooks/klotter")
    report(gw)
    app.config["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"] = False
    delivery.deliver_due(session)
    d = session.exec(select(GraffitiDelivery)).one()
    assert d.status == "failed" and case_system.received == []


@pytest.mark.parametrize("kw, code", [
    ({"channel": "fax"}, "channel_unknown"),
    ({"channel": "webhook", "endpoint": "https://10.0.0.5/hook"}, "endpoint_invalid"),
    ({"channel": "webhook", "endpoint": "http://example.org/hook", "allow": False}, "endpoint_invalid"),
    ({"channel": "webhook", "endpoint": "https://nonexistent.invalid/hook"}, "endpoint_unresolved"),
    ({"channel": "webhook", "endpoint": "STUB", "secret": "short"}, "secret_length"),
    ({"channel": "open311", "endpoint": "STUB", "secret": "", "service_code": "klotter"}, "api_key_required"),
    ({"channel": "open311", "endpoint": "STUB", "secret": "k", "service_code": ""}, "service_code_required"),
    ({"channel": "open311", "endpoint": "STUB", "secret": "k", "service_code": "a b"}, "service_code_required"),
    ({"channel": "email", "address": ""}, "email_invalid"),
    ({"channel": "open311", "endpoint": "STUB", "secret": "k", "service_code": "x", "address": "not-an-address"}, None),
])
def test_bad_rules_are_refused_and_nothing_is_stored(gw, app, session, case_system, kw, code):
    app.config["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"] = kw.pop("allow", True)
    if kw.get("endpoint") == "STUB":
        kw["endpoint"] = case_system.base + "/open311/v2"
    before = session.exec(select(func.count()).select_from(RoutingRule)).one()
    data = dict(user=gw["coord"], municipality=MUNI, organisation_id=gw.orgs["tekniska"].id, object_type="sign", address="")
    data.update(kw)
    with pytest.raises(ServiceError) as err:
        rules.add_rule(session, **data)
    assert err.value.status == 422 and (code is None or err.value.code == code)
    session.rollback()
    assert session.exec(select(func.count()).select_from(RoutingRule)).one() == before


def test_the_setup_form_saves_an_open311_rule_and_shows_refusals(gw, app, client, auth, session, case_system):
    auth.as_user(gw["coord"])
    base = {"kind": "rule", "r-object_type": "sign", "r-owner_type": "*", "r-district_id": "0",
            "r-organisation_id": str(gw.orgs["tekniska"].id), "r-channel": "open311", "r-endpoint": case_system.base + "/open311/v2",
            "r-secret": "nyckel", "r-service_code": "klotter"}
    bad = client.post(f"/graffiti/setup/{MUNI}", data={**base, "r-service_code": ""})
    assert bad.status_code == 422 and "service_code" in bad.get_data(as_text=True)
    assert session.exec(select(RoutingRule).where(RoutingRule.object_type == "sign")).first() is None
    ok = client.post(f"/graffiti/setup/{MUNI}", data=base)
    assert ok.status_code == 302
    rule = session.exec(select(RoutingRule).where(RoutingRule.object_type == "sign")).one()
    assert (rule.channel, rule.secret, rule.service_code, rule.address) == ("open311", "nyckel", "klotter", "")
    page = client.get(f"/graffiti/setup/{MUNI}").get_data(as_text=True)
    assert "Open311 GeoReport v2" in page and case_system.base in page


def test_production_refuses_the_loopback_setting(tmp_path):
    from watch import create_app
    from watch.push.webpush.vapid import generate_vapid_keypair
    from watch.core.settings import ConfigError

    cfg = {"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path),
           "VAPID_SUBJECT": "mailto:trygghet@nykoping.se", "VAPID_PRIVATE_KEY": generate_vapid_keypair()[0].decode(),
           "MAIL_DISABLED": True}
    with pytest.raises(ConfigError, match="GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"):
        create_app(cfg | {"GRAFFITI_OUTBOUND_ALLOW_LOOPBACK": True})
    create_app(cfg)
