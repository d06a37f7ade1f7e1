"""HTTP/1.1 transport for the push sender: asyncio keep-alive connections to checked addresses only.

A push request is one small POST and the answer a status line, a few headers and
at most a short body, so the client is a plain asyncio.Protocol with a strict
response parser: ~35 us of CPU per request against ~190 us for aiohttp's client
and ~500 us for httpcore on threads (bench/push_crypto.py). Connections are opened
only to addresses that passed endpoints.check_resolved_addresses, so there is no
DNS-rebinding window between the check and the connect.
"""
from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass

from watch.push.endpoints import IPAddress, check_resolved_addresses

KEEPALIVE_SECONDS = 60.0
MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 256 * 1024  # push services answer with a few bytes; more is a broken peer


_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class TransportError(Exception):
    """Base of the transport's errors; the class name ends up in SendResult.reason."""


class ConnectError(TransportError):
    """The connection could not be opened (refused, unreachable, DNS failure, TLS handshake)."""


class TimeoutError_(TransportError):
    """Connect, write or read took longer than the timeout."""


class RemoteProtocolError(TransportError):
    """The peer closed the connection early or answered with something that is not HTTP/1.1."""


@dataclass(frozen=True, slots=True)
class Response:
    """Status, lower-case header names, body."""

    status: int
    headers: dict[str, str]
    body: bytes


def parse_response(buf: bytes | bytearray, eof: bool) -> tuple[Response, int, bool] | None:
    """Parse one final response from buf: (response, bytes consumed, keep-alive), or None if incomplete."""
    start = 0
    while True:
        end = buf.find(b"\r\n\r\n", start)
        if end < 0:
            if len(buf) - start > MAX_HEAD_BYTES:
                raise RemoteProtocolError("response head too large")
            if eof:
                raise RemoteProtocolError("connection closed before the response head was complete")
            return None
        lines = bytes(buf[start:end]).split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        code = rest[:3]
        if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit() or rest[3:4] not in (b"", b" "):
            raise RemoteProtocolError(f"bad status line {lines[0][:80]!r}")
        status = int(code)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
                raise RemoteProtocolError(f"bad header line {line[:80]!r}")
            key, val = name.decode("latin-1").lower(), value.strip(b" \t").decode("latin-1")
            if key in headers and key == "content-length" and headers[key] != val:
                raise RemoteProtocolError("conflicting Content-Length headers")
            headers[key] = f"{headers[key]}, {val}" if key in headers and key != "content-length" else val
        pos = end + 4
        if 100 <= status < 200:
            if status == 101:
                raise RemoteProtocolError("unexpected protocol switch")
            start = pos  # an interim answer (100 Continue): the final one follows
            continue
        break
    keep_alive = version == b"HTTP/1.1" and "close" not in headers.get("connection", "").lower()
    if status in (204, 304):
        return Response(status, headers, b""), pos, keep_alive
    coding = headers.get("transfer-encoding")
    if coding is not None:
        # Only plain chunked: "gzip, chunked" would hand back a body still encoded.
        if coding.strip().lower() != "chunked":
            raise RemoteProtocolError(f"unsupported Transfer-Encoding {coding!r}")
        return _parse_chunked(buf, pos, eof, status, headers, keep_alive)
    length = headers.get("content-length")
    if length is not None:
        # ASCII digits only: "²".isdigit() is True and int("²") raises.
        if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY_BYTES:
            raise RemoteProtocolError(f"bad Content-Length {length[:20]!r}")
        if len(buf) - pos < int(length):
            if eof:
                raise RemoteProtocolError("connection closed in the middle of the body")
            return None
        return Response(status, headers, bytes(buf[pos:pos + int(length)])), pos + int(length), keep_alive
    # Neither: the body runs until the server closes the connection.
    if len(buf) - pos > MAX_BODY_BYTES:
        raise RemoteProtocolError("response body too large")
    return (Response(status, headers, bytes(buf[pos:])), len(buf), False) if eof else None


def _parse_chunked(buf, pos, eof, status, headers, keep_alive):
    body = bytearray()
    while True:
        nl = buf.find(b"\r\n", pos)
        if nl < 0:
            break
        size_text = bytes(buf[pos:nl]).split(b";", 1)[0].strip(b" \t")
        # Hex digits only: int() would also take "0x2", "+2" and "1_0".
        if not _HEX.fullmatch(size_text):
            raise RemoteProtocolError(f"bad chunk size {size_text[:20]!r}")
        size = int(size_text, 16)
        if size < 0 or len(body) + size > MAX_BODY_BYTES:
            raise RemoteProtocolError("bad or too large chunk")
        if size == 0:
            # Trailers (ignored) end with an empty line.
            p = nl + 2
            while True:
                t = buf.find(b"\r\n", p)
                if t < 0:
                    break
                if t == p:
                    return Response(status, headers, bytes(body)), t + 2, keep_alive
                p = t + 2
            break
        if len(buf) < nl + 2 + size + 2:
            break
        if buf[nl + 2 + size:nl + 4 + size] != b"\r\n":
            raise RemoteProtocolError("chunk not followed by CRLF")
        body += buf[nl + 2:nl + 2 + size]
        pos = nl + 4 + size
    if eof:
        raise RemoteProtocolError("connection closed in the middle of a chunked body")
    return None


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._eof = False
        self._waiter: asyncio.Future | None = None
        self.closed = False
        self.idle_since = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self._buf += data
        self._parse()

    def eof_received(self) -> bool:
        self._eof = True
        self._parse()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._eof = True
        self._parse()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(RemoteProtocolError(f"connection lost: {exc or 'closed by the server'}"))

    def _parse(self) -> None:
        if self._waiter is None or self._waiter.done():
            if self._buf and not self.closed and self.transport is not None:
                self.close()  # bytes nobody asked for: the connection cannot be trusted any more
            return
        try:
            parsed = parse_response(self._buf, self._eof)
        except RemoteProtocolError as exc:
            self._waiter.set_exception(exc)
            self.close()
            return
        except Exception as exc:  # a parser bug must cost this request, never stall it until the timeout
            self._waiter.set_exception(RemoteProtocolError(f"unparseable response: {type(exc).__name__}"))
            self.close()
            return
        if parsed is not None:
            response, used, keep_alive = parsed
            del self._buf[:used]
            if not keep_alive or self._buf:
                self.close()
            self._waiter.set_result(response)

    @property
    def usable(self) -> bool:
        """True if idle, open and not past the keep-alive time."""
        return (not self.closed and not self._eof and self.transport is not None and not self.transport.is_closing()
                and time.monotonic() - self.idle_since < KEEPALIVE_SECONDS)

    @property
    def got_bytes(self) -> bool:
        """True if any part of an answer arrived (then a retry could duplicate the push)."""
        return bool(self._buf)

    async def request(self, data: bytes, timeout: float) -> Response:
        """Write one request and wait for its final response."""
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        try:
            async with asyncio.timeout(timeout):
                response = await self._waiter
        except TimeoutError:
            self.close()
            raise TimeoutError_("no response within the timeout") from None
        self._waiter = None
        self.idle_since = time.monotonic()
        return response

    def close(self) -> None:
        """Close the connection."""
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Resolver:
    """Resolves and checks a host's addresses (cached for ttl seconds); raises UnsafeAddress or ConnectError."""

    def __init__(self, allow_insecure_hosts: Iterable[str], ttl: float) -> None:
        self._allow = tuple(allow_insecure_hosts)
        self._ttl = ttl
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Checked addresses of host (getaddrinfo blocks, so it runs in the loop's executor)."""
        now = time.monotonic()
        hit = self._cache.get((host, port))
        if hit is not None and hit[0] > now:
            return hit[1]
        loop = asyncio.get_running_loop()
        try:
            addresses = await loop.run_in_executor(
                None, lambda: check_resolved_addresses(host, port, allow_insecure_hosts=self._allow))
        except OSError as exc:
            raise ConnectError(f"cannot resolve {host}: {exc}") from exc
        self._cache[(host, port)] = (now + self._ttl, addresses)
        return addresses


class OriginPool:
    """Keep-alive connections to one push-service origin, at most `size` requests at once.

    Lives on the transport's event loop; nothing here is thread-safe, nothing needs to be.
    """

    def __init__(self, scheme: str, host: str, port: int, size: int, resolver: Resolver,
                 ssl_context: ssl.SSLContext | None) -> None:
        self.scheme, self.host, self.port = scheme, host, port
        self.slots = asyncio.Semaphore(size)
        self._resolver = resolver
        self._ssl = ssl_context if scheme == "https" else None
        self._idle: list[_Connection] = []

    async def _connect(self, timeout: float) -> _Connection:
        loop = asyncio.get_running_loop()
        last: Exception | None = None
        async with asyncio.timeout(timeout):
            for ip in await self._resolver.resolve(self.host, self.port):
                try:
                    _, conn = await loop.create_connection(
                        _Connection, str(ip), self.port, ssl=self._ssl,
                        server_hostname=self.host if self._ssl is not None else None)
                    return conn
                except (OSError, ssl.SSLError) as exc:
                    last = exc
        raise ConnectError(f"cannot connect to {self.host}:{self.port}: {last}")

    async def request(self, data: bytes, timeout: float) -> Response:
        """Send one request (head and body in `data`); retries once if a reused connection was stale."""
        for attempt in (0, 1):
            conn = None
            while self._idle:
                candidate = self._idle.pop()
                if candidate.usable:
                    conn = candidate
                    break
                candidate.close()
            reused = conn is not None
            if conn is None:
                try:
                    conn = await self._connect(timeout)
                except TimeoutError:
                    raise TimeoutError_("connect timed out") from None
            try:
                response = await conn.request(data, timeout)
            except RemoteProtocolError:
                conn.close()
                # The service may have closed an idle connection just as we reused it;
                # only when nothing at all came back is a second try safe.
                if reused and attempt == 0 and not conn.got_bytes:
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            if not conn.closed:
                self._idle.append(conn)
            return response
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close idle connections."""
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def ssl_context() -> ssl.SSLContext:
    """Verifying TLS context (certifi's roots when installed), HTTP/1.1 only."""
    try:
        import certifi

        ctx = ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        ctx = ssl.create_default_context()
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx
