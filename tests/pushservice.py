"""A real-protocol Web Push service (RFC 8030/8291/8292) on loopback, for tests and benchmarks.

It verifies VAPID tokens, checks the push headers, decrypts aes128gcm bodies with
the subscriber's private key and records what arrived. Faults (chosen statuses,
random failures, redirects, unsubscribed endpoints) are injected per endpoint or
globally. It serves HTTP/1.1 with aiohttp's low-level server (C parser) on an asyncio loop in
one thread, over TLS (tls=True) with a certificate for localhost from a throw-away CA (trustme;
the sender trusts it only through PUSH_TEST_CA_FILE), recording the SNI names clients sent. It
can answer after a delay (a round trip to a distant service). Run standalone with
`python tests/pushservice.py --port N [--tls-ca-file PATH] [--delay 0.05]`; other processes
then drive it through the /_control/ HTTP API.
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import json
import os
import random
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

URGENCIES = ("very-low", "low", "normal", "high")
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SUB = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_BODY = 4096  # RFC 8030 section 7.2: services must accept at least 4096 bytes


def _b64d(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Received:
    """One accepted, decrypted push message."""

    sub_id: str
    payload: Any
    headers: dict[str, str]
    topic: str | None
    urgency: str | None
    ttl: int
    time: float


@dataclass(frozen=True)
class Rejection:
    """A request the service refused because the sender broke the protocol."""

    sub_id: str | None
    status: int
    reason: str
    time: float


@dataclass
class _Subscriber:
    private_key: ec.EllipticCurvePrivateKey
    public_b64: str
    auth: bytes
    failures: deque[int] = field(default_factory=deque)
    redirect: tuple[int, str] | None = None
    gone: bool = False
    malformed: deque[str] = field(default_factory=deque)


# Broken answers a push service (or a middlebox) may send; each must cost one retry.
MALFORMED = {
    "bad_status_line": b"HTTP/1.1 2x1 Created\r\nContent-Length: 0\r\n\r\n",
    "bad_headers": "HTTP/1.1 201 Created\r\nContent-Length: \u00b2\r\n\r\nxx".encode("utf-8"),
    "bad_chunk_size": b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nxx\r\n0\r\n\r\n",
    "encoded_chunked": b"HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nxx\r\n0\r\n\r\n",
    "oversized_body": b"HTTP/1.1 500 Oops\r\nContent-Length: 10000000\r\n\r\n" + b"x" * 1_000_000,
    "reset": b"",
}


_CA: Any = None


def test_ca() -> tuple[Any, str]:
    """This process's throw-away CA (trustme) and the path of its certificate (PEM)."""
    global _CA
    if _CA is None:
        import trustme

        ca = trustme.CA(organization_name="watch test push CA")
        fd, path = tempfile.mkstemp(prefix="watch-test-ca-", suffix=".pem")
        os.close(fd)
        ca.cert_pem.write_to_path(path)
        atexit.register(os.unlink, path)
        _CA = (ca, path)
    return _CA


class _Verify(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class PushService:
    """Loopback Web Push service; use as a context manager or call start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, retry_after: float | None = 0, tls: bool = False,
                 delay: float = 0.0, cert_names: tuple[str, ...] = ("localhost",), decrypt_every: int = 1) -> None:
        self.host = host
        # 1: decrypt every body (the tests). Benchmarks may decrypt every n-th body only: the real
        # push services run on other machines, so their CPU should not take the sender's cores.
        self.decrypt_every = max(1, decrypt_every)
        self._bodies = 0
        self.tls = tls
        self.delay = delay  # seconds before each push is answered
        self.sni: list[str | None] = []  # server names of TLS handshakes, in order
        self.ca_file: str | None = None
        self._ssl: ssl.SSLContext | None = None
        if tls:
            ca, self.ca_file = test_ca()
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert(*cert_names).configure_cert(ctx)
            ctx.set_alpn_protocols(["http/1.1"])
            ctx.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
            self._ssl = ctx
        self._requested_port = port
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._subs: dict[str, _Subscriber] = {}
        self._received: list[Received] = []
        self._rejections: list[Rejection] = []
        self._attempts: Counter[str] = Counter()
        self._global_failures: deque[int] = deque()
        self._outage = False
        self.dropped = 0  # requests whose connection was dropped during an outage
        self._random: tuple[float, tuple[int, ...], random.Random] | None = None
        self._seen_ephemeral: set[bytes] = set()
        # Signature checks are the service's main cost; a token's signature never changes.
        self._verified_tokens: dict[tuple[str, str], dict[str, Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.ServerRunner | None = None
        self._port = 0
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> PushService:
        """Bind and serve on an asyncio loop in a daemon thread.

        The loop is set up inside that thread: the caller's thread may already run
        a loop of its own (Playwright's sync API does).
        """
        loop = asyncio.new_event_loop()
        sock = socket.create_server((self.host, self._requested_port), backlog=1024)
        ready = threading.Event()
        failure: list[BaseException] = []

        async def serve() -> web.ServerRunner:
            runner = web.ServerRunner(web.Server(self._handle), access_log=None, handle_signals=False)
            await runner.setup()
            await web.SockSite(runner, sock, ssl_context=self._ssl).start()
            return runner

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._runner = loop.run_until_complete(serve())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="push-service", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure or self._runner is None:
            raise RuntimeError("the test push service did not start") from (failure[0] if failure else None)
        self._loop, self._port = loop, sock.getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        loop, self._loop = self._loop, None
        if loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()

    def __enter__(self) -> PushService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        assert self._loop is not None, "service not started"
        return self._port

    @property
    def origin(self) -> str:
        """http://127.0.0.1:PORT, or https://localhost:PORT over TLS: the exact VAPID audience senders must use."""
        return f"https://localhost:{self.port}" if self.tls else f"http://{self.host}:{self.port}"

    @property
    def hostport(self) -> str:
        """host:port, the form the app's allow_insecure_hosts setting takes."""
        return f"localhost:{self.port}" if self.tls else f"{self.host}:{self.port}"

    # -- subscriptions and faults --------------------------------------------
    def new_subscription(self) -> dict[str, Any]:
        """Create a subscriber and return its browser-shaped PushSubscription JSON."""
        return self.new_subscriptions(1)[0]

    def new_subscriptions(self, n: int) -> list[dict[str, Any]]:
        """Create n subscribers at once."""
        out = []
        for _ in range(n):
            key = ec.generate_private_key(ec.SECP256R1())
            pub = _b64e(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
            auth = os.urandom(16)
            sub_id = secrets.token_urlsafe(16)
            with self._lock:
                self._subs[sub_id] = _Subscriber(key, pub, auth)
            out.append({
                "endpoint": f"{self.origin}/push/{sub_id}",
                "expirationTime": None,
                "keys": {"p256dh": pub, "auth": _b64e(auth)},
            })
        return out

    @staticmethod
    def sub_id(sub: str | dict[str, Any]) -> str:
        """Accept a subscription dict, an endpoint URL or an id and return the id."""
        if isinstance(sub, dict):
            sub = sub["endpoint"]
        return sub.rsplit("/", 1)[-1]

    def fail(self, sub: str | dict[str, Any] | None, statuses: Iterable[int]) -> None:
        """Queue statuses to answer with (per subscription, or for any if sub is None)."""
        with self._lock:
            if sub is None:
                self._global_failures.extend(statuses)
            else:
                self._subs[self.sub_id(sub)].failures.extend(statuses)

    def set_random_failures(self, rate: float, statuses: Iterable[int] = (500, 503, 429), seed: int | None = None) -> None:
        """Fail a random fraction of requests with one of statuses (rate 0 disables)."""
        with self._lock:
            self._random = (rate, tuple(statuses), random.Random(seed)) if rate > 0 else None

    def redirect(self, sub: str | dict[str, Any], location: str, status: int = 307) -> None:
        """Answer every request for this subscription with a redirect."""
        with self._lock:
            self._subs[self.sub_id(sub)].redirect = (status, location)

    def outage(self, on: bool) -> None:
        """While on, drop every push request's connection without an answer (a dead service)."""
        with self._lock:
            self._outage = on

    def malform(self, sub: str | dict[str, Any], kinds: Iterable[str]) -> None:
        """Answer the next requests for this subscription with these broken answers (MALFORMED)."""
        with self._lock:
            self._subs[self.sub_id(sub)].malformed.extend(kinds)

    def unsubscribe(self, sub: str | dict[str, Any]) -> None:
        """Make the endpoint answer 410 Gone from now on, like an expired subscription."""
        with self._lock:
            self._subs[self.sub_id(sub)].gone = True

    def reset(self) -> None:
        """Forget received messages, rejections, counters and injected faults (keeps subscribers)."""
        with self._lock:
            self._received.clear()
            self._rejections.clear()
            self._attempts.clear()
            self._global_failures.clear()
            self._random = None
            self._outage = False
            self.dropped = 0
            for s in self._subs.values():
                s.failures.clear()
                s.malformed.clear()
                s.redirect = None
                s.gone = False

    # -- accessors --------------------------------------------------------------
    def received(self, sub: str | dict[str, Any] | None = None) -> list[Received]:
        """Accepted messages, optionally for one subscription."""
        with self._lock:
            if sub is None:
                return list(self._received)
            sid = self.sub_id(sub)
            return [r for r in self._received if r.sub_id == sid]

    @property
    def rejections(self) -> list[Rejection]:
        """Protocol violations seen so far (tests assert this stays empty)."""
        with self._lock:
            return list(self._rejections)

    def attempts(self, sub: str | dict[str, Any] | None = None) -> int:
        """Number of POSTs that reached a push endpoint (accepted or not)."""
        with self._lock:
            return sum(self._attempts.values()) if sub is None else self._attempts[self.sub_id(sub)]

    def wait_for(self, count: int, timeout: float = 10.0, sub: str | dict[str, Any] | None = None) -> bool:
        """Block until at least count messages were accepted (for one subscription, if given); False on timeout."""
        deadline = time.monotonic() + timeout
        wanted = None if sub is None else self.sub_id(sub)
        with self._cond:
            while sum(1 for r in self._received if wanted is None or r.sub_id == wanted) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stats(self) -> dict[str, Any]:
        """Counts for the control API: accepted per subscription, attempts, rejections."""
        with self._lock:
            per_sub = Counter(r.sub_id for r in self._received)
            return {
                "received": dict(per_sub),
                "total_received": len(self._received),
                "attempts": dict(self._attempts),
                "total_attempts": sum(self._attempts.values()),
                "rejections": [asdict(r) for r in self._rejections],
                "dropped": self.dropped,
            }

    # -- protocol ---------------------------------------------------------------
    def _reject(self, sub_id: str | None, status: int, reason: str) -> None:
        with self._lock:
            self._rejections.append(Rejection(sub_id, status, reason, time.time()))

    def _verify_vapid(self, authorization: str | None) -> None:
        if not authorization:
            raise _Verify(401, "missing Authorization header")
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise _Verify(401, f"Authorization scheme {scheme!r} is not vapid")
        params: dict[str, str] = {}
        for part in rest.split(","):
            k, sep, v = part.strip().partition("=")
            if sep:
                params[k.strip().lower()] = v.strip()
        token, key = params.get("t"), params.get("k")
        if not token or not key:
            raise _Verify(401, "Authorization lacks t= or k=")
        with self._lock:
            claims = self._verified_tokens.get((token, key))
        if claims is None:
            claims = self._check_signature(token, key)
            with self._lock:
                self._verified_tokens[(token, key)] = claims
        if claims.get("aud") != self.origin:
            raise _Verify(403, f"aud {claims.get('aud')!r} != {self.origin!r}")
        exp, now = claims.get("exp"), time.time()
        if not isinstance(exp, int) or exp <= now:
            raise _Verify(403, f"exp {exp!r} missing or in the past")
        if exp > now + 24 * 3600:
            raise _Verify(403, "exp more than 24 hours ahead (RFC 8292 section 2)")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
            raise _Verify(403, f"sub {sub!r} must be a mailto: or https: URI")

    @staticmethod
    def _check_signature(token: str, key: str) -> dict[str, Any]:
        try:
            header_b64, claims_b64, sig_b64 = token.split(".")
            header = json.loads(_b64d(header_b64))
            claims = json.loads(_b64d(claims_b64))
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64d(key))
            sig = _b64d(sig_b64)
        except (ValueError, TypeError) as exc:
            raise _Verify(401, f"malformed VAPID token or key: {exc}") from None
        if header.get("typ") != "JWT" or header.get("alg") != "ES256":
            raise _Verify(401, f"JWT header {header!r} is not typ JWT / alg ES256")
        if len(sig) != 64:
            raise _Verify(401, "ES256 signature must be 64 bytes (r || s)")
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise _Verify(401, "VAPID signature does not verify against k") from None
        if not isinstance(claims, dict):
            raise _Verify(401, "JWT claims are not an object")
        return claims

    def handle_push(self, sub_id: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        """Run one push request through verification, fault injection and decryption."""
        with self._lock:
            sub = self._subs.get(sub_id)
            self._attempts[sub_id] += 1
        if sub is None:
            return 404, {}
        try:
            self._verify_vapid(headers.get("authorization"))
            ttl_raw = headers.get("ttl")
            if ttl_raw is None or not ttl_raw.isdigit():
                raise _Verify(400, f"TTL header missing or not a non-negative integer: {ttl_raw!r}")
            urgency = headers.get("urgency")
            if urgency is not None and urgency not in URGENCIES:
                raise _Verify(400, f"Urgency {urgency!r} invalid")
            topic = headers.get("topic")
            if topic is not None and not _TOPIC.fullmatch(topic):
                raise _Verify(400, f"Topic {topic!r} not <= 32 URL-safe base64 characters")
            if headers.get("content-encoding") != "aes128gcm":
                raise _Verify(400, f"Content-Encoding {headers.get('content-encoding')!r} is not aes128gcm")
            if len(body) > MAX_BODY:
                raise _Verify(413, f"body of {len(body)} bytes exceeds {MAX_BODY}")
        except _Verify as exc:
            self._reject(sub_id, exc.status, exc.reason)
            return exc.status, {}
        injected = self._injected(sub)
        if injected is not None:
            return injected
        with self._lock:
            self._bodies += 1
            check = self._bodies % self.decrypt_every == 0
        try:
            keyid = body[21 : 21 + body[20]] if len(body) > 21 else b""
            if check:
                plaintext = http_ece.decrypt(body, private_key=sub.private_key, auth_secret=sub.auth, version="aes128gcm")
                payload = json.loads(plaintext)
            elif len(keyid) != 65 or keyid[0] != 4:
                raise ValueError("keyid is not an uncompressed P-256 point")
            else:
                payload = None  # not decrypted (decrypt_every > 1)
        except Exception as exc:  # any decrypt/parse failure is the sender's fault
            self._reject(sub_id, 400, f"cannot decrypt or parse body: {exc!r}")
            return 400, {}
        with self._cond:
            if keyid in self._seen_ephemeral:
                self._rejections.append(Rejection(sub_id, 400, "ephemeral key reused (RFC 8291 section 3.4)", time.time()))
                return 400, {}
            self._seen_ephemeral.add(keyid)
            self._received.append(Received(sub_id, payload, headers, topic, urgency, int(ttl_raw), time.time()))
            self._cond.notify_all()
        return 201, {"Location": f"{self.origin}/message/{secrets.token_urlsafe(12)}"}

    def _injected(self, sub: _Subscriber) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if sub.gone:
                status: int | None = 410
            elif sub.redirect is not None:
                return sub.redirect[0], {"Location": sub.redirect[1]}
            elif sub.failures:
                status = sub.failures.popleft()
            elif self._global_failures:
                status = self._global_failures.popleft()
            elif self._random is not None and self._random[2].random() < self._random[0]:
                status = self._random[2].choice(self._random[1])
            else:
                status = None
        if status is None or status in (201, 202):
            return None  # a queued success lets the real processing run
        extra: dict[str, str] = {}
        if status in (429, 503) and self.retry_after is not None:
            extra["Retry-After"] = str(int(self.retry_after))
        return status, extra


    # -- HTTP --------------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.Response:
        if request.method == "POST":
            if request.headers.get("Content-Length") is None:
                return web.Response(status=411, headers={"Connection": "close"})
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return web.Response(status=413)
            path = request.path
            if path.startswith("/push/"):
                sub_id = path[len("/push/"):]
                if not _SUB.fullmatch(sub_id):
                    return web.Response(status=404)
                broken = self._broken(sub_id)
                if broken is not None:
                    self._break(request, broken)
                    return web.Response(status=204)  # never written: the connection is closed
                headers = {k.lower(): v for k, v in request.headers.items()}
                if self.delay:
                    await asyncio.sleep(self.delay)
                status, extra = self.handle_push(sub_id, headers, body)
                return web.Response(status=status, headers=extra)
            if path.startswith("/_control/"):
                return self._control(path[len("/_control/"):], request.query, body)
        elif request.method == "GET" and request.path == "/_control/stats":
            return self._json(self.stats())
        elif request.method == "GET" and request.path == "/_control/received":
            return self._json([r.time for r in self.received(request.query.get("sub_id", ""))])
        return web.Response(status=404)

    def _broken(self, sub_id: str) -> bytes | None:
        with self._lock:
            if self._outage:
                self.dropped += 1
                self._attempts[sub_id] += 1
                return b""
            sub = self._subs.get(sub_id)
            if sub is not None and sub.malformed:
                self._attempts[sub_id] += 1
                return MALFORMED[sub.malformed.popleft()]
        return None

    @staticmethod
    def _break(request: web.BaseRequest, raw: bytes) -> None:
        transport = request.transport
        if transport is None:
            return
        if raw:
            transport.write(raw)
            transport.close()
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:  # SO_LINGER 0: close with a TCP reset, as a crashed peer does
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    @staticmethod
    def _json(obj: Any, status: int = 200) -> web.Response:
        return web.Response(status=status, body=json.dumps(obj).encode(), content_type="application/json")

    def _control(self, action: str, query: Any, body: bytes) -> web.Response:
        args: dict[str, Any] = json.loads(body) if body else {}
        if action == "subscriptions":
            return self._json(self.new_subscriptions(int(query.get("n", "1"))))
        if action == "fail":
            self.fail(args.get("sub_id"), args["statuses"])
        elif action == "random_failures":
            self.set_random_failures(args["rate"], args.get("statuses", (500, 503, 429)), args.get("seed"))
        elif action == "redirect":
            self.redirect(args["sub_id"], args["location"], args.get("status", 307))
        elif action == "unsubscribe":
            self.unsubscribe(args["sub_id"])
        elif action == "outage":
            self.outage(bool(args.get("on")))
        elif action == "retry_after":
            self.retry_after = args.get("seconds")
        elif action == "reset":
            self.reset()
        else:
            return web.Response(status=404)
        return self._json({"ok": True})


def main(argv: list[str] | None = None) -> None:
    """Run the service until SIGTERM/SIGINT, printing its origin on the first line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--retry-after", type=float, default=0)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each push is answered")
    parser.add_argument("--tls-ca-file", help="serve TLS and write the throw-away CA's certificate here")
    parser.add_argument("--decrypt-every", type=int, default=1, help="decrypt every n-th body only (benchmarks)")
    opts = parser.parse_args(argv)
    service = PushService(opts.host, opts.port, retry_after=opts.retry_after, tls=bool(opts.tls_ca_file),
                          delay=opts.delay, decrypt_every=opts.decrypt_every).start()
    if opts.tls_ca_file:
        with open(service.ca_file or "", "rb") as src, open(opts.tls_ca_file, "wb") as dst:
            dst.write(src.read())
    print(service.origin, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    service.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
