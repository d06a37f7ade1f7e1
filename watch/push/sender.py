"""Web Push sender: RFC 8291 message encryption, RFC 8292 VAPID, pooled HTTP delivery.

One PushSender is shared by a worker process. It keeps one httpcore connection pool,
signs one VAPID token per push-service origin and reuses it for hours, and
classifies each response so the caller knows whether to retry, drop the
subscription or alert an operator. It never follows redirects and refuses to
connect to non-public addresses (checked when each connection is opened).
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from hashlib import sha256
from typing import Any, Literal
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
import httpcore
import httpx

from watch.push.endpoints import (
    InvalidSubscription,
    UnsafeAddress,
    b64url,
    decode_b64url,
    load_p256dh,
)
from watch.push.transport import _GuardedBackend, _OriginPool
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


# -- Encryption (RFC 8291) -----------------------------------------------------------
def encrypt_payload(payload: bytes, p256dh_b64: str, auth_b64: str) -> bytes:
    """Encrypt one message body as aes128gcm with a fresh ephemeral ECDH key."""
    receiver = load_p256dh(p256dh_b64)
    auth = decode_b64url(auth_b64)
    if len(auth) != 16:
        raise InvalidSubscription("auth", "keys.auth must decode to exactly 16 bytes")
    # A fresh key per message is required: reusing one would reuse the content key and nonce.
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    return http_ece.encrypt(
        payload, private_key=ephemeral, dh=receiver, auth_secret=auth, version="aes128gcm", rs=4096
    )


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


# -- Results and retry policy -----------------------------------------------------------
SendStatus = Literal["sent", "gone", "too_large", "retry", "rejected", "failed"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """Outcome of one push: what the caller should do next and why."""

    status: SendStatus
    http_status: int | None = None
    retry_after: float | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the push service accepted the message."""
        return self.status == "sent"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse Retry-After (delta-seconds or HTTP-date) into seconds from now, or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_delay(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = 2.0,
    cap: float = 600.0,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff with full jitter for retry number `attempt` (0-based); Retry-After is a floor."""
    ceiling = min(cap, base * (2 ** min(max(attempt, 0), 32)))
    # Full jitter spreads retries from many workers so they do not hit the service in waves.
    delay = (rng or random).uniform(0, ceiling)
    return max(delay, retry_after) if retry_after is not None else delay


def classify(status: int, headers: Mapping[str, str], body: bytes = b"") -> SendResult:
    """Map a push service response (status, lower-case headers, body) to a SendResult."""
    text = body[:200].decode("utf-8", "replace")
    if 200 <= status < 300:
        return SendResult("sent", status)
    if status in (404, 410):
        return SendResult("gone", status, reason="subscription expired or unsubscribed")
    if status == 413:
        return SendResult("too_large", status, reason="payload too large for the push service")
    if status == 429 or status >= 500 or status == 408:
        return SendResult("retry", status, parse_retry_after(headers.get("retry-after")), text)
    if status in (400, 401, 403):
        return SendResult("rejected", status, reason=text or "request refused by the push service")
    if 300 <= status < 400:
        return SendResult("failed", status, reason="push service redirected; redirects are never followed")
    return SendResult("failed", status, reason=text or f"unexpected HTTP status {status}")


class PushSender:
    """Sends PushMessages over one pooled client with bounded concurrency per push service."""

    def __init__(
        self,
        signer: VapidSigner,
        *,
        max_connections: int = 64,
        per_host_concurrency: int = 8,
        timeout: float = 10.0,
        allow_insecure_hosts: Iterable[str] = (),
        dns_cache_seconds: float = 30.0,
    ) -> None:
        self.signer = signer
        self.per_host_concurrency = max(1, per_host_concurrency)
        self._insecure = frozenset(h.lower() for h in allow_insecure_hosts)
        self._backend = _GuardedBackend(self._insecure, dns_cache_seconds)
        self._timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        # httpx's transport layer (httpcore) without the httpx.Client wrapper: that wrapper
        # cost ~200 us of CPU per request (measured), more than the encryption. httpcore
        # never follows redirects and never reads proxy settings from the environment.
        self._ssl_context = httpx.create_ssl_context(trust_env=False)
        self._executor = ThreadPoolExecutor(max_workers=max_connections, thread_name_prefix="push")
        self._pools: dict[str, _OriginPool] = {}
        self._pools_lock = threading.Lock()

    def _pool(self, origin: str, endpoint: str) -> _OriginPool:
        with self._pools_lock:
            pool = self._pools.get(origin)
            if pool is None:
                url = httpcore.URL(endpoint)
                pool = _OriginPool(url.origin, self.per_host_concurrency, self._backend, self._ssl_context)
                self._pools[origin] = pool
            return pool

    def _check_scheme(self, endpoint: str) -> tuple[str, str]:
        parts = urlsplit(endpoint)
        origin = origin_for_endpoint(endpoint)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme != "https" and f"{(parts.hostname or '').lower()}:{port}" not in self._insecure:
            raise InvalidSubscription("endpoint_scheme", "endpoint must use https")
        if parts.username is not None or parts.password is not None:
            raise InvalidSubscription("endpoint_userinfo", "endpoint must not contain user info")
        return origin, parts.netloc

    def send(self, message: PushMessage) -> SendResult:
        """Encrypt, sign and POST one message; never raises."""
        try:
            return self._send(message)
        except Exception:  # a bug must cost one message, not the whole batch
            logger.exception("unexpected error sending push")
            return SendResult("failed", reason="internal error")

    def _send(self, message: PushMessage) -> SendResult:
        note = ""
        data = message.encoded()
        if len(data) > MAX_PAYLOAD_BYTES:
            message = message.shrink()
            data = message.encoded()
            note = f"sent without {message.long_field!r}: payload too large"
            if len(data) > MAX_PAYLOAD_BYTES:
                return SendResult("too_large", reason=f"payload exceeds {MAX_PAYLOAD_BYTES} bytes")
        try:
            origin, netloc = self._check_scheme(message.endpoint)
            body = encrypt_payload(data, message.p256dh, message.auth)
        except InvalidSubscription as exc:
            return SendResult("failed", reason=f"{exc.code}: {exc.message}")
        except ValueError as exc:
            return SendResult("failed", reason=f"endpoint: {exc}")
        headers = [
            (b"Host", netloc.encode("ascii")),
            (b"Authorization", self.signer.authorization(origin).encode("ascii")),
            (b"TTL", str(message.ttl).encode()),
            (b"Urgency", message.urgency.encode()),
            (b"Content-Encoding", b"aes128gcm"),
            (b"Content-Type", b"application/octet-stream"),
            (b"Content-Length", str(len(body)).encode()),
        ]
        if message.topic:
            headers.append((b"Topic", message.topic.encode("ascii")))
        try:
            response = self._pool(origin, message.endpoint).request(message.endpoint, headers, body, self._timeouts)
        except UnsafeAddress as exc:
            logger.warning("push endpoint on %s refused: %s", origin, exc.message)
            return SendResult("failed", reason=f"endpoint_address: {exc.message}")
        except httpcore.TimeoutException as exc:
            return SendResult("retry", reason=f"timeout: {type(exc).__name__}")
        except (httpcore.NetworkError, httpcore.RemoteProtocolError) as exc:
            return SendResult("retry", reason=f"network error: {type(exc).__name__}: {exc}")
        except (httpcore.UnsupportedProtocol, httpcore.LocalProtocolError) as exc:
            return SendResult("failed", reason=f"cannot send: {type(exc).__name__}: {exc}")
        response_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers}
        result = classify(response.status, response_headers, response.content)
        if result.status == "rejected":
            # 400/401/403 mean our request or VAPID key is wrong; only an operator can fix that.
            logger.error("push service %s rejected a request with %s: %s", origin, result.http_status, result.reason)
        elif result.status == "failed":
            logger.warning("push to %s failed with %s: %s", origin, result.http_status, result.reason)
        if note and result.status == "sent":
            return replace(result, reason=note)
        return result

    def send_many(self, messages: Iterable[PushMessage]) -> list[SendResult]:
        """Send messages concurrently (bounded per push service); results keep input order."""
        batch = list(messages)
        results: list[SendResult | None] = [None] * len(batch)
        queues: dict[str, deque[int]] = {}
        for i, message in enumerate(batch):
            try:
                key = origin_for_endpoint(message.endpoint)
            except ValueError as exc:
                results[i] = SendResult("failed", reason=f"endpoint: {exc}")
                continue
            queues.setdefault(key, deque()).append(i)

        def drain(queue: deque[int]) -> None:
            # Workers pull from their host's queue, so a slow service never holds
            # threads that other services' messages could use.
            while True:
                try:
                    i = queue.popleft()
                except IndexError:
                    return
                results[i] = self.send(batch[i])

        futures = [
            self._executor.submit(drain, queue)
            for queue in queues.values()
            for _ in range(min(self.per_host_concurrency, len(queue)))
        ]
        for future in futures:
            future.result()
        return [r if r is not None else SendResult("failed", reason="not sent") for r in results]

    def close(self) -> None:
        """Stop worker threads and close pooled connections."""
        self._executor.shutdown(wait=True)
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
