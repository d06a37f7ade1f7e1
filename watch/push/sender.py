"""Web Push sender: RFC 8291 message encryption, RFC 8292 VAPID, pooled HTTP delivery.

One PushSender is shared by a worker process. It keeps keep-alive HTTP/1.1 connections
per push service on an asyncio loop in one background thread (watch/push/transport.py),
signs one VAPID token per push-service origin and reuses it for hours, and
classifies each response so the caller knows whether to retry, drop the
subscription or alert an operator. It never follows redirects and refuses to
connect to non-public addresses (checked when each connection is opened).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import Any, Literal
from urllib.parse import urlsplit


from watch.push.retry import (  # noqa: F401  (re-exported: the sender's public API)
    CircuitBreaker,
    SendResult,
    SendStatus,
    backoff_delay,
    classify,
    parse_retry_after,
    service_trouble,
)
from watch.push.ece import encrypt_payload  # noqa: F401  (re-exported: the sender's public API)
from watch.push.endpoints import InvalidSubscription, UnsafeAddress, b64url
from watch.push import transport
from watch.push.transport import OriginPool, Resolver
from watch.push.vapid import (  # noqa: F401  (re-exported: the sender's public API)
    PrivateKeyInput,
    VapidSigner,
    generate_vapid_keypair,
    load_private_key,
    origin_for_endpoint,
    public_key_b64url,
)

logger = logging.getLogger(__name__)

# Push services must accept 4096 bytes of ciphertext (RFC 8030 7.2); aes128gcm adds 103,
# and staying well below leaves room for a service that counts differently.
MAX_PAYLOAD_BYTES = 3072
URGENCIES = ("very-low", "low", "normal", "high")
MAX_TTL = 28 * 24 * 3600  # FCM and Mozilla cap TTL at four weeks
_TOPIC_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def alert_topic(alert_id: object) -> str:
    """Return a Topic (<= 32 URL-safe chars) so a newer push for an alert replaces an older one."""
    topic = f"alert-{alert_id}"
    if len(topic) <= 32 and set(topic) <= _TOPIC_CHARS:
        return topic
    return "alert-" + b64url(sha256(str(alert_id).encode()).digest())[:26]


@dataclass
class PushMessage:
    """One push to one subscription; payload is a JSON object the service worker reads."""

    endpoint: str
    p256dh: str
    auth: str
    payload: dict[str, Any]
    ttl: int = 24 * 3600
    urgency: Literal["very-low", "low", "normal", "high"] = "normal"
    topic: str | None = None
    long_field: str = field(default="body", repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.ttl, bool) or not isinstance(self.ttl, int) or not 0 < self.ttl <= MAX_TTL:
            raise ValueError(f"ttl must be an int in 1..{MAX_TTL}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}")
        if self.topic is not None and not (0 < len(self.topic) <= 32 and set(self.topic) <= _TOPIC_CHARS):
            raise ValueError("topic must be 1..32 URL-safe base64 characters")

    @classmethod
    def for_subscription(cls, subscription: Mapping[str, Any] | Any, payload: dict[str, Any], **kwargs: Any) -> PushMessage:
        """Build a message from PushSubscription JSON or a ValidSubscription."""
        if isinstance(subscription, Mapping):
            keys = subscription["keys"]
            return cls(subscription["endpoint"], keys["p256dh"], keys["auth"], payload, **kwargs)
        return cls(subscription.endpoint, subscription.p256dh, subscription.auth, payload, **kwargs)

    def encoded(self) -> bytes:
        """Compact UTF-8 JSON of the payload (åäö stay one or two bytes, not \\u escapes)."""
        return json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def fits(self) -> bool:
        """True if the encoded payload is within MAX_PAYLOAD_BYTES."""
        return len(self.encoded()) <= MAX_PAYLOAD_BYTES

    def shrink(self) -> PushMessage:
        """Return a copy without the long text field; the app fetches the full alert on open."""
        payload = {k: v for k, v in self.payload.items() if k != self.long_field}
        payload["truncated"] = True
        return replace(self, payload=payload)


# Request target and Host: visible ASCII only, so nothing can be smuggled into the request head.
_TARGET = re.compile(r"/[!-~]*")
_VISIBLE = re.compile(r"[!-~]+")


@dataclass(frozen=True, slots=True)
class _Route:
    key: tuple[str, str, int]
    origin: str
    head: bytes  # "POST <target> HTTP/1.1" and Host


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
    ) -> None:
        self.signer = signer
        self.per_host_concurrency = max(1, per_host_concurrency)
        self.max_connections = max(1, max_connections)
        self._insecure = frozenset(h.lower() for h in allow_insecure_hosts)
        self._dns_cache_seconds = dns_cache_seconds
        self._timeout = timeout
        self._ssl_context = transport.ssl_context()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._pools: dict[tuple[str, str, int], OriginPool] = {}
        self._resolver: Resolver | None = None
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
                self._loop, self._thread, self._pid, self._pools = loop, thread, os.getpid(), {}
                self._resolver = Resolver(self._insecure, self._dns_cache_seconds)
                self._connections = None
            return self._loop

    def _run(self, batch: list[PushMessage]) -> list[SendResult]:
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(self._send_all(batch), loop).result()

    # -- per message ------------------------------------------------------------------
    def _route(self, endpoint: str) -> _Route:
        parts = urlsplit(endpoint)
        origin = origin_for_endpoint(endpoint)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme != "https" and f"{host}:{port}" not in self._insecure:
            raise InvalidSubscription("endpoint_scheme", "endpoint must use https")
        if parts.username is not None or parts.password is not None:
            raise InvalidSubscription("endpoint_userinfo", "endpoint must not contain user info")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not _TARGET.fullmatch(target) or not _VISIBLE.fullmatch(parts.netloc):
            raise InvalidSubscription("endpoint_path", "endpoint contains characters not allowed in a URL")
        head = f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode("ascii")
        return _Route((parts.scheme, host, port), origin, head)

    def _prepare(self, message: PushMessage) -> tuple[_Route, bytes, str] | SendResult:
        """The route and the whole request (head and encrypted body), or the reason it cannot be sent."""
        note = ""
        data = message.encoded()
        if len(data) > MAX_PAYLOAD_BYTES:
            message = message.shrink()
            data = message.encoded()
            note = f"sent without {message.long_field!r}: payload too large"
            if len(data) > MAX_PAYLOAD_BYTES:
                return SendResult("too_large", reason=f"payload exceeds {MAX_PAYLOAD_BYTES} bytes")
        try:
            route = self._route(message.endpoint)
            body = encrypt_payload(data, message.p256dh, message.auth)
        except InvalidSubscription as exc:
            return SendResult("failed", reason=f"{exc.code}: {exc.message}")
        except ValueError as exc:
            return SendResult("failed", reason=f"endpoint: {exc}")
        topic = f"Topic: {message.topic}\r\n" if message.topic else ""
        head = (
            f"Authorization: {self.signer.authorization(route.origin)}\r\nTTL: {message.ttl}\r\n"
            f"Urgency: {message.urgency}\r\n{topic}Content-Encoding: aes128gcm\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        return route, route.head + head + body, note

    def _pool(self, route: _Route) -> OriginPool:
        pool = self._pools.get(route.key)
        if pool is None:
            scheme, host, port = route.key
            assert self._resolver is not None
            pool = OriginPool(scheme, host, port, self.per_host_concurrency, self._resolver, self._ssl_context)
            self._pools[route.key] = pool
        return pool

    async def _deliver(self, message: PushMessage, prepared: tuple[_Route, bytes, str]) -> SendResult:
        route, request, note = prepared
        breaker = self.breaker(route.key)
        admitted, probe, wait = breaker.admit()
        if not admitted:
            # The service is down: do not add to its load; try again when the breaker probes.
            return SendResult("retry", retry_after=wait, reason="push service unavailable: paused after repeated errors")
        result = await self._exchange(route, request, note)
        breaker.record(service_trouble(result), probe)
        return result

    async def _exchange(self, route: _Route, request: bytes, note: str) -> SendResult:
        origin = route.origin
        started = time.perf_counter()
        try:
            response = await self._pool(route).request(request, self._timeout)
        except UnsafeAddress as exc:
            logger.warning("push endpoint on %s refused: %s", origin, exc.message)
            return SendResult("failed", reason=f"endpoint_address: {exc.message}")
        except transport.TimeoutError_ as exc:
            return SendResult("retry", reason=f"timeout: {exc}")
        except transport.TransportError as exc:
            return SendResult("retry", reason=f"network error: {type(exc).__name__}: {exc}")
        if self._observe is not None:
            self._observe(route.key[1], time.perf_counter() - started)
        result = classify(response.status, response.headers, response.body)
        if result.status == "rejected":
            # 400/401/403 mean our request or VAPID key is wrong; only an operator can fix that.
            logger.error("push service %s rejected a request with %s: %s", origin, result.http_status, result.reason)
        elif result.status == "failed":
            logger.warning("push to %s failed with %s: %s", origin, result.http_status, result.reason)
        if note and result.status == "sent":
            return replace(result, reason=note)
        return result

    async def _send_one(self, message: PushMessage) -> SendResult:
        try:
            prepared = self._prepare(message)
            if isinstance(prepared, SendResult):
                return prepared
            return await self._deliver(message, prepared)
        except Exception:  # a bug must cost one message, not the whole batch
            logger.exception("unexpected error sending push")
            return SendResult("failed", reason="internal error")

    async def _send_all(self, batch: list[PushMessage]) -> list[SendResult]:
        if self._connections is None:
            self._connections = asyncio.Semaphore(self.max_connections)
        connections = self._connections
        results: list[SendResult | None] = [None] * len(batch)
        queues: dict[tuple[str, str, int] | None, deque[int]] = {}
        for i, message in enumerate(batch):
            try:
                parts = urlsplit(message.endpoint)
                key = (parts.scheme, (parts.hostname or "").lower(), parts.port or 0)
            except ValueError as exc:
                results[i] = SendResult("failed", reason=f"endpoint: {exc}")
                continue
            queues.setdefault(key, deque()).append(i)

        async def drain(queue: deque[int]) -> None:
            # Each worker holds one of its service's slots and one global connection slot,
            # and pulls from that service's queue, so a slow service only slows itself.
            while queue:
                i = queue.popleft()
                async with connections:
                    results[i] = await self._send_one(batch[i])

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
            for pool in self._pools.values():
                pool.close()
            self._pools = {}
            await asyncio.sleep(0)  # let the transports finish closing

        asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        loop.close()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
