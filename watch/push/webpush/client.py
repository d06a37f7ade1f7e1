"""The push sender's HTTP client: aiohttp (HTTP/1.1, llhttp's C parser) with the SSRF guard built in.

Why aiohttp and not httpx with h2 (HTTP/2): at a 50 ms round trip over TLS both keep
enough requests in flight, but the client CPU per request is ~0.35 ms for aiohttp and
~3.8 ms for httpx + h2, whose pure-Python HPACK Huffman-codes the never-indexed
Authorization header (the VAPID token) on every request (bench/push_client_choice.py,
docs/PERFORMANCE.md).

What the guard keeps, whatever the library does by itself:
- connections go only to addresses that passed endpoints.check_resolved_addresses: the
  connector's resolver runs the check (so there is no window between check and connect);
  an IP-literal endpoint, which no resolver sees, is checked by the sender;
- through an egress proxy (PUSH_PROXY, i.e. WATCH_PUSH_PROXY) the CONNECT names the checked
  address, not the host name, so the proxy cannot resolve it to somewhere else; TLS still
  verifies the host name (SNI);
- redirects are never followed (the sender passes allow_redirects=False); no cookies;
  no proxy or CA settings from the environment (trust_env=False);
- a broken answer (status line, headers, chunk sizes, Transfer-Encoding other than
  plain chunked, a body over MAX_BODY_BYTES, a reset) becomes a ProtocolError: one retry.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from functools import partial

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from watch.core.netguard import IPAddress
from watch.push.webpush.endpoints import check_resolved_addresses

MAX_BODY_BYTES = 256 * 1024  # push services answer with a few bytes; more is a broken peer
KEEPALIVE_SECONDS = 60.0
HAPPY_EYEBALLS_DELAY = 0.25  # RFC 8305: try the next address family after 250 ms


class ProtocolError(Exception):
    """The push service's answer was not acceptable HTTP/1.1 (the sender retries later)."""


class CheckedResolver(AbstractResolver):
    """Resolves host names and returns only addresses that passed the SSRF address check.

    Raises UnsafeAddress (refusing every address when any one is forbidden) or OSError
    (DNS failure, which aiohttp reports as a connection error). `exempt` hosts (the
    configured egress proxy) are resolved without the check.
    """

    def __init__(self, allow_insecure_hosts: Iterable[str] = (), exempt: Iterable[str] = ()) -> None:
        self._allow = tuple(allow_insecure_hosts)
        self._exempt = frozenset(h.lower() for h in exempt)

    def _lookup(self, host: str, port: int) -> list[IPAddress]:
        if host.lower() in self._exempt:
            return check_resolved_addresses(host, port, allow_insecure_hosts=[f"{host}:{port}"])
        return check_resolved_addresses(host, port, allow_insecure_hosts=self._allow)

    async def checked(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses of host (getaddrinfo blocks, so it runs in the loop's executor)."""
        return await asyncio.get_running_loop().run_in_executor(None, partial(self._lookup, host, port))

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        """aiohttp's resolver interface: checked addresses, of the family asked for (0: any)."""
        results: list[ResolveResult] = []
        for ip in await self.checked(host, port):
            fam = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            if family in (0, socket.AF_UNSPEC) or family == fam:
                results.append(ResolveResult(hostname=host, host=str(ip), port=port, family=fam, proto=0,
                                             flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV))
        if not results:
            raise OSError(f"{host} has no address of the requested family")
        return results

    async def close(self) -> None:
        """Nothing to release."""


def ssl_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verifying TLS context, HTTP/1.1 by ALPN: certifi's roots, or only the CA in ca_file (tests)."""
    if ca_file:
        ctx = ssl.create_default_context(cafile=ca_file)
    else:
        try:
            import certifi

            ctx = ssl.create_default_context(cafile=certifi.where())
        except ImportError:
            ctx = ssl.create_default_context()
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def make_session(
    resolver: CheckedResolver,
    *,
    tls: ssl.SSLContext,
    max_connections: int,
    per_host_connections: int,
    timeout: float,
    dns_cache_seconds: float,
) -> aiohttp.ClientSession:
    """A client session on the running loop: keep-alive pools per push service, checked addresses only."""
    connector = aiohttp.TCPConnector(
        resolver=resolver,
        ssl=tls,
        limit=max_connections,
        limit_per_host=per_host_connections,
        ttl_dns_cache=dns_cache_seconds,
        keepalive_timeout=KEEPALIVE_SECONDS,
        happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        trust_env=False,
        # We never ask for compressed answers; they are a few bytes anyway.
        skip_auto_headers=("Accept-Encoding", "Accept"),
        headers={"User-Agent": "watch-push/1"},
        raise_for_status=False,
    )


async def read_answer(response: aiohttp.ClientResponse) -> bytes:
    """The answer's body, refusing what a push service never sends (encoded transfer, huge bodies)."""
    coding = response.headers.get("Transfer-Encoding")
    if coding is not None and coding.strip().lower() != "chunked":
        # "gzip, chunked" would hand back a body still gzip-encoded.
        raise ProtocolError(f"unsupported Transfer-Encoding {coding[:40]!r}")
    length = response.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise ProtocolError(f"response body of {length} bytes is too large")
    body = bytearray()
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ProtocolError("response body too large")
    return bytes(body)


def error_name(exc: BaseException) -> str:
    """A stable name for a failed exchange, for SendResult.reason (tests and operators read it)."""
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return "Timeout"
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        return "TLSError"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "ConnectError"  # refused, unreachable, DNS failure, proxy unreachable
    if isinstance(exc, (ProtocolError, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                        aiohttp.ClientResponseError, aiohttp.ClientOSError)):
        return "RemoteProtocolError"  # a broken, cut-off or reset answer
    return type(exc).__name__
