"""Benchmark Web Push delivery against tests/pushservice.py on loopback.

Prints encryption-only throughput, PushSender.send_many throughput and a naive
sequential pywebpush.webpush() baseline over the same subscriptions.
Run from the project root: .venv/bin/python bench/push_crypto.py [--messages 2000] [--smoke]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchkit import count, parse  # noqa: E402  (bench/, this script's folder)
from watch.push.webpush.ece import encrypt_payload  # noqa: E402
from watch.push.webpush.message import PushMessage  # noqa: E402
from watch.push.webpush.sender import PushSender  # noqa: E402
from watch.push.webpush.vapid import VapidSigner, generate_vapid_keypair  # noqa: E402

PAYLOAD = {
    "id": 12345,
    "title": "Misstänkt inbrott, Storgatan",
    "body": "Två personer provade dörrhandtag på bilar vid Storgatan 12 kl 02.10. " * 4,
    "url": "/alerts/12345",
    "area": "Norra Ängby",
}


def _control(origin: str, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request(origin + path, data=data, method=method)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def bench_encrypt(subs: list[dict[str, Any]], n: int) -> float:
    """Messages per second for encrypt_payload alone."""
    data = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False).encode()
    t0 = time.perf_counter()
    for i in range(n):
        keys = subs[i % len(subs)]["keys"]
        encrypt_payload(data, keys["p256dh"], keys["auth"])
    return n / (time.perf_counter() - t0)


def bench_sender(origin: str, subs: list[dict[str, Any]], pem: bytes, per_host: int) -> float:
    """Messages per second for PushSender.send_many, all accepted and decrypted."""
    _control(origin, "POST", "/_control/reset")
    hostport = origin.split("://", 1)[1]
    signer = VapidSigner(pem, "mailto:bench@example.se")
    messages = [PushMessage.for_subscription(s, PAYLOAD, topic="alert-12345") for s in subs]
    with PushSender(signer, allow_insecure_hosts=[hostport], per_host_concurrency=per_host) as sender:
        t0 = time.perf_counter()
        results = sender.send_many(messages)
        elapsed = time.perf_counter() - t0
    stats = _control(origin, "GET", "/_control/stats")
    bad = [r for r in results if not r.ok]
    assert not bad, bad[:3]
    assert stats["total_received"] == len(subs) and not stats["rejections"], stats["rejections"][:3]
    return len(subs) / elapsed


def bench_pywebpush(origin: str, subs: list[dict[str, Any]], pem: bytes) -> float:
    """Messages per second for a sequential loop of pywebpush.webpush()."""
    from py_vapid import Vapid02
    from pywebpush import webpush

    _control(origin, "POST", "/_control/reset")
    vapid = Vapid02.from_pem(pem)
    data = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False)
    t0 = time.perf_counter()
    for s in subs:
        # A fresh claims dict each time: webpush() writes aud into the dict it is given.
        webpush(s, data, vapid_private_key=vapid, vapid_claims={"sub": "mailto:bench@example.se"}, ttl=3600)
    elapsed = time.perf_counter() - t0
    stats = _control(origin, "GET", "/_control/stats")
    assert stats["total_received"] == len(subs) and not stats["rejections"], stats["rejections"][:3]
    return len(subs) / elapsed


def main() -> None:
    """Start the service in its own process and print the three figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=count, default=2000)
    parser.add_argument("--baseline", type=count, default=500, help="messages for the pywebpush loop")
    parser.add_argument("--per-host", type=count, default=8)
    opts = parse(parser, {"messages": 100, "baseline": 20})
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "pushservice.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        origin = proc.stdout.readline().strip()
        subs = _control(origin, "POST", f"/_control/subscriptions?n={opts.messages}")
        pem, _ = generate_vapid_keypair()
        enc = bench_encrypt(subs, opts.messages)
        print(f"encrypt_payload only:        {enc:8.0f} msg/s")
        sent = bench_sender(origin, subs, pem, opts.per_host)
        print(f"PushSender.send_many ({opts.messages}): {sent:8.0f} msg/s (per_host_concurrency={opts.per_host})")
        base = bench_pywebpush(origin, subs[: opts.baseline], pem)
        print(f"pywebpush.webpush loop ({opts.baseline}): {base:8.0f} msg/s")
        print(f"speed-up over baseline:      {sent / base:8.1f}x")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
