"""A small GeoReport v2 server (the owner's case system) in a thread, for the outbound channel tests: it records every
POST and answers POST requests.json the way the specification shows; webhooks get 200. Answers can be scripted."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    """One request as it arrived."""

    path: str
    headers: dict
    body: bytes

    @property
    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class CaseSystem:
    """The stub's state: what arrived, and scripted answers (status, headers, body) used before the default."""

    received: list[Received] = field(default_factory=list)
    script: list[tuple[int, dict, bytes]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    port: int = 0
    next_id: int = 1000

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, path: str) -> tuple[int, dict, bytes]:
        if self.script:
            return self.script.pop(0)
        if path.endswith("/requests.json"):
            self.next_id += 1
            return 201, {"Content-Type": "application/json"}, json.dumps(
                [{"service_request_id": f"NYK-{self.next_id}", "service_notice": "Mottaget", "account_id": None}]).encode()
        return 200, {"Content-Type": "text/plain"}, b"ok"


def serve() -> tuple[CaseSystem, ThreadingHTTPServer]:
    """Start the stub on a free loopback port."""
    state = CaseSystem()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, answer = state.answer(self.path)
            with state.arrived:
                state.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                state.arrived.notify_all()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
