"""Benchmark: which HTTP client for the push sender, at a 50 ms round trip over TLS.

Runs a TLS server in a child process that answers every POST 201 after `--delay`
seconds (aiohttp's server for HTTP/1.1, Hypercorn for HTTP/2 with ALPN), then sends
`--requests` push-sized POSTs with `--inflight` requests in flight and prints the
wall time and the client process's CPU per request for:

- aiohttp's client (HTTP/1.1, one connection per request in flight),
- httpx with h2 (HTTP/2, one connection carrying every stream),

    .venv/bin/python bench/push_client_choice.py [--requests 3000] [--inflight 64] [--delay 0.05] [--smoke]

Needs trustme, and hypercorn + h2 for the HTTP/2 row (test-only; not runtime dependencies).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import ssl
import subprocess
import sys
import tempfile
import time

from benchkit import count, non_negative, parse  # bench/, this script's folder

BODY = os.urandom(230)
HEADERS = {"TTL": "3600", "Urgency": "high", "Topic": "alert-1", "Content-Encoding": "aes128gcm",
           "Content-Type": "application/octet-stream", "Authorization": "vapid t=" + "x" * 300 + ", k=" + "y" * 87}


def serve(kind: str, certdir: str, delay: float) -> None:
    """Child process: serve TLS on 127.0.0.1, print the port, answer 201 after delay."""
    import trustme  # noqa: F401  (only to fail early when missing)

    cert, key = f"{certdir}/cert.pem", f"{certdir}/key.pem"
    if kind == "h1":
        from aiohttp import web

        async def handle(request):
            await request.read()
            await asyncio.sleep(delay)
            return web.Response(status=201)

        async def main():
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
            runner = web.ServerRunner(web.Server(handle), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ctx, backlog=1024)
            await site.start()
            print(site._server.sockets[0].getsockname()[1], flush=True)
            await asyncio.Event().wait()

        asyncio.run(main())
    else:
        import socket

        from hypercorn.asyncio import serve as hserve
        from hypercorn.config import Config

        async def app(scope, receive, send):
            if scope["type"] != "http":
                return
            while (await receive()).get("more_body"):
                pass
            await asyncio.sleep(delay)
            await send({"type": "http.response.start", "status": 201, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        config = Config()
        config.bind = [f"127.0.0.1:{port}"]
        config.certfile, config.keyfile = cert, key
        config.alpn_protocols = ["h2", "http/1.1"]
        config.h2_max_concurrent_streams = 1000
        config.accesslog = None
        config.errorlog = "-"
        config.loglevel = "WARNING"
        print(port, flush=True)
        asyncio.run(hserve(app, config))


def start(kind: str, certdir: str, delay: float) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--certdir", certdir, "--delay", str(delay)],
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    time.sleep(0.5)  # hypercorn prints before it binds
    return proc, port


async def run_clients(send, n: int, inflight: int) -> None:
    queue = iter(range(n))

    async def drain():
        for _ in queue:
            status = await send()
            assert status == 201, status

    await asyncio.gather(*(drain() for _ in range(inflight)))


def measure(label: str, make, n: int, inflight: int) -> None:
    async def main():
        send, close = await make()
        await run_clients(send, min(200, n), inflight)  # warm-up: connections and TLS handshakes
        cpu, wall = time.process_time(), time.perf_counter()
        await run_clients(send, n, inflight)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        await close()
        print(f"{label:<34} {n} requests, {inflight} in flight: {wall:.2f} s, {n / wall:,.0f} req/s, "
              f"client CPU {cpu / n * 1e6:.0f} us/request")

    asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=count, default=3000)
    parser.add_argument("--inflight", type=count, default=64)
    parser.add_argument("--delay", type=non_negative, default=0.05)
    parser.add_argument("--h2-requests", type=count, default=600, help="fewer: ~4 ms CPU each")
    parser.add_argument("--serve")
    parser.add_argument("--certdir")
    opts = parse(parser, {"requests": 100, "inflight": 16, "h2_requests": 50})
    if opts.serve:
        serve(opts.serve, opts.certdir, opts.delay)
        return

    import trustme

    certdir = tempfile.mkdtemp(prefix="push-client-bench-")
    ca = trustme.CA()
    server_cert = ca.issue_cert("localhost")
    server_cert.private_key_pem.write_to_path(f"{certdir}/key.pem")
    server_cert.cert_chain_pems[0].write_to_path(f"{certdir}/cert.pem")
    ca.cert_pem.write_to_path(f"{certdir}/ca.pem")
    n, inflight = opts.requests, opts.inflight
    print(f"TLS server answering after {opts.delay * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")

    h1, h1_port = start("h1", certdir, opts.delay)
    try:
        import aiohttp

        async def make_aiohttp():
            ctx = ssl.create_default_context(cafile=f"{certdir}/ca.pem")
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, limit_per_host=inflight, ssl=ctx))
            url = f"https://localhost:{h1_port}/push/x"

            async def send():
                async with session.post(url, data=BODY, headers=HEADERS, allow_redirects=False) as r:
                    await r.read()
                    return r.status
            return send, session.close

        measure("aiohttp (HTTP/1.1)", make_aiohttp, n, inflight)

    finally:
        h1.terminate()
        h1.wait()

    h2p, h2_port = start("h2", certdir, opts.delay)
    try:
        import httpx

        async def make_httpx_h2():
            ctx = ssl.create_default_context(cafile=f"{certdir}/ca.pem")
            client = httpx.AsyncClient(verify=ctx, http2=True, limits=httpx.Limits(max_connections=inflight))
            url = f"https://localhost:{h2_port}/push/x"

            async def send():
                r = await client.post(url, content=BODY, headers=HEADERS)
                assert r.http_version == "HTTP/2", r.http_version
                return r.status_code
            return send, client.aclose

        measure("httpx + h2 (HTTP/2, 1 connection)", make_httpx_h2, min(n, opts.h2_requests), inflight)
    finally:
        h2p.terminate()
        h2p.wait()


if __name__ == "__main__":
    main()
