"""Separate processes for fault tests and benchmarks: the push service and `python -m watch.push`."""
from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """tests/pushservice.py in its own process, driven through its /_control/ API."""

    def __init__(self, retry_after: float = 0, *, tls: bool = False, delay: float = 0.0, decrypt_every: int = 1):
        args = [sys.executable, str(ROOT / "tests" / "pushservice.py"), "--port", "0", "--retry-after", str(retry_after),
                "--delay", str(delay), "--decrypt-every", str(decrypt_every)]
        self.ca_file: str | None = None
        self._ssl: ssl.SSLContext | None = None
        if tls:
            fd, self.ca_file = tempfile.mkstemp(prefix="watch-test-ca-", suffix=".pem")
            os.close(fd)
            args += ["--tls-ca-file", self.ca_file]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.origin = self.proc.stdout.readline().strip()
        if not self.origin.startswith(("http://", "https://")):
            self.stop()
            raise RuntimeError("push service did not start")
        if tls:
            self._ssl = ssl.create_default_context(cafile=self.ca_file)
        self.hostport = self.origin.split("://", 1)[1]

    def control(self, action: str, body: dict | None = None, query: str = ""):
        """POST to /_control/<action>; returns the JSON answer."""
        data = json.dumps(body or {}).encode()
        req = urllib.request.Request(f"{self.origin}/_control/{action}{query}", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30, context=self._ssl) as response:
            return json.loads(response.read())

    def subscriptions(self, n: int) -> list[dict]:
        """n new browser-shaped subscriptions."""
        return self.control("subscriptions", query=f"?n={n}")

    def stats(self) -> dict:
        """Received per subscription, attempts, rejections."""
        with urllib.request.urlopen(f"{self.origin}/_control/stats", timeout=30, context=self._ssl) as response:
            return json.loads(response.read())

    def received_times(self, sub_id: str) -> list[float]:
        """time.time() of each accepted push for one subscription."""
        with urllib.request.urlopen(f"{self.origin}/_control/received?sub_id={sub_id}", timeout=30,
                                    context=self._ssl) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        """SIGTERM, then wait."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.ca_file and os.path.exists(self.ca_file):
            os.unlink(self.ca_file)


def worker_env(database_url: str, instance_path: str, hostport: str, *, ca_file: str | None = None, **settings) -> dict:
    """The environment of a `python -m watch.push` worker process on the test database.

    ca_file: the test push service's throw-away CA (ServiceProcess(tls=True).ca_file), the
    only CA the worker then trusts for it, as PUSH_TEST_CA_FILE does for the in-process tests.
    """
    env = dict(os.environ)
    env.update({
        "WATCH_ENV": "testing",
        "WATCH_DATABASE_URL": database_url,
        "WATCH_SECRET_KEY": "test-secret-key-that-is-long-enough-123",
        "WATCH_INSTANCE_PATH": instance_path,  # the same generated VAPID key as the test app
        "WATCH_PUSH_ALLOW_INSECURE_HOSTS": json.dumps([hostport]),
        "WATCH_PUSH_WORKER_INPROCESS": "false",
        "WATCH_VAPID_SUBJECT": "mailto:trygghet@nykoping.se",
    })
    env.pop("WATCH_PUSH_TEST_CA_FILE", None)
    if ca_file:
        env["WATCH_PUSH_TEST_CA_FILE"] = ca_file
    env.update({f"WATCH_{k}": v if isinstance(v, str) else json.dumps(v) for k, v in settings.items()})
    return env


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    """One push-worker process, logging to a file."""
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "watch.push"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
