"""Transport for the push sender: per-origin connection pools that connect only to checked addresses."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from watch.push.endpoints import IPAddress, check_resolved_addresses

KEEPALIVE_SECONDS = 60.0

# -- Transport ----------------------------------------------------------------------
class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves and checks addresses itself and connects to the checked IP.

    Checking and then letting the client resolve again would leave a DNS-rebinding
    window; connecting to the exact address that passed the check closes it.
    """

    def __init__(self, allow_insecure_hosts: Iterable[str], ttl: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow = tuple(allow_insecure_hosts)
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get((host, port))
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            addresses = check_resolved_addresses(host, port, allow_insecure_hosts=self._allow)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        with self._lock:
            self._cache[(host, port)] = (now + self._ttl, addresses)
        return addresses

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for ip in self.resolve(host, port):
            try:
                return self._inner.connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for push")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _OriginPool:
    """Keep-alive connections to one push-service origin, at most `size` in use at once.

    httpcore.ConnectionPool scans (and polls) every pooled connection twice per
    request; per-origin LIFO stacks keep the cost per request constant.
    """

    def __init__(self, origin: httpcore.Origin, size: int, backend: _GuardedBackend, ssl_context: Any) -> None:
        self._origin = origin
        self._backend = backend
        self._ssl_context = ssl_context
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[httpcore.HTTPConnection] = []

    def _take(self) -> tuple[httpcore.HTTPConnection, bool]:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return httpcore.HTTPConnection(
                    self._origin, ssl_context=self._ssl_context, keepalive_expiry=KEEPALIVE_SECONDS,
                    network_backend=self._backend,
                ), False
            if conn.is_available() and not conn.has_expired():
                return conn, True
            conn.close()

    def request(self, url: str, headers: list[tuple[bytes, bytes]], body: bytes, timeouts: dict[str, float]) -> httpcore.Response:
        """POST body on a pooled connection; retries once if a reused connection was stale."""
        with self._slots:
            for attempt in (0, 1):
                conn, reused = self._take()
                try:
                    response = conn.request("POST", url, headers=headers, content=body, extensions={"timeout": timeouts})
                except (httpcore.RemoteProtocolError, httpcore.WriteError):
                    conn.close()
                    # The service may have closed an idle connection just as we reused it.
                    if reused and attempt == 0:
                        continue
                    raise
                except BaseException:
                    conn.close()
                    raise
                if conn.is_idle():
                    with self._lock:
                        self._idle.append(conn)
                else:
                    conn.close()
                return response
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close idle connections."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
