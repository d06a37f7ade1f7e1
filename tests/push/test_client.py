"""The sender's HTTP client: TLS (SNI, certificate refusal), the egress proxy, broken answers, a Flask-free layer."""
from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pushservice import PushService
from watch.push.webpush.message import PushMessage
from watch.push.webpush.sender import PushSender
from watch.push.webpush.vapid import VapidSigner, generate_vapid_keypair

ALERT = {"id": 7, "title": "Inbrott", "body": "Två personer vid förrådet.", "url": "/alerts/7"}


@pytest.fixture(scope="module")
def signer() -> VapidSigner:
    return VapidSigner(generate_vapid_keypair()[0], "mailto:driftansvarig@example.se")


@pytest.fixture
def service() -> Iterator[PushService]:
    with PushService(tls=True) as svc:
        yield svc
        assert svc.rejections == []


def message(sub: dict[str, Any]) -> PushMessage:
    return PushMessage.for_subscription(sub, dict(ALERT))


# -- TLS ------------------------------------------------------------------------------
def test_tls_with_sni_and_the_test_ca(service: PushService, signer: VapidSigner) -> None:
    subs = service.new_subscriptions(3)
    with PushSender(signer, allow_insecure_hosts=[service.hostport], ca_file=service.ca_file) as sender:
        assert all(r.ok for r in sender.send_many([message(s) for s in subs]))
    assert [r.payload for r in service.received()] == [ALERT] * 3
    assert service.sni and set(service.sni) == {"localhost"}  # the host name, sent in the handshake


def test_a_certificate_from_an_unknown_ca_is_refused(service: PushService, signer: VapidSigner) -> None:
    # Without the test setting the sender trusts certifi's roots only: the throw-away CA is unknown.
    with PushSender(signer, allow_insecure_hosts=[service.hostport]) as sender:
        result = sender.send(message(service.new_subscription()))
    assert result.status == "retry" and "TLSError" in result.reason and "certificate" in result.reason.lower(), result
    assert service.attempts() == 0


def test_a_certificate_for_another_name_is_refused(signer: VapidSigner) -> None:
    with PushService(tls=True, cert_names=("push.example.org",)) as other:
        with PushSender(signer, allow_insecure_hosts=[other.hostport], ca_file=other.ca_file) as sender:
            result = sender.send(message(other.new_subscription()))
        assert result.status == "retry" and "TLSError" in result.reason, result
        assert other.attempts() == 0


def test_a_dead_first_address_falls_back_to_the_next(service: PushService, signer: VapidSigner,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *a: Any, **kw: Any) -> Any:
        # localhost first "resolves" to a documentation address nobody answers on (RFC 5737).
        if host == "localhost":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", int(port))),
                    *real("127.0.0.1", port, *a, **kw)]
        return real(host, port, *a, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with PushSender(signer, allow_insecure_hosts=[service.hostport], ca_file=service.ca_file, timeout=60) as sender:
        assert sender.send(message(service.new_subscription())).ok  # happy eyeballs moved on to 127.0.0.1


# -- egress proxy -------------------------------------------------------------------------
class ConnectProxy:
    """A minimal HTTP CONNECT proxy on loopback that records the tunnels asked for."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        assert self._server is not None
        self.port = self._server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        self.targets.append(f"{method} {target}")
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def close(self) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def test_the_egress_proxy_tunnels_to_the_checked_address(service: PushService, signer: VapidSigner) -> None:
    proxy = ConnectProxy()
    try:
        subs = service.new_subscriptions(2)
        with PushSender(signer, allow_insecure_hosts=[service.hostport], ca_file=service.ca_file,
                        proxy=f"http://127.0.0.1:{proxy.port}") as sender:
            assert all(r.ok for r in sender.send_many([message(s) for s in subs]))
    finally:
        proxy.close()
    # The tunnel names the address that passed the check, never the host name for the proxy to resolve;
    # TLS inside it still names (and verifies) the push service's host.
    assert proxy.targets and set(proxy.targets) == {f"CONNECT 127.0.0.1:{service.port}"}, proxy.targets
    assert set(service.sni) == {"localhost"} and len(service.received()) == 2


def test_the_address_check_holds_behind_the_proxy(service: PushService, signer: VapidSigner) -> None:
    proxy = ConnectProxy()
    try:
        with PushSender(signer, ca_file=service.ca_file, proxy=f"http://127.0.0.1:{proxy.port}") as sender:
            result = sender.send(message(service.new_subscription()))  # localhost is not on the insecure list here
    finally:
        proxy.close()
    assert result.status == "failed" and result.reason.startswith("endpoint_address"), result
    assert proxy.targets == [] and service.attempts() == 0


def test_the_proxy_setting_must_be_an_http_url(signer: VapidSigner) -> None:
    with pytest.raises(ValueError):
        PushSender(signer, proxy="socks5://127.0.0.1:1080")


# -- answers a push service should never give -----------------------------------------------
def _raw_server(answer: bytes) -> tuple[socket.socket, list[bytes]]:
    """Answers every request on every connection with `answer`, then closes the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                length = int(data.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
                while len(data.split(b"\r\n\r\n", 1)[1]) < length:
                    data += conn.recv(65536)
                seen.append(data)
                if answer:
                    conn.sendall(answer)
                else:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")

    threading.Thread(target=serve, daemon=True).start()
    return listener, seen


BROKEN = {
    "superscript Content-Length": "HTTP/1.1 201 Created\r\nContent-Length: \u00b2\r\n\r\nxx".encode(),
    "hex-prefixed chunk size": b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nxx\r\n0\r\n\r\n",
    "signed chunk size": b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\nxx\r\n0\r\n\r\n",
    "gzip, chunked": b"HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nxx\r\n0\r\n\r\n",
    "bad status line": b"HTTP/1.1 2x1 Created\r\nContent-Length: 0\r\n\r\n",
    "HTTP/2 status line": b"HTTP/2 200\r\n\r\n",
    "conflicting lengths": b"HTTP/1.1 201 Created\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "oversized body": b"HTTP/1.1 500 Oops\r\nContent-Length: 10000000\r\n\r\n" + b"x" * 100_000,
    "cut off in the head": b"HTTP/1.1 201 Cre",
    "cut off in the body": b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nab",
    "reset": b"",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_answer_is_a_retry_never_a_success_or_a_stall(kind: str, signer: VapidSigner) -> None:
    listener, seen = _raw_server(BROKEN[kind])
    hostport = f"127.0.0.1:{listener.getsockname()[1]}"
    sub = _subscription(hostport)
    with listener, PushSender(signer, allow_insecure_hosts=[hostport], timeout=60) as sender:
        result = sender.send(message(sub))
    assert result.status == "retry" and "RemoteProtocolError" in result.reason, result
    assert len(seen) == 1


@pytest.mark.parametrize("raw, status, reason", [
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", "sent", ""),
    (b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n", "rejected", "abcde"),
    (b"HTTP/1.1 410 Gone\r\nConnection: close\r\nContent-Length: 4\r\n\r\ngone", "gone", ""),
    (b"HTTP/1.0 201 Created\r\n\r\n", "sent", ""),
])
def test_valid_answers_in_their_less_common_forms(raw: bytes, status: str, reason: str, signer: VapidSigner) -> None:
    listener, seen = _raw_server(raw)
    hostport = f"127.0.0.1:{listener.getsockname()[1]}"
    with listener, PushSender(signer, allow_insecure_hosts=[hostport], timeout=60) as sender:
        result = sender.send(message(_subscription(hostport)))
    assert result.status == status and reason in result.reason, result


def _subscription(hostport: str) -> dict[str, Any]:
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1())
    pub = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")  # noqa: E731
    return {"endpoint": f"http://{hostport}/push/abc", "keys": {"p256dh": b64(pub), "auth": b64(bytes(16))}}


# -- structure -------------------------------------------------------------------------------
def test_the_web_push_layer_imports_nothing_of_flask_or_the_app() -> None:
    code = (
        "import sys\n"
        "import watch.push.webpush.sender, watch.push.webpush.client, watch.push.webpush.message\n"
        "import watch.push.webpush.endpoints, watch.push.webpush.ece, watch.push.webpush.vapid, watch.push.retry\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_login', 'sqlalchemy', 'sqlmodel')\n"
        "             or (m.startswith('watch.') and not m.startswith(('watch.push.webpush', 'watch.push.retry'))\n"
        # The kernel's address guard (and its package): pure standard library.
        "                 and m not in ('watch.push', 'watch.core', 'watch.core.netguard')))\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_delivery_database_layer_does_not_load_the_http_client() -> None:
    code = (
        "import sys\n"
        "import watch.push.delivery.batches, watch.push.delivery.messages, watch.push.models\n"
        "loaded = [m for m in ('aiohttp', 'watch.push.webpush.client', 'watch.push.webpush.sender') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
