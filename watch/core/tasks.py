"""Periodic work in one place: domains register tasks, the worker loop and `flask tick` run them.

A task is a plain function taking the app; it must be idempotent, because any
number of workers (and a cron `flask --app watch tick`) may run it. GET
requests never do periodic work.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

log = logging.getLogger(__name__)
EXT = "watch.core.tasks"


@dataclass
class Task:
    """A named function run at most every `every` seconds per process."""

    name: str
    every: float
    fn: Callable[[Flask], object]
    next_at: float = field(default=0.0)


def register(app: Flask, name: str, every: float, fn: Callable[[Flask], object]) -> None:
    """Add (or replace) a periodic task; `every` is in seconds."""
    app.extensions.setdefault(EXT, {})[name] = Task(name, float(every), fn)


def tasks(app: Flask) -> list[Task]:
    """The app's registered tasks, in registration order."""
    return list(app.extensions.get(EXT, {}).values())


def run_due(app: Flask, *, now: float | None = None) -> list[str]:
    """Run every task whose interval has passed in this process; a failing task is logged, not raised."""
    now = time.monotonic() if now is None else now
    ran = []
    for task in tasks(app):
        if now < task.next_at:
            continue
        task.next_at = now + task.every
        _run(app, task)
        ran.append(task.name)
    return ran


def run_all(app: Flask, only: str | None = None) -> list[str]:
    """Run every task (or the one named) once, now; for cron and tests."""
    ran = []
    for task in tasks(app):
        if only and task.name != only:
            continue
        _run(app, task)
        ran.append(task.name)
    return ran


def _run(app: Flask, task: Task) -> None:
    try:
        with app.app_context():
            task.fn(app)
    except Exception:
        log.exception("periodic task %s failed; it runs again at its next interval", task.name)


@click.command("tick")
@click.option("--only", default=None, help="Run only the task with this name.")
@with_appcontext
def tick(only: str | None) -> None:
    """Run the periodic tasks once (expiry, retention, escalation, mail...): for cron."""
    for name in run_all(current_app._get_current_object(), only):
        click.echo(f"ran {name}")


def init_app(app: Flask) -> None:
    """Register the `flask tick` command."""
    app.cli.add_command(tick)
