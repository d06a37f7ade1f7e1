"""Web Push sender: RFC 8291 encryption, RFC 8292 VAPID, delivery over pooled keep-alive connections.

One PushSender is shared by a worker process. It keeps aiohttp keep-alive connections
per push service on an asyncio loop in one background thread (webpush/client.py),
signs one VAPID token per push-service origin and reuses it for hours, and classifies
each answer (watch.push.retry) so the caller knows whether to retry, drop the
subscription or alert an operator. It never follows redirects and connects only to
addresses that passed the address check (directly or through PUSH_PROXY).
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, urlsplit

import aiohttp
from yarl import URL

from watch.core.netguard import is_forbidden_address
from watch.push.retry import CircuitBreaker, SendResult, classify, service_trouble
from watch.push.webpush import client
from watch.push.webpush.ece import encrypt_payload
from watch.push.webpush.endpoints import InvalidSubscription, UnsafeAddress
from watch.push.webpush.message import MAX_PAYLOAD_BYTES, PushMessage
from watch.push.webpush.vapid import VapidSigner, origin_for_endpoint

logger = logging.getLogger(__name__)

# Request target and Host: visible ASCII only, so nothing can be smuggled into the request head.
_TARGET = re.compile(r"/[!-~]*")
_VISIBLE = re.compile(r"[!-~]+")


@dataclass(frozen=True, slots=True)
class _Route:
    key: tuple[str, str, int]  # scheme, host, port: one push service
    origin: str  # the VAPID audience
    url: URL
    netloc: str  # the Host header


class PushSender:
    """Sends PushMessages over keep-alive connections with bounded concurrency per push service.

    The connections live on an asyncio event loop in one background thread; send() and
    send_many() hand their work to it and wait. Encryption also runs there, interleaved
    with the network, so the service is decrypting one message while the next is sealed.
    """

    def __init__(
        self,
        signer: VapidSigner,
        *,
        max_connections: int = 64,
        per_host_concurrency: int = 8,
        timeout: float = 10.0,
        allow_insecure_hosts: Iterable[str] = (),
        dns_cache_seconds: float = 30.0,
        breaker_threshold: int = 5,
        breaker_cooldown: float = 1.0,
        breaker_max_cooldown: float = 30.0,
        observe: Callable[[str, float], None] | None = None,
        proxy: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        self.signer = signer
        self.per_host_concurrency = max(1, per_host_concurrency)
        self.max_connections = max(1, max_connections)
        self._insecure = frozenset(h.lower() for h in allow_insecure_hosts)
        self._dns_cache_seconds = dns_cache_seconds
        self._timeout = timeout
        self._tls = client.ssl_context(ca_file)
        self._proxy = URL(proxy) if proxy else None
        if self._proxy is not None and (self._proxy.scheme != "http" or not self._proxy.host):
            raise ValueError("the push proxy must be an http:// URL (it tunnels https with CONNECT)")
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._session: aiohttp.ClientSession | None = None
        self._resolver: client.CheckedResolver | None = None
        self._services: dict[tuple[str, str], tuple[tuple[str, str, int], str]] = {}
        self._connections: asyncio.Semaphore | None = None
        self._breaker_settings = (breaker_threshold, breaker_cooldown, breaker_max_cooldown)
        self._breakers: dict[tuple[str, str, int], CircuitBreaker] = {}
        self._observe = observe  # (push service host, seconds) of each answered request, for metrics

    def breaker(self, key: tuple[str, str, int]) -> CircuitBreaker:
        """The circuit breaker of one push service (scheme, host, port)."""
        breaker = self._breakers.get(key)
        if breaker is None:
            threshold, cooldown, cap = self._breaker_settings
            breaker = self._breakers.setdefault(key, CircuitBreaker(threshold=threshold, cooldown=cooldown, max_cooldown=cap))
        return breaker

    # -- the event loop thread -------------------------------------------------------
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                # First use, or we are a forked child: the parent's loop thread does not exist here.
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="push-sender", daemon=True)
                thread.start()
                self._loop, self._thread, self._pid = loop, thread, os.getpid()
                self._session, self._connections = None, None
            return self._loop

    def _run(self, batch: list[PushMessage]) -> list[SendResult]:
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(self._send_all(batch), loop).result()

    # -- per message ------------------------------------------------------------------
    def _service(self, scheme: str, netloc: str, parts: SplitResult) -> tuple[tuple[str, str, int], str]:
        """(scheme, host, port) and VAPID audience of one push service, checked once per netloc."""
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if scheme != "https" and hostport not in self._insecure:
            raise InvalidSubscription("endpoint_scheme", "endpoint must use https")
        if parts.username is not None or parts.password is not None:
            raise InvalidSubscription("endpoint_userinfo", "endpoint must not contain user info")
        if not _VISIBLE.fullmatch(netloc):
            raise InvalidSubscription("endpoint_path", "endpoint contains characters not allowed in a URL")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        # No resolver sees an IP-literal host, so the address check runs here.
        if literal is not None and hostport not in self._insecure and is_forbidden_address(literal):
            raise UnsafeAddress(f"{host} is a non-public address")
        service = (scheme, host, port), origin_for_endpoint(f"{scheme}://{netloc}/")
        if len(self._services) > 1000:
            self._services.clear()
        self._services[(scheme, netloc)] = service
        return service

    def _route(self, endpoint: str) -> _Route:
        parts = urlsplit(endpoint)
        service = self._services.get((parts.scheme, parts.netloc))
        if service is None:
            service = self._service(parts.scheme, parts.netloc, parts)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not _TARGET.fullmatch(target):
            raise InvalidSubscription("endpoint_path", "endpoint contains characters not allowed in a URL")
        return _Route(service[0], service[1], URL(endpoint, encoded=True), parts.netloc)

    def _prepare(self, message: PushMessage, route: _Route,
                 encoded: dict[int, bytes]) -> tuple[_Route, dict[str, str], bytes, str] | SendResult:
        """The headers and encrypted body, or the reason the message cannot be sent.

        `encoded` caches each payload's JSON by object: the members of one area who share a
        language share one payload dict (batches.load_jobs), so it is serialised once per batch.
        """
        note = ""
        data = encoded.get(id(message.payload))
        if data is None:
            data = encoded[id(message.payload)] = message.encoded()
        if len(data) > MAX_PAYLOAD_BYTES:
            message = message.shrink()
            data = message.encoded()
            note = f"sent without {message.long_field!r}: payload too large"
            if len(data) > MAX_PAYLOAD_BYTES:
                return SendResult("too_large", reason=f"payload exceeds {MAX_PAYLOAD_BYTES} bytes")
        try:
            body = encrypt_payload(data, message.p256dh, message.auth)
        except InvalidSubscription as exc:
            return SendResult("failed", reason=f"{exc.code}: {exc.message}")
        except ValueError as exc:
            return SendResult("failed", reason=f"endpoint: {exc}")
        headers = {
            "Authorization": self.signer.authorization(route.origin),
            "TTL": str(message.ttl),
            "Urgency": message.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        if message.topic:
            headers["Topic"] = message.topic
        return route, headers, body, note

    def _route_or_failure(self, endpoint: str) -> _Route | SendResult:
        """The message's route, or why its endpoint cannot be used (checked once per message)."""
        try:
            return self._route(endpoint)
        except UnsafeAddress as exc:
            return SendResult("failed", reason=f"endpoint_address: {exc.message}")
        except InvalidSubscription as exc:
            return SendResult("failed", reason=f"{exc.code}: {exc.message}")
        except ValueError as exc:
            return SendResult("failed", reason=f"endpoint: {exc}")

    async def _deliver(self, prepared: tuple[_Route, dict[str, str], bytes, str]) -> SendResult:
        route = prepared[0]
        breaker = self.breaker(route.key)
        admitted, probe, wait = breaker.admit()
        if not admitted:
            # The service is down: do not add to its load; try again when the breaker probes.
            return SendResult("retry", retry_after=wait, reason="push service unavailable: paused after repeated errors")
        result = await self._exchange(*prepared)
        breaker.record(service_trouble(result), probe)
        return result

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            exempt = [self._proxy.host] if self._proxy is not None and self._proxy.host else []
            self._resolver = client.CheckedResolver(self._insecure, exempt=exempt)
            self._session = client.make_session(
                self._resolver, tls=self._tls, max_connections=self.max_connections,
                per_host_connections=self.per_host_concurrency, timeout=self._timeout,
                dns_cache_seconds=self._dns_cache_seconds)
        return self._session

    async def _post(self, route: _Route, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        session = self._ensure_session()
        url, extra = route.url, {}
        if self._proxy is not None:
            # The proxy must reach the address we checked, not resolve the name itself.
            assert self._resolver is not None
            ip = (await self._resolver.checked(route.key[1], route.key[2]))[0]
            url = url.with_host(str(ip))
            extra = {"proxy": self._proxy, "server_hostname": route.key[1] if route.key[0] == "https" else None}
            headers = {**headers, "Host": route.netloc}
        async with session.post(url, data=body, headers=headers, allow_redirects=False, **extra) as response:
            try:
                answer = await client.read_answer(response)
            except client.ProtocolError:
                response.close()  # never hand a connection with unread bytes back to the pool
                raise
            return response.status, {k.lower(): v for k, v in response.headers.items()}, answer

    async def _exchange(self, route: _Route, headers: dict[str, str], body: bytes, note: str) -> SendResult:
        origin = route.origin
        started = time.perf_counter()
        try:
            status, answer_headers, answer = await self._post(route, headers, body)
        except UnsafeAddress as exc:
            logger.warning("push endpoint on %s refused: %s", origin, exc.message)
            return SendResult("failed", reason=f"endpoint_address: {exc.message}")
        except (aiohttp.ClientError, client.ProtocolError, OSError, asyncio.TimeoutError) as exc:
            name = client.error_name(exc)
            if name == "Timeout":
                return SendResult("retry", reason=f"timeout: no answer within {self._timeout:g} s")
            if name == "TLSError":
                logger.warning("TLS with push service %s failed: %s", origin, exc)
            return SendResult("retry", reason=f"network error: {name}: {exc}"[:500])
        if self._observe is not None:
            self._observe(route.key[1], time.perf_counter() - started)
        result = classify(status, answer_headers, answer)
        if result.status == "rejected":
            # 400/401/403 mean our request or VAPID key is wrong; only an operator can fix that.
            logger.error("push service %s rejected a request with %s: %s", origin, result.http_status, result.reason)
        elif result.status == "failed":
            logger.warning("push to %s failed with %s: %s", origin, result.http_status, result.reason)
        if note and result.status == "sent":
            return replace(result, reason=note)
        return result

    async def _send_one(self, message: PushMessage, route: _Route, encoded: dict[int, bytes]) -> SendResult:
        try:
            prepared = self._prepare(message, route, encoded)
            if isinstance(prepared, SendResult):
                return prepared
            return await self._deliver(prepared)
        except Exception:  # a bug must cost one message, not the whole batch
            logger.exception("unexpected error sending push")
            return SendResult("failed", reason="internal error")

    async def _send_all(self, batch: list[PushMessage]) -> list[SendResult]:
        if self._connections is None:
            self._connections = asyncio.Semaphore(self.max_connections)
        connections = self._connections
        results: list[SendResult | None] = [None] * len(batch)
        routes: list[_Route | None] = [None] * len(batch)
        queues: dict[tuple[str, str, int], deque[int]] = {}
        for i, message in enumerate(batch):
            try:
                route = self._route_or_failure(message.endpoint)
            except Exception:
                logger.exception("unexpected error routing push")
                route = SendResult("failed", reason="internal error")
            if isinstance(route, SendResult):
                results[i] = route
                continue
            routes[i] = route
            queues.setdefault(route.key, deque()).append(i)
        encoded: dict[int, bytes] = {}

        async def drain(queue: deque[int]) -> None:
            # Each worker holds one of its service's slots and one global connection slot,
            # and pulls from that service's queue, so a slow service only slows itself.
            while queue:
                i = queue.popleft()
                async with connections:
                    results[i] = await self._send_one(batch[i], routes[i], encoded)  # type: ignore[arg-type]

        await asyncio.gather(*(
            drain(queue) for queue in queues.values() for _ in range(min(self.per_host_concurrency, len(queue)))
        ))
        return [r if r is not None else SendResult("failed", reason="not sent") for r in results]

    # -- public API ---------------------------------------------------------------------
    def send(self, message: PushMessage) -> SendResult:
        """Encrypt, sign and POST one message; never raises."""
        return self._run([message])[0]

    def send_many(self, messages: Iterable[PushMessage]) -> list[SendResult]:
        """Send messages concurrently (bounded per push service); results keep input order."""
        batch = list(messages)
        return self._run(batch) if batch else []

    def close(self) -> None:
        """Close pooled connections and stop the loop thread."""
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or self._pid != os.getpid():
            return

        async def shut() -> None:
            session, self._session = self._session, None
            if session is not None:
                await session.close()

        asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        loop.close()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
