"""Gunicorn settings for production: gunicorn -c config/gunicorn.conf.py "watch:create_app()"."""
import multiprocessing
import os

bind = os.environ.get("WATCH_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WATCH_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Push delivery runs in its own processes in production: python -m watch.push
raw_env = ["WATCH_PUSH_WORKER_INPROCESS=false"]


def post_worker_init(worker):
    """Move the app's start-up objects out of the collector's sight.

    The app holds ~150,000 long-lived objects after create_app(); without this,
    every full collection walks them all (100+ ms), which showed as the p95 of
    the alerts map endpoint (docs/PERFORMANCE.md).
    """
    import gc

    gc.collect()
    gc.freeze()
