"""Validation of browser PushSubscription data and the SSRF guard for push endpoints.

Push endpoints come from browsers, i.e. from users, and the server later POSTs to
them. Everything here assumes the input is hostile: only https endpoints on known
push services are accepted, and the address a host resolves to is checked again
when the sender connects (DNS can change between subscribe time and send time).
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from watch.core.netguard import IPAddress, is_forbidden_address

MAX_ENDPOINT_LENGTH = 2048
# Google FCM (Chrome, Edge on Android), Mozilla autopush, Apple (Safari/iOS), Microsoft WNS.
DEFAULT_ALLOWED_HOSTS: tuple[str, ...] = (
    "fcm.googleapis.com",
    "*.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)

# Stricter than RFC 3986 on purpose: parsers disagree about backslashes, whitespace,
# percent-encoded hosts and non-ASCII, and such disagreement is how SSRF filters are bypassed.
_ENDPOINT_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]+")
_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class InvalidSubscription(ValueError):
    """A subscription or endpoint was refused; `code` is stable, `message` is English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UnsafeAddress(InvalidSubscription):
    """An endpoint host resolved to (or is) an address the server must never contact."""

    def __init__(self, message: str) -> None:
        super().__init__("endpoint_address", message)


@dataclass(frozen=True, slots=True)
class ValidSubscription:
    """A subscription that passed validation; keys are canonical unpadded base64url."""

    endpoint: str
    p256dh: str
    auth: str
    host: str
    port: int
    scheme: str

    @property
    def origin(self) -> str:
        """Return scheme://host[:port], the VAPID audience for this endpoint."""
        return origin_of(self.scheme, self.host, self.port)


def origin_of(scheme: str, host: str, port: int | None) -> str:
    """Return the RFC 6454 origin string, omitting the port when it is the default."""
    scheme = scheme.lower()
    host = host.lower()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default = {"https": 443, "http": 80}.get(scheme)
    if port is None or port == default:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def host_matches(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Return True if `host` equals an allowlist entry or matches a `*.suffix` entry."""
    host = host.lower()
    for pattern in allowed_hosts:
        pattern = pattern.strip().lower()
        if pattern.startswith("*."):
            suffix = pattern[1:]  # keeps the dot so "evilpush.apple.com" cannot match
            if host.endswith(suffix) and len(host) > len(suffix):
                return True
        elif host == pattern:
            return True
    return False


def decode_b64url(value: str) -> bytes:
    """Decode base64url with or without padding; raise ValueError on anything else."""
    if not isinstance(value, str) or not _B64URL.fullmatch(value):
        raise ValueError("not base64url")
    stripped = value.rstrip("=")
    if len(stripped) % 4 == 1:
        raise ValueError("impossible base64 length")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def b64url(data: bytes) -> str:
    """Encode bytes as unpadded base64url, the form browsers and RFC 8292 use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_p256dh(value: object) -> ec.EllipticCurvePublicKey:
    """Parse a subscription's p256dh key; raise InvalidSubscription('p256dh') if unusable."""
    if not isinstance(value, str) or not value or len(value) > 100:
        raise InvalidSubscription("p256dh", "keys.p256dh must be a base64url string")
    try:
        raw = decode_b64url(value)
    except ValueError:
        raise InvalidSubscription("p256dh", "keys.p256dh is not valid base64url") from None
    if len(raw) == 33 and raw[0] in (2, 3):
        raise InvalidSubscription("p256dh", "keys.p256dh is a compressed point; an uncompressed P-256 point is required")
    if len(raw) != 65 or raw[0] != 4:
        raise InvalidSubscription("p256dh", "keys.p256dh must be a 65-byte uncompressed P-256 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise InvalidSubscription("p256dh", "keys.p256dh is not a point on the P-256 curve") from None


def _check_auth(value: object) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 32:
        raise InvalidSubscription("auth", "keys.auth must be a base64url string")
    try:
        raw = decode_b64url(value)
    except ValueError:
        raise InvalidSubscription("auth", "keys.auth is not valid base64url") from None
    if len(raw) != 16:
        raise InvalidSubscription("auth", "keys.auth must decode to exactly 16 bytes")
    return raw


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def validate_endpoint(
    endpoint: object, *, allowed_hosts: Iterable[str], allow_insecure_hosts: Iterable[str] = ()
) -> tuple[str, str, int]:
    """Check a push endpoint URL and return (scheme, host, port); raise InvalidSubscription."""
    if not isinstance(endpoint, str) or not endpoint:
        raise InvalidSubscription("shape", "endpoint must be a non-empty string")
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise InvalidSubscription("endpoint", f"endpoint is longer than {MAX_ENDPOINT_LENGTH} characters")
    if not _ENDPOINT_CHARS.fullmatch(endpoint):
        raise InvalidSubscription("endpoint", "endpoint contains characters not allowed in a URL")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise InvalidSubscription("endpoint", "endpoint is not a valid URL") from None
    if parts.fragment or "#" in endpoint:
        raise InvalidSubscription("endpoint", "endpoint must not contain a fragment")
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if not netloc:
        raise InvalidSubscription("endpoint", "endpoint has no host")
    if "@" in netloc:
        raise InvalidSubscription("endpoint_userinfo", "endpoint must not contain a user name or password")
    host = (parts.hostname or "").lower()
    effective_port = port if port is not None else {"https": 443, "http": 80}.get(scheme, 0)
    # The test-only escape hatch is keyed on host:port so it cannot widen to other ports.
    insecure = {h.strip().lower() for h in allow_insecure_hosts}
    hostport = f"[{host}]:{effective_port}" if ":" in host else f"{host}:{effective_port}"
    if hostport in insecure and scheme in ("http", "https"):
        return scheme, host, effective_port
    if scheme != "https":
        raise InvalidSubscription("endpoint_scheme", "endpoint must use https")
    if netloc.endswith(":") or (port is not None and port != 443):
        raise InvalidSubscription("endpoint_port", "endpoint must use the default https port 443")
    if _literal_ip(host) is not None or netloc.startswith("["):
        raise InvalidSubscription("endpoint_address", "endpoint must use a host name, not an IP address")
    if not _HOSTNAME.fullmatch(host):
        raise InvalidSubscription("endpoint_host", "endpoint host name is malformed")
    if not host_matches(host, allowed_hosts):
        raise InvalidSubscription("endpoint_host", f"push service host {host!r} is not on the allowlist")
    return scheme, host, 443


def validate_subscription(
    data: object, *, allowed_hosts: Iterable[str], allow_insecure_hosts: Iterable[str] = ()
) -> ValidSubscription:
    """Validate a browser PushSubscription JSON object; raise InvalidSubscription(code, message)."""
    if not isinstance(data, dict):
        raise InvalidSubscription("shape", "subscription must be a JSON object")
    keys = data.get("keys")
    if "endpoint" not in data or not isinstance(keys, dict):
        raise InvalidSubscription("shape", "subscription must have 'endpoint' and a 'keys' object")
    scheme, host, port = validate_endpoint(
        data["endpoint"], allowed_hosts=allowed_hosts, allow_insecure_hosts=allow_insecure_hosts
    )
    if "p256dh" not in keys:
        raise InvalidSubscription("p256dh", "keys.p256dh is missing")
    if "auth" not in keys:
        raise InvalidSubscription("auth", "keys.auth is missing")
    load_p256dh(keys["p256dh"])
    auth = _check_auth(keys["auth"])
    p256dh = b64url(decode_b64url(keys["p256dh"]))
    return ValidSubscription(
        endpoint=data["endpoint"], p256dh=p256dh, auth=b64url(auth), host=host, port=port, scheme=scheme
    )


def check_resolved_addresses(
    host: str, port: int, *, allow_insecure_hosts: Iterable[str] = ()
) -> list[IPAddress]:
    """Resolve host and return its addresses; raise UnsafeAddress if any is forbidden.

    DNS failures propagate as OSError (socket.gaierror) so callers can retry them.
    """
    host = host.lower().strip("[]")
    hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    insecure = hostport in {h.strip().lower() for h in allow_insecure_hosts}
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # Strip an IPv6 zone id ("fe80::1%eth0"); the zone does not change the verdict.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UnsafeAddress(f"{host} did not resolve to any address")
    if not insecure:
        # Refuse if ANY address is bad: a client may pick any of them.
        bad = [str(ip) for ip in addresses if is_forbidden_address(ip)]
        if bad:
            raise UnsafeAddress(f"{host} resolves to a non-public address ({', '.join(bad)})")
    return addresses
