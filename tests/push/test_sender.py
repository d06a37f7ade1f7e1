"""PushSender against a real-protocol push service on loopback: nothing in the sender is mocked."""
from __future__ import annotations

import base64
import json
import logging
import random
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from py_vapid import Vapid02

from tests.pushservice import PushService
from watch.push.retry import SendResult, backoff_delay, parse_retry_after
from watch.push.webpush.ece import encrypt_payload
from watch.push.webpush.message import MAX_PAYLOAD_BYTES, PushMessage, alert_topic
from watch.push.webpush.sender import PushSender
from watch.push.webpush.vapid import VapidSigner, generate_vapid_keypair, load_private_key, public_key_b64url

ALERT = {"id": 42, "title": "Misstänkt inbrott", "body": "Två personer vid förrådet på Ängsvägen.", "url": "/alerts/42"}


@pytest.fixture(scope="module")
def vapid_pem() -> bytes:
    return generate_vapid_keypair()[0]


@pytest.fixture(scope="module")
def _service() -> Iterator[PushService]:
    with PushService(tls=True) as svc:
        yield svc


@pytest.fixture
def service(_service: PushService) -> Iterator[PushService]:
    _service.reset()
    _service.retry_after = 0
    yield _service
    assert _service.rejections == [], "the push service saw protocol violations"


@pytest.fixture
def signer(vapid_pem: bytes) -> VapidSigner:
    return VapidSigner(vapid_pem, "mailto:driftansvarig@example.se")


@pytest.fixture
def sender(signer: VapidSigner, service: PushService) -> Iterator[PushSender]:
    with PushSender(signer, allow_insecure_hosts=[service.hostport], timeout=5, ca_file=service.ca_file) as s:
        yield s


def message(sub: dict[str, Any], payload: dict[str, Any] | None = None, **kw: Any) -> PushMessage:
    return PushMessage.for_subscription(sub, dict(payload or ALERT), **kw)


def jwt_claims(received_headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
    auth = received_headers["authorization"]
    token = auth.split("t=", 1)[1].split(",", 1)[0].strip()
    claims = token.split(".")[1]
    return token, json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))


def test_message_is_accepted_and_decrypts_to_same_json(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    result = sender.send(message(sub))
    assert result == SendResult("sent", 201)
    [got] = service.received(sub)
    assert got.payload == ALERT


def test_jwt_audience_includes_port_and_claims_are_valid(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    assert sender.send(message(sub)).ok
    _, claims = jwt_claims(service.received(sub)[0].headers)
    assert claims["aud"] == service.origin == f"https://localhost:{service.port}"
    assert claims["sub"] == "mailto:driftansvarig@example.se"
    assert time.time() + 11 * 3600 < claims["exp"] <= time.time() + 12 * 3600 + 5


def test_token_is_reused_per_origin_and_differs_between_origins(
    service: PushService, signer: VapidSigner
) -> None:
    with PushService(tls=True) as other, PushSender(signer, allow_insecure_hosts=[service.hostport, other.hostport],
                                                    ca_file=service.ca_file) as s:
        subs = service.new_subscriptions(5) + other.new_subscriptions(5)
        assert all(r.ok for r in s.send_many([message(x) for x in subs]))
        assert signer.sign_count == 2
        tokens_a = {jwt_claims(r.headers)[0] for r in service.received()}
        tokens_b = {jwt_claims(r.headers)[0] for r in other.received()}
        assert len(tokens_a) == 1 and len(tokens_b) == 1 and tokens_a != tokens_b
        assert other.rejections == []


def test_token_is_refreshed_an_hour_before_expiry(vapid_pem: bytes) -> None:
    now = [1_800_000_000.0]
    signer = VapidSigner(vapid_pem, "mailto:a@example.se", clock=lambda: now[0])
    first = signer.authorization("https://fcm.googleapis.com")
    now[0] += 10 * 3600
    assert signer.authorization("https://fcm.googleapis.com") == first
    now[0] += 1.5 * 3600
    assert signer.authorization("https://fcm.googleapis.com") != first
    assert signer.sign_count == 2


def test_ttl_urgency_and_topic_headers_arrive(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    assert sender.send(message(sub, ttl=600, urgency="high", topic=alert_topic(42))).ok
    [got] = service.received(sub)
    assert (got.ttl, got.urgency, got.topic) == (600, "high", "alert-42")
    assert got.headers["content-encoding"] == "aes128gcm"


@pytest.mark.parametrize("status, expected", [
    (404, "gone"), (410, "gone"), (413, "too_large"), (500, "retry"), (502, "retry"), (503, "retry"),
    (429, "retry"), (400, "rejected"), (401, "rejected"), (403, "rejected"), (418, "failed"),
])
def test_status_classification(service: PushService, sender: PushSender, status: int, expected: str) -> None:
    sub = service.new_subscription()
    service.fail(sub, [status])
    result = sender.send(message(sub))
    assert (result.status, result.http_status) == (expected, status)
    assert service.received(sub) == []


def test_429_retry_after_is_parsed(service: PushService, sender: PushSender) -> None:
    service.retry_after = 7
    sub = service.new_subscription()
    service.fail(sub, [429, 503])
    assert sender.send(message(sub)) == SendResult("retry", 429, 7.0, "")
    assert sender.send(message(sub)).retry_after == 7.0
    assert sender.send(message(sub)).ok  # the queue is used up, the next one goes through


def test_rejections_are_logged_at_error(service: PushService, sender: PushSender, caplog: pytest.LogCaptureFixture) -> None:
    sub = service.new_subscription()
    service.fail(sub, [401])
    with caplog.at_level(logging.ERROR, logger="watch.push.webpush.sender"):
        assert sender.send(message(sub)).status == "rejected"
    assert any(r.levelno == logging.ERROR and "401" in r.getMessage() for r in caplog.records)


def test_unsubscribed_endpoint_is_gone(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    service.unsubscribe(sub)
    assert sender.send(message(sub)).status == "gone"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_never_followed(service: PushService, sender: PushSender, status: int) -> None:
    with PushService() as target:
        victim = target.new_subscription()
        sub = service.new_subscription()
        service.redirect(sub, victim["endpoint"], status)
        result = sender.send(message(sub))
        assert (result.status, result.http_status) == ("failed", status)
        assert target.attempts() == 0 and target.received() == []


def test_send_many_1000_all_arrive_and_decrypt(service: PushService, sender: PushSender) -> None:
    subs = service.new_subscriptions(1000)
    results = sender.send_many([message(s, {**ALERT, "n": i}) for i, s in enumerate(subs)])
    assert [r.status for r in results] == ["sent"] * 1000
    assert service.wait_for(1000, timeout=5)
    by_sub = {r.sub_id: r.payload["n"] for r in service.received()}
    assert by_sub == {PushService.sub_id(s): i for i, s in enumerate(subs)}


def test_send_many_keeps_order_under_random_failures(service: PushService, sender: PushSender) -> None:
    subs = service.new_subscriptions(300)
    service.set_random_failures(0.3, (500, 503, 429, 410), seed=7)
    results = sender.send_many([message(s, {**ALERT, "n": i}) for i, s in enumerate(subs)])
    sent = {PushService.sub_id(s) for s, r in zip(subs, results) if r.ok}
    assert sent == {r.sub_id for r in service.received()}
    assert 150 < len(sent) < 260
    assert {r.status for r in results} == {"sent", "retry", "gone"}


def test_network_error_is_retry(service: PushService, signer: VapidSigner) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the send: connection refused
    fake = {"endpoint": f"http://127.0.0.1:{port}/push/x", "keys": service.new_subscription()["keys"]}
    with PushSender(signer, allow_insecure_hosts=[f"127.0.0.1:{port}"], timeout=2) as s:
        result = s.send(message(fake))
    assert result.status == "retry" and "ConnectError" in result.reason


def test_address_guard_runs_at_connect_time(service: PushService, signer: VapidSigner) -> None:
    sub = service.new_subscription()
    # https passes the scheme check; without localhost:PORT on the insecure list the
    # resolved 127.0.0.1 must be refused before any byte is sent; an IP literal too.
    with PushSender(signer, ca_file=service.ca_file) as strict:
        result = strict.send(message(sub))
        assert result.status == "failed" and result.reason.startswith("endpoint_address"), result
        literal = {**sub, "endpoint": sub["endpoint"].replace("https://localhost", "https://127.0.0.1")}
        result = strict.send(message(literal))
        assert result.status == "failed" and result.reason.startswith("endpoint_address"), result
    assert service.attempts() == 0


def test_dns_rebinding_to_private_address_is_refused(
    service: PushService, sender: PushSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *a: Any, **kw: Any) -> Any:
        # DNS is the one thing outside the machine: pretend the push host now points inside.
        return real("127.0.0.1" if host == "fcm.googleapis.com" else host, port, *a, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    sub = service.new_subscription()
    sub["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc"
    result = sender.send(message(sub))
    assert result.status == "failed" and "non-public" in result.reason


def test_plain_http_refused_unless_explicitly_allowed(signer: VapidSigner) -> None:
    with PushService() as plain, PushSender(signer) as strict:
        result = strict.send(message(plain.new_subscription()))
        assert result.status == "failed" and result.reason.startswith("endpoint_scheme")
        assert plain.attempts() == 0


def test_oversized_payload_is_shrunk_then_refused(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    result = sender.send(message(sub, {**ALERT, "body": "å" * 2000}))
    assert result.ok and "body" in result.reason
    [got] = service.received(sub)
    assert "body" not in got.payload and got.payload["truncated"] is True
    result = sender.send(message(sub, {**ALERT, "title": "x" * (MAX_PAYLOAD_BYTES + 1)}))
    assert result.status == "too_large" and service.attempts(sub) == 1


def test_encryption_uses_a_fresh_key_per_message(service: PushService) -> None:
    keys = service.new_subscription()["keys"]
    a = encrypt_payload(b"{}", keys["p256dh"], keys["auth"])
    b = encrypt_payload(b"{}", keys["p256dh"], keys["auth"])
    assert a[21:86] != b[21:86] and a[:16] != b[:16]  # ephemeral key and salt
    assert a[20] == 65 and int.from_bytes(a[16:20], "big") == 4096


def test_service_rejects_bad_tokens(service: PushService, signer: VapidSigner) -> None:
    """The test double really verifies: wrong aud, long exp and bad signatures are refused."""
    sub = service.new_subscription()
    body = encrypt_payload(b"{}", sub["keys"]["p256dh"], sub["keys"]["auth"])
    now = int(time.time())
    cases = [
        signer.sign("https://localhost", now + 3600),  # aud without the port
        signer.sign(service.origin, now + 25 * 3600),
        signer.sign(service.origin, now - 10),
        signer.sign(service.origin, now + 3600)[:-4] + "AAAA",
    ]
    for token in cases:
        r = httpx.post(sub["endpoint"], content=body, verify=ssl.create_default_context(cafile=service.ca_file), headers={
            "Authorization": f"vapid t={token}, k={signer.public_key}", "TTL": "60", "Content-Encoding": "aes128gcm"})
        assert r.status_code in (401, 403)
    assert len(service.rejections) == len(cases)
    service.reset()


def test_backoff_delay() -> None:
    rng = random.Random(1)
    for attempt in range(12):
        ceiling = min(60, 2 ** attempt)
        delays = [backoff_delay(attempt, base=1, cap=60, floor=0.2, rng=rng) for _ in range(50)]
        # Capped, jittered, and never below half the ceiling nor the floor: no burst of quick retries.
        assert all(max(0.2, ceiling / 2) <= d <= max(0.2, ceiling) for d in delays), (attempt, delays)
    assert min(backoff_delay(0, base=0.01, cap=60, floor=1.0, rng=rng) for _ in range(100)) == 1.0
    assert backoff_delay(0, retry_after=30, base=1, cap=60, rng=rng) >= 30
    assert backoff_delay(10, retry_after=120, base=1, cap=60, rng=rng) == 120


def test_circuit_breaker_opens_probes_and_closes() -> None:
    from watch.push.retry import CircuitBreaker

    now = [100.0]
    breaker = CircuitBreaker(threshold=3, cooldown=2.0, max_cooldown=5.0, clock=lambda: now[0])
    for _ in range(2):
        assert breaker.admit() == (True, False, 0.0)
        breaker.record(True)
    breaker.record(False)  # an answer in between resets the run
    for _ in range(3):
        assert breaker.admit()[0]
        breaker.record(True)
    admitted, probe, wait = breaker.admit()
    assert not admitted and wait == 2.0 and breaker.is_open
    now[0] += 2.0
    assert breaker.admit() == (True, True, 0.0)  # one probe ...
    assert not breaker.admit()[0]  # ... and only one
    breaker.record(True, probe=True)  # the probe failed: twice the cool-down
    assert breaker.admit()[2] == 4.0
    now[0] += 4.0
    assert breaker.admit()[1]
    breaker.record(True, probe=True)
    assert breaker.admit()[2] == 5.0  # capped
    now[0] += 5.0
    assert breaker.admit()[1]
    breaker.record(False, probe=True)  # the service answers again
    assert breaker.admit() == (True, False, 0.0) and not breaker.is_open


def test_parse_retry_after() -> None:
    now = time.time()
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    date = format_datetime(datetime.fromtimestamp(now, timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (parse_retry_after(date, now=now) or 0) <= 91
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_message_validation_and_topics() -> None:
    sub = {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "x", "auth": "y"}}
    for bad in ({"ttl": 0}, {"ttl": -1}, {"ttl": True}, {"urgency": "urgent"}, {"topic": "a" * 33}, {"topic": "a b"}):
        with pytest.raises(ValueError):
            message(sub, **bad)
    assert alert_topic(42) == "alert-42"
    long = alert_topic("3f1c2a4e-9b7d-4c1e-8f00-1234567890ab")
    assert len(long) <= 32 and long == alert_topic("3f1c2a4e-9b7d-4c1e-8f00-1234567890ab")
    message(sub, topic=long)


def test_vapid_key_formats() -> None:
    pem, public = generate_vapid_keypair()
    assert len(base64.urlsafe_b64decode(public + "=")) == 65
    key = load_private_key(pem)
    raw = base64.urlsafe_b64encode(key.private_numbers().private_value.to_bytes(32, "big")).decode().rstrip("=")
    assert public_key_b64url(raw) == public_key_b64url(key) == public_key_b64url(Vapid02.from_pem(pem)) == public
    with pytest.raises(ValueError):
        VapidSigner(pem, "ops@example.se")


def test_standalone_process_control_api(signer: VapidSigner) -> None:
    script = Path(__file__).resolve().parent.parent / "pushservice.py"
    proc = subprocess.Popen([sys.executable, str(script), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        origin = proc.stdout.readline().strip()
        req = urllib.request.Request(f"{origin}/_control/subscriptions?n=20", data=b"", method="POST")
        subs = json.loads(urllib.request.urlopen(req, timeout=10).read())
        with PushSender(signer, allow_insecure_hosts=[origin.split("://")[1]]) as s:
            assert all(r.ok for r in s.send_many([message(x) for x in subs]))
        stats = json.loads(urllib.request.urlopen(f"{origin}/_control/stats", timeout=10).read())
        assert stats["total_received"] == 20 and stats["rejections"] == []
        assert set(stats["received"]) == {PushService.sub_id(x) for x in subs}
    finally:
        proc.terminate()
        proc.wait(10)


def test_encryption_interoperates_with_http_ece() -> None:
    """Our RFC 8291 code against an independent implementation (http_ece, which pywebpush uses)."""
    import http_ece
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    receiver = ec.generate_private_key(ec.SECP256R1())
    p256dh = base64.urlsafe_b64encode(receiver.public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)).decode().rstrip("=")
    auth = bytes(range(16))
    for plaintext in (b"", b"{}", "Inbrott på Ängsvägen".encode(), bytes(range(256)) * 12):
        body = encrypt_payload(plaintext, p256dh, base64.urlsafe_b64encode(auth).decode().rstrip("="))
        assert http_ece.decrypt(body, private_key=receiver, auth_secret=auth, version="aes128gcm") == plaintext
        tampered = body[:-1] + bytes([body[-1] ^ 1])
        with pytest.raises(Exception):
            http_ece.decrypt(tampered, private_key=receiver, auth_secret=auth, version="aes128gcm")


def _raw_server(answers: list[bytes]) -> tuple[socket.socket, list[bytes]]:
    """A one-connection-at-a-time TCP server that reads one request per answer and writes the answer."""
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        for answer in answers:
            conn, _ = listener.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                length = int(data.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])
                while len(data.split(b"\r\n\r\n", 1)[1]) < length:
                    data += conn.recv(65536)
                seen.append(data)
                conn.sendall(answer)  # then closed: every answer ends its connection

    threading.Thread(target=serve, daemon=True).start()
    return listener, seen


def test_chunked_answer_and_closed_connections_over_the_wire(service: PushService, signer: VapidSigner) -> None:
    listener, seen = _raw_server([
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.1 429 Slow down\r\nRetry-After: 3\r\nContent-Length: 4\r\n\r\nslow",
        b"HTTP/1.1 201 Cre",  # cut off mid-head: a network error, retried later, not a success
    ])
    hostport = f"127.0.0.1:{listener.getsockname()[1]}"
    keys = service.new_subscription()["keys"]
    fake = {"endpoint": f"http://{hostport}/push/abc?x=1", "keys": keys}
    with listener, PushSender(signer, allow_insecure_hosts=[hostport], timeout=5) as s:
        # The server closes after each answer: the next send must notice and open a new connection.
        assert s.send(message(fake)) == SendResult("sent", 201)
        assert s.send(message(fake)) == SendResult("retry", 429, 3.0, "slow")
        result = s.send(message(fake))
    assert result.status == "retry" and "RemoteProtocolError" in result.reason
    assert len(seen) == 3 and seen[0].startswith(b"POST /push/abc?x=1 HTTP/1.1\r\nHost: " + hostport.encode() + b"\r\n")


def test_header_injection_through_the_endpoint_is_refused(service: PushService, sender: PushSender) -> None:
    sub = service.new_subscription()
    for bad in ("/push/a b", "/push/a\r\nX-Evil: 1", "/push/å"):
        result = sender.send(message({**sub, "endpoint": service.origin + bad}))
        assert result.status == "failed" and result.reason.startswith("endpoint"), bad
    assert service.attempts() == 0
