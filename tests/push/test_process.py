"""The worker process: `python -m watch.push` stops cleanly on SIGTERM from its first instant."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.push.procs import start_worker, worker_env

SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def sigterm_blocked(pid: int) -> bool:
    """Whether the process has SIGTERM in its blocked mask (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & SIGTERM_BIT)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc to see the signal mask")
@pytest.mark.parametrize("when", ["start-up", "running"])
def test_sigterm_during_start_up_or_work_exits_cleanly(app, database_url, tmp_path, when):
    log = tmp_path / "worker.log"
    env = worker_env(database_url, app.instance_path, "127.0.0.1:9", PUSH_POLL_SECONDS=0.2, PUSH_POLL_SECONDS_SQLITE=0.2)
    proc = start_worker(env, log)
    try:
        # Wait on the process's own state, not on time: first the blocked mask (the first
        # statement of watch.push.__main__, before the app is built) ...
        while proc.poll() is None and not sigterm_blocked(proc.pid):
            time.sleep(0.001)  # polling the state, not waiting a guessed time
        if when == "running":
            # ... or its "started" line, once the loop runs.
            while proc.poll() is None and "started" not in log.read_text(errors="replace"):
                time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    assert code == 0, log.read_text(errors="replace")
