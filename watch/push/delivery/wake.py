"""Waking the push workers once a transaction that wrote work commits (no worker import: no cycles)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event, text
from sqlmodel import Session

CHANNEL = "watch_push"
EXT = "watch.push"


def announce(session: Session) -> None:
    """Wake workers once this transaction commits: NOTIFY on PostgreSQL, an Event in this process."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Delivered on commit, to every listening worker on every machine; dropped on rollback.
        session.execute(text(f"NOTIFY {CHANNEL}"))
    state = current_app.extensions.get(EXT)
    if state is None or session.info.get("watch_push_wake"):
        return
    session.info["watch_push_wake"] = True

    def _after_commit(sess):
        sess.info.pop("watch_push_wake", None)
        state.wake.set()

    def _after_rollback(sess, *_):
        sess.info.pop("watch_push_wake", None)

    event.listen(session, "after_commit", _after_commit, once=True)
    event.listen(session, "after_soft_rollback", _after_rollback, once=True)
