"""One push to one subscription: payload, TTL, urgency and topic, checked; no I/O, no HTTP client."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from hashlib import sha256
from typing import Any, Literal

from watch.push.webpush.endpoints import b64url

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


