"""Retry policy of web push (no Flask): classify answers, back off, honour Retry-After, guard services.

A message is retried by time, not by count: with capped exponential backoff that
never drops below a floor, until its TTL would have expired (the push service
would drop it then anyway). A push service that stops answering is not hammered:
a per-service circuit breaker stops sending after a run of network errors or 5xx,
probes with one request after a cool-down, and resumes when the probe gets through.
"""
from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

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
    if value.isascii() and value.isdigit():
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
    floor: float = 1.0,
    rng: random.Random | None = None,
) -> float:
    """Seconds before retry number `attempt` (0-based): jittered, capped, at least `floor` and Retry-After."""
    ceiling = min(cap, base * (2 ** min(max(attempt, 0), 32)))
    # "Equal jitter": spread retries from many workers, but never retry almost at once,
    # which is what full jitter did (eight attempts used up inside 20 s of outage).
    delay = ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
    delay = max(delay, floor)
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


def service_trouble(result: SendResult) -> bool:
    """Whether an answer says the push service itself is down (not this one message)."""
    return result.status == "retry" and (result.http_status is None or result.http_status >= 500)


class CircuitBreaker:
    """Per push service: closed (send), open (do not send until a time), half-open (one probe in flight).

    Thread-safe; `clock` is injectable for tests. After `threshold` consecutive
    service troubles it opens for `cooldown` seconds; a failed probe doubles the
    cool-down up to `max_cooldown`; a probe that gets any answer closes it.
    """

    def __init__(self, *, threshold: int = 5, cooldown: float = 1.0, max_cooldown: float = 30.0, clock=time.monotonic) -> None:
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self.max_cooldown = max(cooldown, max_cooldown)
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._current = cooldown
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Whether sending is paused (open, or half-open with the probe out)."""
        with self._lock:
            return self._failures >= self.threshold and (self.clock() < self._open_until or self._probing)

    def admit(self) -> tuple[bool, bool, float]:
        """(may send, is the probe, seconds until the next try if not)."""
        with self._lock:
            if self._failures < self.threshold:
                return True, False, 0.0
            now = self.clock()
            if now < self._open_until:
                return False, False, self._open_until - now
            if self._probing:
                return False, False, self._current
            self._probing = True
            return True, True, 0.0

    def record(self, trouble: bool, probe: bool = False) -> None:
        """Report one answer (trouble: network error or 5xx) of a request admitted by admit()."""
        with self._lock:
            if not trouble:
                self._failures, self._current, self._probing, self._open_until = 0, self.cooldown, False, 0.0
                return
            if probe:
                self._probing = False
                self._current = min(self._current * 2, self.max_cooldown)
                self._open_until = self.clock() + self._current
                return
            self._failures += 1
            if self._failures == self.threshold:
                self._open_until = self.clock() + self._current
