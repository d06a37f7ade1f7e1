"""A small SSRF-guarded HTTP POST for work orders: public addresses only, the checked address is the one connected to,
no redirects, a capped answer. Nothing of Flask here.

Stdlib http.client on purpose: it never follows redirects and lets us connect to the very address we checked
(DNS can change between a check and a connect); httpx or urllib would need a custom transport for the same.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi

from watch.core.netguard import is_forbidden_address

MAX_ANSWER = 64 * 1024


class Refused(Exception):
    """The URL or its address may not be contacted (permanent: retrying does not help)."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status and at most 64 KiB of body."""

    status: int
    body: bytes


def check_url(url: str, *, allow_loopback: bool = False) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of an acceptable URL: https (http only where loopback is allowed), no user info."""
    if not url or len(url) > 300 or any(c.isspace() for c in url):
        raise Refused("malformed URL")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not allow_loopback):
        raise Refused("the URL must use https")
    if parts.username or parts.password or not parts.hostname or parts.fragment:
        raise Refused("malformed URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("malformed port")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname.lower(), port, path


def resolve(host: str, port: int, *, allow_loopback: bool = False) -> str:
    """One address of the host, after checking every address it resolves to is public (loopback if allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConnectionError(f"cannot resolve {host}: {exc}")
    addresses = []
    for *_x, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    bad = [ip for ip in addresses if is_forbidden_address(ip) and not (allow_loopback and ip.is_loopback)]
    if not addresses or bad:
        raise Refused(f"{host} resolves to a non-public address")
    return str(addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context(cafile=certifi.where()))
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_loopback: bool = False, timeout: float = 10.0) -> Answer:
    """POST body to url; Refused for a forbidden URL or a redirect, OSError/ConnectionError for network trouble."""
    scheme, host, port, path = check_url(url, allow_loopback=allow_loopback)
    ip = resolve(host, port, allow_loopback=allow_loopback)
    conn = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(host, port, ip, timeout)
    try:
        conn.request("POST", path, body=body, headers={"User-Agent": "TryggGranne-graffiti/1", **headers})
        response = conn.getresponse()
        data = response.read(MAX_ANSWER)
        if 300 <= response.status < 400:
            raise Refused(f"redirect refused ({response.status})")
        return Answer(response.status, data)
    except http.client.HTTPException as exc:
        raise ConnectionError(f"bad HTTP answer: {exc}")
    finally:
        conn.close()
