"""`make bench-smoke`: every benchmark at its smoke size, one after another, stopping at the first that fails.

A script fails when it exits non-zero, runs past its time limit, or does not print its figures (the lines
below, each at least as often as asked). Timings are never checked: a loaded machine makes them noise.

    .venv/bin/python bench/benchkit/smoke.py [SCRIPT ...]    # e.g. push_fanout.py to run one
"""
from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

from benchkit import PG_URL, postgres_reachable

LIMIT = 300  # seconds per script: a hang fails the run instead of stalling CI
NUMBER = r"[\d,.]+"


def figures(pg: bool) -> list[tuple[str, list[str], list[tuple[str, int]]]]:
    """(script, extra arguments, [(figure line pattern, how many times at least)]) for each run."""
    dbs = 2 if pg else 1
    est = [line for label in ["SQLite", "PostgreSQL"][:dbs] for line in (
        rf"^\[{label}\] picture page .* p50 +{NUMBER} ms +p95 +{NUMBER} ms",
        rf"^\[{label}\] picture \(compute only\) .* p95", rf"^\[{label}\] naive picture \(per-row ORM\) .* slower",
        rf"^\[{label}\] freeze one week .* p95", rf"^\[{label}\] naive freeze .* p95",
        rf"^\[{label}\] yearly export 2025 \({NUMBER} rows\), streamed CSV .* p95", rf"^\[{label}\] naive yearly export .* p95",
        rf"^\[{label}\] all {NUMBER} rows, streamed: {NUMBER} s, peak RSS {NUMBER} MB",
        rf"^\[{label}\] all {NUMBER} rows, naive +: {NUMBER} s, peak RSS {NUMBER} MB")]
    post = [rf"^{label} \(load average" for label in ["SQLite", "PostgreSQL"][:dbs]]
    return [
        ("alert_post.py", [], [(p, 1) for p in post] + [
            (rf"^ +{NUMBER} \| +{NUMBER} +{NUMBER} \| +{NUMBER} +{NUMBER} \| +{NUMBER} ms$", 2 * dbs),
            (r"^  the line: ", dbs)]),
        ("alerts_viewport.py", [], [(r"^SQLite: built", 1), (r"^PostgreSQL: built", dbs - 1), (
            (rf"^  (admin|member) +(query|endpoint|frozen) +\(~{NUMBER} rows\): p50 +{NUMBER} ms, p95 +{NUMBER} ms, "
             rf"full GCs \d+ \| without indexes p50 +{NUMBER} ms, p95 +{NUMBER} ms, full GCs \d+ \| p95 ratio x"), 6 * dbs)]),
        ("areas_lookup.py", [], [(p, 1) for p in (
            r"^index: AreaIndex.containing \(STRtree\) +p50", r"^naive: shapely.intersects_xy over all +p50",
            r"^naive: Python loop over all polygons +p50", r"^index vs vectorised naive scan .* naive/this p50",
            r"^index vs Python-loop naive scan .* naive/this p50", r"^target p99 < 1 ms: (MET|NOT MET)",
            r"^index build from the database", r"^areas_containing\(session, …\) SQLite +p50",
            r"^areas_containing\(…, buffer_m=200\) SQLite +p50", r"^areas_containing, hits only +p50")]),
        ("est_picture.py", [], [(p, 1) for p in est]),
        ("page_weight.py", [], [(p, 1) for p in (
            rf"^  first load \(no service worker, tiles excluded\): {NUMBER} KB in \d+ requests",
            rf"^    without gzip {NUMBER} KB", rf"^  login \+ worker install \(precache\) \+ map load: {NUMBER} KB",
            r"^  repeat visit: \d+ network requests, \d+ of them for the app shell")]),
        ("push_client_choice.py", [], [(rf"^aiohttp \(HTTP/1.1\) .* {NUMBER} req/s, client CPU {NUMBER} us/request", 1),
                                       (rf"^httpx \+ h2 .* {NUMBER} req/s, client CPU {NUMBER} us/request", 1)]),
        ("push_crypto.py", [], [(p, 1) for p in (
            rf"^encrypt_payload only: +{NUMBER} msg/s", rf"^PushSender.send_many .* {NUMBER} msg/s",
            rf"^pywebpush.webpush loop .* {NUMBER} msg/s", rf"^speed-up over baseline: +{NUMBER}x")]),
        ("push_fanout.py", [], [(p, 1) for p in (
            rf"^POST /api/v1/alerts p95: {NUMBER} ms with 100 devices", r"^  of which the deliveries written in the POST: p95",
            rf"^end to end: .* {NUMBER} messages/s", rf"^  CPU per message: app \+ worker {NUMBER} ms",
            rf"^encryption only \(one thread\): {NUMBER} messages/s", rf"^naive pywebpush loop: {NUMBER} messages/s",
            rf"^speed-up over the naive loop: {NUMBER}x", rf"^PushSender.send_many alone: {NUMBER} messages/s")]),
        ("push_fanout.py", ["--realistic"], [(p, 1) for p in (
            r"^POST answered in \d+ ms", rf"^all {NUMBER} pushes accepted {NUMBER} s after the POST started",
            r"^police contact's push accepted -?\d+ ms after the POST answered", rf"^worker CPU per message: {NUMBER} ms",
            rf"^baseline, 32 in flight per service.* {NUMBER} pushes accepted", rf"^naive pywebpush loop: {NUMBER} messages/s")]),
    ]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(script: str, extra: list[str], wanted: list[tuple[str, int]]) -> tuple[float, float, str | None]:
    """(wall s, CPU s, why it failed or None) of one script at smoke size; its output goes to ours as it comes."""
    command = [sys.executable, str(BENCH / script), "--smoke", *extra]
    print(f"== {' '.join(['bench/' + script, '--smoke', *extra])}", flush=True)
    cpu, start = children_cpu(), time.perf_counter()
    # A session of its own: a hang is ended with every process it started (push services, browsers).
    # This checkout's watch/ and tests/ for every process, whatever an installed copy points to.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH.parent), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(command, cwd=BENCH.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    hung = threading.Event()

    def stop() -> None:
        hung.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended meanwhile
            pass

    watchdog = threading.Timer(LIMIT, stop)
    watchdog.start()
    out = []
    try:
        for line in proc.stdout:
            print(line, end="", flush=True)
            out.append(line)
        proc.wait()
    finally:  # also on Ctrl-C: its own session does not get the terminal's signal
        watchdog.cancel()
        if proc.poll() is None:
            stop()
            proc.wait()
    if hung.is_set():
        return time.perf_counter() - start, children_cpu() - cpu, f"still running after {LIMIT} s"
    wall, used = time.perf_counter() - start, children_cpu() - cpu
    if proc.returncode:
        return wall, used, f"exit status {proc.returncode}"
    text = "".join(out)
    missing = [f"{pattern!r} (printed {n}, want {times})" for pattern, times in wanted
               if (n := len(re.findall(pattern, text, re.MULTILINE))) < times]
    return wall, used, ("figures missing: " + "; ".join(missing)) if missing else None


def main() -> int:
    only = sys.argv[1:]
    pg = postgres_reachable()
    load = os.getloadavg()[0]
    print(f"bench-smoke: PostgreSQL {'at ' + PG_URL if pg else 'not reachable: SQLite only'}; load average {load:.1f}",
          flush=True)
    done, started = [], time.perf_counter()
    for script, extra, wanted in figures(pg):
        if only and script not in only:
            continue
        wall, cpu, failure = run(script, extra, wanted)
        done.append((" ".join([script, *extra]), wall, cpu))
        if failure:
            print(f"bench-smoke: FAILED bench/{script} {' '.join(extra)}: {failure}", flush=True)
            return 1
    total = time.perf_counter() - started
    print(f"\nbench-smoke: {len(done)} runs passed in {total:.0f} s (load average {load:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end)")
    for name, wall, cpu in done:
        print(f"  {name:<28} {wall:6.1f} s wall  {cpu:6.1f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
