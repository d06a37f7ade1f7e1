"""Delivery workers: claim due deliveries under a lease, send them, record each device's outcome.

Any number of workers share the table: on PostgreSQL the claim skips rows other
workers hold (FOR UPDATE SKIP LOCKED); on SQLite a single in-process worker does
the work. A claim is a short lease, renewed while the batch is on the wire (a
heartbeat): if a worker dies, its one batch becomes claimable again once
claimed_until has passed. Police deliveries are claimed first. Workers wake on NOTIFY (PostgreSQL) or an Event
set after commit (this process), and poll as a fallback.
"""
from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from watch.core import tasks
from watch.core.db import engine as db_engine
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.push.delivery import fanout
from watch.push.delivery.batches import Job, claim, load_jobs, outcome, record
from watch.push.delivery.wake import CHANNEL, EXT
from watch.push.metrics import metrics
from watch.push.models import OPEN_STATUSES, SENT, Delivery, FanoutJob
from watch.push.retry import SendResult
from watch.push.webpush.sender import PushSender
from watch.push.webpush.vapid import VapidSigner

log = logging.getLogger(__name__)


@dataclass
class PushState:
    """Per-app push state: the VAPID key, the wake-up event, the in-process worker."""

    vapid: object
    wake: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    worker: "Worker | None" = None
    thread: threading.Thread | None = None
    pid: int | None = None


def state(app: Flask) -> PushState:
    """The app's push state."""
    return app.extensions[EXT]


def make_sender(app: Flask) -> PushSender:
    """A PushSender configured from the app's settings."""
    cfg = app.config
    vapid = state(app).vapid
    histogram = metrics(app).send_seconds
    return PushSender(
        VapidSigner(vapid.private_key, vapid.subject),
        max_connections=int(cfg["PUSH_CONNECTIONS"]),
        per_host_concurrency=int(cfg["PUSH_PER_HOST_CONCURRENCY"]),
        timeout=float(cfg["PUSH_TIMEOUT_SECONDS"]),
        allow_insecure_hosts=cfg.get("PUSH_ALLOW_INSECURE_HOSTS") or (),
        breaker_threshold=int(cfg["PUSH_BREAKER_FAILURES"]),
        breaker_cooldown=float(cfg["PUSH_BREAKER_COOLDOWN_SECONDS"]),
        breaker_max_cooldown=float(cfg["PUSH_BREAKER_MAX_COOLDOWN_SECONDS"]),
        observe=lambda host, seconds: histogram.labels(host).observe(seconds),
        proxy=cfg.get("PUSH_PROXY") or None,
        ca_file=cfg.get("PUSH_TEST_CA_FILE") or None,
    )


def is_postgres(app: Flask) -> bool:
    """Whether the app's database is PostgreSQL."""
    return db_engine(app).dialect.name == "postgresql"


class Worker:
    """Claims, sends and records deliveries, expands fan-out jobs; runs the app's periodic tasks in a thread of its own."""

    _numbers = itertools.count(1)
    TICK_SECONDS = 0.25  # how often the tasks thread looks for due tasks

    def __init__(self, app: Flask, *, name: str | None = None, sender: PushSender | None = None) -> None:
        self.app = app
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{next(self._numbers)}"
        self._own_sender = sender is None
        self.sender = sender or make_sender(app)
        self.stopping = threading.Event()
        self.idle = threading.Event()  # set while the loop waits for work (tests wait on it)
        self._batches = itertools.count(1)
        self._listen = None
        self._pipeline = ThreadPoolExecutor(max_workers=1, thread_name_prefix="push-send")
        self._job: tuple[int, str] | None = None  # the fan-out job this worker is expanding, and its lease token
        self.sent = 0
        self.expanded = 0

    # -- one batch --------------------------------------------------------------
    def run_once(self, limit: int | None = None) -> int:
        """Claim one batch, send it and record the outcomes; returns how many deliveries it handled."""
        batch = self._take(limit)
        if batch is None:
            return 0
        self._finish(*batch, self._send_leased(*batch))
        return len(batch[1])

    def pump(self, *, periodic: bool = False) -> int:
        """Work while there is work (with periodic, also run due watch.core.tasks between batches).

        Only the batch on the wire is claimed, and its lease is renewed while it is sent, so a
        killed worker strands at most one batch, for one short lease. While a batch is on the
        wire, the next chunk of a fan-out job is written beside it, so the expansion of a large
        alert never holds back the sending (nor the sending the expansion).
        """
        handled = 0
        while not self.stopping.is_set():
            # Sending first: the queue is claimed highest priority first, and the police
            # contacts' deliveries are written with the alert, so they never wait for an expansion.
            batch = self._take()
            if batch is None:
                expanded = self.expand_once()
                if expanded is None:
                    break
                handled += expanded
            else:
                token, jobs = batch
                future = self._pipeline.submit(self._send, jobs)
                try:
                    handled += self.expand_once() or 0
                finally:
                    self._finish(token, jobs, self._wait_leased(token, future))
                handled += len(jobs)
            if periodic:
                tasks.run_due(self.app)
        return handled

    # -- fan-out jobs -----------------------------------------------------------
    def expand_once(self) -> int | None:
        """Write one chunk of a fan-out job (claiming one if this worker holds none); returns the
        deliveries written, or None if there was no job to expand."""
        cfg = self.app.config
        lease = float(cfg["PUSH_LEASE_SECONDS"])
        with session_scope(self.app) as session:
            if self._job is None:
                token = f"{self.name}:job{next(self._batches)}"
                job_id = fanout.claim_job(session, token, lease_seconds=lease, postgres=is_postgres(self.app))
                session.commit()
                if job_id is None:
                    return None
                self._job = (job_id, token)
            job_id, token = self._job
            try:
                written, done = fanout.expand_step(session, job_id, token, chunk=int(cfg["PUSH_FANOUT_CHUNK"]),
                                                   lease_seconds=lease)
                session.commit()
            except Exception:
                session.rollback()
                self._job = None  # the lease runs out; this or another worker takes the job again
                raise
        if done:
            self._job = None
        self.expanded += written
        return written

    def _take(self, limit: int | None = None) -> tuple[str, list[Job]] | None:
        cfg = self.app.config
        token = f"{self.name}:{next(self._batches)}"
        with session_scope(self.app) as session:
            n = claim(session, token, limit=limit or int(cfg["PUSH_BATCH_SIZE"]),
                      lease_seconds=float(cfg["PUSH_LEASE_SECONDS"]), postgres=is_postgres(self.app))
            if not n:
                return None
            return token, load_jobs(session, token)

    def _send_leased(self, token: str, jobs: list[Job]) -> list[SendResult | None]:
        """Send a batch, renewing its lease while it is on the wire."""
        return self._wait_leased(token, self._pipeline.submit(self._send, jobs))

    def _wait_leased(self, token: str, future) -> list[SendResult | None]:
        """Wait for a batch on the wire; every third of the lease, renew it (the heartbeat)."""
        lease = float(self.app.config["PUSH_LEASE_SECONDS"])
        while True:
            try:
                return future.result(timeout=lease / 3)
            except FutureTimeout:
                self.renew(token, lease)

    def renew(self, token: str, lease: float) -> int:
        """Extend the lease of the deliveries this worker holds under token; returns how many."""
        t = Delivery.__table__
        with session_scope(self.app) as session:
            until = utcnow() + timedelta(seconds=lease)
            result = session.execute(update(t).where(t.c.claimed_by == token).values(claimed_until=until))
            if self._job is not None:  # the fan-out job this worker holds between chunks
                j = FanoutJob.__table__
                session.execute(update(j).where(j.c.id == self._job[0], j.c.claimed_by == self._job[1])
                                .values(claimed_until=until))
            session.commit()
            return max(result.rowcount or 0, 0)

    def _send(self, jobs: list[Job]) -> list[SendResult | None]:
        to_send = [j.message for j in jobs if j.message is not None]
        results = iter(self.sender.send_many(to_send))
        return [next(results) if j.message is not None else None for j in jobs]

    def _finish(self, token: str, jobs: list[Job], results: list[SendResult | None]) -> None:
        cfg = self.app.config
        now = utcnow()
        rows, gone, sent = [], set(), set()
        for job, result in zip(jobs, results):
            if result is None:
                rows.append({"b_id": job.id, "subscription_id": job.subscription_id, "status": job.skip_status,
                             "attempts": job.attempts, "next_attempt_at": now, "last_status": None,
                             "reason": job.skip_reason, "sent_at": None, "shrunk": job.shrunk})
                continue
            row = outcome(job, result, now=now, base=float(cfg["PUSH_BACKOFF_BASE_SECONDS"]),
                          cap=float(cfg["PUSH_BACKOFF_CAP_SECONDS"]), floor=float(cfg["PUSH_BACKOFF_FLOOR_SECONDS"]))
            rows.append(row)
            if result.status == "gone" and job.subscription_id is not None:
                gone.add(job.subscription_id)
            elif row["status"] == SENT and job.subscription_id is not None:
                sent.add(job.subscription_id)
        with session_scope(self.app) as session:
            record(session, token, rows, gone_subscriptions=gone, sent_subscriptions=sent, now=now)
        self.sent += len(sent)

    def drain(self, timeout: float = 10.0) -> int:
        """Work until no open delivery is left (retries included) or the timeout passes; for tests and CLI."""
        handled, deadline = 0, time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = self.pump()
            handled += n
            if n:
                continue
            with session_scope(self.app) as session:
                left = session.execute(select(func.count()).select_from(Delivery)
                                       .where(Delivery.status.in_(OPEN_STATUSES))).scalar_one()
                left += fanout.open_jobs(session)
            if not left:
                break
            time.sleep(0.02)
        return handled

    # -- the loop ---------------------------------------------------------------
    def run(self) -> None:
        """Work until stop(): batches while there is work, else wait for a wake-up or the poll interval."""
        log.info("push worker %s started", self.name)
        # Periodic work of every domain (escalation, purges, expiry, mail...: watch.core.tasks) runs in
        # a thread of its own, so a slow task (a mail digest to a thousand members) never holds
        # back a police contact's push or a fan-out job's expansion.
        ticker = threading.Thread(target=self._tick, name="push-tasks", daemon=True)
        ticker.start()
        try:
            while not self.stopping.is_set():
                try:
                    busy = self.pump()
                except Exception:
                    log.exception("push worker %s: batch failed; retrying shortly", self.name)
                    self.stopping.wait(1.0)
                    continue
                if not busy:
                    self._wait()
        finally:
            self.stopping.set()
            ticker.join(10)  # a task cut short runs again: tasks are idempotent
            self.close()
            log.info("push worker %s stopped", self.name)

    def _tick(self) -> None:
        with self.app.app_context():
            while not self.stopping.is_set():
                try:
                    tasks.run_due(self.app)
                except Exception:
                    log.exception("push worker %s: periodic tasks failed", self.name)
                self.stopping.wait(self.TICK_SECONDS)

    def stop(self) -> None:
        """Finish the current batch, then return from run()."""
        self.stopping.set()
        state(self.app).wake.set()

    def close(self) -> None:
        """Release the LISTEN connection and, if it is ours, the sender."""
        if self._listen is not None:
            try:
                self._listen.close()
            except Exception:
                pass
            self._listen = None
        self._pipeline.shutdown(wait=True)
        if self._own_sender:
            self.sender.close()

    def _listener(self):
        if self._listen is None and is_postgres(self.app):
            import psycopg

            url = db_engine(self.app).url.set(drivername="postgresql")
            try:
                self._listen = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
                self._listen.execute(f"LISTEN {CHANNEL}")
            except psycopg.Error:
                log.warning("push worker %s: cannot LISTEN; polling only", self.name, exc_info=True)
                self._listen = None
        return self._listen

    def _wait(self) -> None:
        self.idle.set()
        try:
            self._wait_for_work()
        finally:
            self.idle.clear()

    def _wait_for_work(self) -> None:
        cfg = self.app.config
        wake = state(self.app).wake
        conn = self._listener()
        if conn is None:
            wake.wait(float(cfg["PUSH_POLL_SECONDS_SQLITE"] if not is_postgres(self.app) else cfg["PUSH_POLL_SECONDS"]))
            wake.clear()
            return
        deadline = time.monotonic() + float(cfg["PUSH_POLL_SECONDS"])
        try:
            # Short slices so stop() is honoured promptly.
            while not self.stopping.is_set() and not wake.is_set() and time.monotonic() < deadline:
                if any(True for _ in conn.notifies(timeout=0.25, stop_after=1)):
                    break
        except Exception:
            log.warning("push worker %s: LISTEN connection lost", self.name, exc_info=True)
            self._listen = None
        wake.clear()


def ensure_inprocess_worker(app: Flask) -> None:
    """Start this process's worker thread once (PUSH_WORKER_INPROCESS), also after a fork."""
    if not app.config.get("PUSH_WORKER_INPROCESS"):
        return
    st = state(app)
    if st.thread is not None and st.thread.is_alive() and st.pid == os.getpid():
        return
    with st.lock:
        if st.thread is not None and st.thread.is_alive() and st.pid == os.getpid():
            return
        worker = Worker(app)

        def run():
            with app.app_context():
                worker.run()

        st.worker, st.pid = worker, os.getpid()
        st.thread = threading.Thread(target=run, name="push-worker", daemon=True)
        st.thread.start()


def stop_inprocess_worker(app: Flask, timeout: float = 5.0) -> None:
    """Stop this process's worker thread, if any."""
    st = state(app)
    if st.worker is not None:
        st.worker.stop()
    if st.thread is not None:
        st.thread.join(timeout)
    st.worker = st.thread = None
