"""The one place a push worker process is started: `python -m watch.push` and `flask push-worker`.

The caller blocks SIGTERM/SIGINT first (threads inherit the mask); the worker loop
runs in a thread while the main thread waits for the signal with sigwait, so a
signal at any moment, even during start-up, ends in a clean stop: the batch in
hand is sent and recorded, unsent claims are handed back, exit status 0.
"""
from __future__ import annotations

import argparse
import gc
import logging
import signal
import threading

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
# The app's modules (the worker, the metrics, create_app) are imported inside the functions, not above:
# this module is what `python -m watch.push` loads first, and it stays stdlib-only until the signals are set.


def serve(app, *, once: bool = False, timeout: float = 60.0) -> int:
    """Run one worker until SIGTERM/SIGINT (or, with once, until nothing is left); returns the exit status."""
    from watch.push.delivery.worker import Worker

    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    worker = Worker(app)
    if once:
        try:
            n = worker.drain(timeout)
        finally:
            worker.close()
        print(f"handled {n} deliveries")
        return 0
    # The app's start-up objects live as long as the process: keep them out of
    # every full collection, which otherwise stalls sending (docs/PERFORMANCE.md).
    gc.collect()
    gc.freeze()
    port = int(app.config.get("PUSH_METRICS_PORT") or 0)
    if port:
        # This worker's send latencies (and the shared queue figures) for Prometheus; bind to a
        # private address (PUSH_METRICS_BIND), as the web app's /metrics is address-restricted.
        from prometheus_client import start_http_server

        from watch.push.metrics import metrics

        start_http_server(port, addr=str(app.config["PUSH_METRICS_BIND"]), registry=metrics(app).registry)

    def loop():
        with app.app_context():
            worker.run()

    thread = threading.Thread(target=loop, name="push-worker")
    thread.start()
    waiter = threading.Thread(target=_wait_for_signal, args=(worker, thread), name="push-signals", daemon=True)
    waiter.start()
    thread.join()
    return 0


def _wait_for_signal(worker, thread: threading.Thread) -> None:
    # A worker that stopped on its own (stop() from code) leaves this daemon thread waiting; harmless.
    signal.sigwait(STOP_SIGNALS)
    logging.getLogger(__name__).info("push worker %s: stop signal; finishing the batch in hand", worker.name)
    worker.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m watch.push`; the signals must already be blocked."""
    parser = argparse.ArgumentParser(prog="python -m watch.push", description="Run a push delivery worker.")
    parser.add_argument("--once", action="store_true", help="Send what is due (retries included) and exit.")
    parser.add_argument("--timeout", type=float, default=60.0, help="With --once: give up after this many seconds.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from watch import create_app

    app = create_app()
    return serve(app, once=args.once, timeout=args.timeout)
