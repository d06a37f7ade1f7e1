"""Subscription validation and the SSRF guard: every hostile endpoint must be refused."""
from __future__ import annotations

import base64
import ipaddress
import os
import socket
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from watch.core.netguard import is_forbidden_address
from watch.push.webpush.endpoints import (
    DEFAULT_ALLOWED_HOSTS,
    InvalidSubscription,
    UnsafeAddress,
    check_resolved_addresses,
    host_matches,
    validate_subscription,
)


def b64(data: bytes, pad: bool = False) -> str:
    out = base64.urlsafe_b64encode(data).decode()
    return out if pad else out.rstrip("=")


def _point() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


P256DH = b64(_point())
AUTH = b64(os.urandom(16))
FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH"


def sub(endpoint: str = FCM, p256dh: Any = P256DH, auth: Any = AUTH) -> dict[str, Any]:
    return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": p256dh, "auth": auth}}


def validate(data: Any, **kw: Any):
    return validate_subscription(data, allowed_hosts=DEFAULT_ALLOWED_HOSTS, **kw)


@pytest.mark.parametrize("endpoint", [
    FCM,
    "https://fcm.googleapis.com:443/fcm/send/abc",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABl",
    "https://web.push.apple.com/QGuQyavXutnMH",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
    "HTTPS://FCM.GOOGLEAPIS.COM/fcm/send/abc",
])
def test_valid_endpoints(endpoint: str) -> None:
    valid = validate(sub(endpoint))
    assert valid.endpoint == endpoint
    assert valid.port == 443
    assert valid.origin == f"https://{valid.host}"


def test_keys_are_canonicalised_without_padding() -> None:
    point, auth = _point(), os.urandom(16)
    valid = validate(sub(p256dh=b64(point, pad=True), auth=b64(auth, pad=True)))
    assert valid.p256dh == b64(point) and valid.auth == b64(auth)


_CURVE_POINT = _point()
NOT_ON_CURVE = b64(_CURVE_POINT[:-1] + bytes([_CURVE_POINT[-1] ^ 1]))
COMPRESSED = b64(bytes([2 + (_CURVE_POINT[-1] & 1)]) + _CURVE_POINT[1:33])

HOSTILE: list[tuple[str, Any, str]] = [
    ("http scheme", sub("http://fcm.googleapis.com/fcm/send/x"), "endpoint_scheme"),
    ("ftp scheme", sub("ftp://fcm.googleapis.com/x"), "endpoint_scheme"),
    ("javascript", sub("javascript:alert(1)"), "endpoint"),
    ("loopback literal", sub("https://127.0.0.1/push"), "endpoint_address"),
    ("localhost", sub("https://localhost/push"), "endpoint_host"),
    ("private literal", sub("https://10.0.0.1/push"), "endpoint_address"),
    ("metadata service", sub("https://169.254.169.254/latest/meta-data"), "endpoint_address"),
    ("ipv6 loopback", sub("https://[::1]/push"), "endpoint_address"),
    ("ipv4-mapped ipv6", sub("https://[::ffff:127.0.0.1]/push"), "endpoint_address"),
    ("cgnat", sub("https://100.64.0.1/push"), "endpoint_address"),
    ("public literal", sub("https://8.8.8.8/push"), "endpoint_address"),
    ("decimal ip", sub("https://2130706433/push"), "endpoint_host"),
    ("short ip", sub("https://127.1/push"), "endpoint_host"),
    ("hex ip", sub("https://0x7f.0.0.1/push"), "endpoint_host"),
    ("not allowlisted", sub("https://push.example.com/x"), "endpoint_host"),
    ("userinfo", sub("https://user:pw@fcm.googleapis.com/fcm/send/x"), "endpoint_userinfo"),
    ("user only", sub("https://fcm.googleapis.com@evil.com/x"), "endpoint_userinfo"),
    ("other port", sub("https://fcm.googleapis.com:8443/fcm/send/x"), "endpoint_port"),
    ("empty port", sub("https://fcm.googleapis.com:/fcm/send/x"), "endpoint_port"),
    ("huge port", sub("https://fcm.googleapis.com:99999/x"), "endpoint"),
    ("fragment trick", sub("https://evil.com#fcm.googleapis.com"), "endpoint"),
    ("suffix trick", sub("https://fcm.googleapis.com.evil.com/"), "endpoint_host"),
    ("wildcard apex", sub("https://push.apple.com/x"), "endpoint_host"),
    ("wildcard lookalike", sub("https://evilpush.apple.com/x"), "endpoint_host"),
    ("trailing dot", sub("https://fcm.googleapis.com./x"), "endpoint_host"),
    ("backslash", sub("https://fcm.googleapis.com\\@evil.com/x"), "endpoint"),
    ("whitespace", sub("https://fcm.googleapis.com /x"), "endpoint"),
    ("unicode host", sub("https://fcm.googleapis.cöm/x"), "endpoint"),
    ("percent host", sub("https://fcm%2egoogleapis.com/x"), "endpoint_host"),
    ("no host", sub("https:///fcm/send"), "endpoint"),
    ("too long", sub(FCM + "a" * 2048), "endpoint"),
    ("endpoint not a string", sub(12345), "shape"),  # type: ignore[arg-type]
    ("not a dict", [FCM], "shape"),
    ("no keys", {"endpoint": FCM}, "shape"),
    ("keys not a dict", {"endpoint": FCM, "keys": "x"}, "shape"),
    ("missing p256dh", {"endpoint": FCM, "keys": {"auth": AUTH}}, "p256dh"),
    ("missing auth", {"endpoint": FCM, "keys": {"p256dh": P256DH}}, "auth"),
    ("p256dh wrong length", sub(p256dh=b64(_CURVE_POINT[:64])), "p256dh"),
    ("p256dh not on curve", sub(p256dh=NOT_ON_CURVE), "p256dh"),
    ("p256dh compressed", sub(p256dh=COMPRESSED), "p256dh"),
    ("p256dh not base64", sub(p256dh="!!" + P256DH[2:]), "p256dh"),
    ("p256dh standard base64", sub(p256dh=P256DH.replace("-", "+").replace("_", "/") + "+/"), "p256dh"),
    ("p256dh wrong prefix", sub(p256dh=b64(b"\x05" + _CURVE_POINT[1:])), "p256dh"),
    ("p256dh empty", sub(p256dh=""), "p256dh"),
    ("p256dh not a string", sub(p256dh=None), "p256dh"),
    ("auth too short", sub(auth=b64(os.urandom(15))), "auth"),
    ("auth too long", sub(auth=b64(os.urandom(17))), "auth"),
    ("auth not base64", sub(auth="????????????????????"), "auth"),
    ("auth not a string", sub(auth=16), "auth"),
]


@pytest.mark.parametrize("data, code", [(d, c) for _, d, c in HOSTILE], ids=[n for n, _, _ in HOSTILE])
def test_hostile_subscriptions_are_refused(data: Any, code: str) -> None:
    with pytest.raises(InvalidSubscription) as info:
        validate(data)
    assert info.value.code == code
    assert info.value.message  # a human-readable English message for the caller to translate


def test_insecure_escape_is_exact_host_and_port() -> None:
    endpoint = "http://127.0.0.1:8765/push/abc"
    valid = validate(sub(endpoint), allow_insecure_hosts=["127.0.0.1:8765"])
    assert valid.origin == "http://127.0.0.1:8765"
    with pytest.raises(InvalidSubscription):
        validate(sub("http://127.0.0.1:8766/push/abc"), allow_insecure_hosts=["127.0.0.1:8765"])
    with pytest.raises(InvalidSubscription):
        validate(sub(endpoint))


def test_wildcards_need_a_label() -> None:
    assert host_matches("a.push.apple.com", ["*.push.apple.com"])
    assert host_matches("a.b.push.apple.com", ["*.push.apple.com"])
    assert not host_matches("push.apple.com", ["*.push.apple.com"])
    assert not host_matches("xpush.apple.com", ["*.push.apple.com"])
    assert not host_matches("fcm.googleapis.com.evil", ["fcm.googleapis.com"])


FORBIDDEN = [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "100.127.255.255", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "192.0.0.8", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
    "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::",
    "2002:a00:1::", "64:ff9b::a00:1", "64:ff9b::7f00:1", "2001::1", "2001:db8::1", "::127.0.0.1",
]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_forbidden_addresses(address: str) -> None:
    assert is_forbidden_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["142.250.74.42", "2a00:1450:4001:82b::200a", "::ffff:142.250.74.42", "64:ff9b::8efa:4a2a"])
def test_public_addresses(address: str) -> None:
    assert not is_forbidden_address(ipaddress.ip_address(address))


def fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    """Replace DNS (the one thing outside this machine) with a fixed table."""
    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        out = []
        for addr in table[host]:
            family = socket.AF_INET6 if ":" in addr else socket.AF_INET
            sockaddr = (addr, port, 0, 0) if family == socket.AF_INET6 else (addr, port)
            out.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return out
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("addresses", [
    ["10.0.0.5"], ["127.0.0.1"], ["169.254.169.254"], ["100.64.3.4"], ["::1"], ["::ffff:192.168.0.1"],
    ["fe80::1%eth0"], ["142.250.74.42", "10.0.0.5"],  # one bad address among good ones is enough
])
def test_allowlisted_host_resolving_to_private_address_is_refused(monkeypatch: pytest.MonkeyPatch, addresses: list[str]) -> None:
    fake_dns(monkeypatch, {"fcm.googleapis.com": addresses})
    validate(sub())  # validation alone does not resolve; the address check does
    with pytest.raises(UnsafeAddress) as info:
        check_resolved_addresses("fcm.googleapis.com", 443)
    assert info.value.code == "endpoint_address"


def test_public_resolution_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"fcm.googleapis.com": ["142.250.74.42", "2a00:1450:4001:82b::200a"]})
    assert [str(a) for a in check_resolved_addresses("fcm.googleapis.com", 443)] == [
        "142.250.74.42", "2a00:1450:4001:82b::200a"]


def test_resolution_failure_is_an_oserror(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {})
    with pytest.raises(OSError):
        check_resolved_addresses("fcm.googleapis.com", 443)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "10.0.0.1", "2130706433", "127.1"])
def test_literal_and_numeric_hosts_are_checked_too(host: str) -> None:
    with pytest.raises(UnsafeAddress):
        check_resolved_addresses(host, 443)


def test_insecure_escape_skips_the_address_check() -> None:
    assert check_resolved_addresses("127.0.0.1", 8765, allow_insecure_hosts=["127.0.0.1:8765"])
    with pytest.raises(UnsafeAddress):
        check_resolved_addresses("127.0.0.1", 8766, allow_insecure_hosts=["127.0.0.1:8765"])

