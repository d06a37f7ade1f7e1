"""`python -m watch.push`: one push delivery worker process (any number may run, on any machine).

SIGTERM and SIGINT are blocked before anything else is imported, so a signal
that arrives while the app is still being built waits, and the worker then
stops cleanly (exit 0) instead of dying half-started.
"""
import signal

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})

from watch.push.delivery.run import main  # noqa: E402  (after the signals are blocked)

raise SystemExit(main())
