"""What the public sees: the scope's outline as SVG, the link to the EST picture, 'last updated',
the Atom feed's entries and what happened in a half-year."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import request, url_for
from flask_babel import gettext as _
from sqlmodel import Session, select

from watch.est.picture import snapshots
from watch.core.time import TZ, aware
from watch.promises.models import ProgressEntry, Promise, PromiseActivity, PromiseRevision, PromiseSignatory
from watch.promises.revisions import FIELD_LABELS


def scope_svg(scope: str | None, width: int = 320, height: int = 220, pad: int = 10) -> dict | None:
    """{viewbox, path} of the scope polygon in a simple local projection, or None."""
    if not scope:
        return None
    rings = json.loads(scope)["coordinates"]
    lons = [p[0] for r in rings for p in r]
    lats = [p[1] for r in rings for p in r]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    w, h = (max(lons) - min(lons)) * k or 1e-9, (max(lats) - min(lats)) or 1e-9
    scale = min((width - 2 * pad) / w, (height - 2 * pad) / h)
    ox, oy = (width - w * scale) / 2, (height - h * scale) / 2

    def xy(p):
        return f"{ox + (p[0] - min(lons)) * k * scale:.1f},{oy + (max(lats) - p[1]) * scale:.1f}"

    path = " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in rings)
    return {"viewbox": f"0 0 {width} {height}", "path": path}


def est_link(session: Session, promise: Promise) -> dict | None:
    """{label, url} of the EST picture the promise builds on (url only when the municipality publishes it)."""
    key = promise.est_week_key
    if key is None:
        return None
    year, week = key // 100, key % 100
    label = _("Lägesbild v.%(w)s", w=f"{week:02d}") + f" {year}"
    url = url_for("est_public.public", municipality=promise.municipality, year=year, week=week) \
        if snapshots.is_published(session, promise.municipality, key) else None
    return {"label": label, "url": url}


def last_updated(session: Session, promise: Promise) -> datetime:
    """When the promise, its revisions or its progress last changed."""
    times = [promise.updated_at]
    latest = session.exec(select(ProgressEntry.created_at).join(PromiseActivity, PromiseActivity.id == ProgressEntry.activity_id)
                          .where(PromiseActivity.promise_id == promise.id).order_by(ProgressEntry.created_at.desc())).first()
    if latest is not None:
        times.append(latest)
    return max(aware(t) for t in times)


@dataclass
class Happening:
    """A progress entry with its activity, for the report and the feed."""

    entry: ProgressEntry
    activity: PromiseActivity


def entries_between(session: Session, promise: Promise, start: date, end: date) -> list[Happening]:
    """Progress entries dated in [start, end], oldest first."""
    rows = session.exec(select(ProgressEntry, PromiseActivity).join(PromiseActivity, PromiseActivity.id == ProgressEntry.activity_id)
                        .where(PromiseActivity.promise_id == promise.id, ProgressEntry.entry_on >= start, ProgressEntry.entry_on <= end)
                        .order_by(ProgressEntry.entry_on, ProgressEntry.id))
    return [Happening(e, a) for e, a in rows]


def change_label(what: str) -> str:
    """A revision change's 'what', for people."""
    if what in FIELD_LABELS:
        return str(FIELD_LABELS[what])
    labels = {"activity_added": _("New activity"), "activity_description": _("Activity"), "activity_indicator_label": _("What is counted"),
              "activity_target": _("Target"), "activity_due_on": _("Due date"), "activity_organisation_id": _("Responsible party"),
              "activity_indicator": _("Indicator")}
    return labels.get(what, what)


def _tag(kind: str, ident: int, when: date) -> str:
    host = (request.host or "localhost").split(":")[0]
    return f"tag:{host},{when.isoformat()}:promises/{kind}/{ident}"


def atom_data(session: Session, municipality: str, promises: list[Promise], limit: int = 50) -> dict:
    """{updated, entries: [{id, title, updated, link, content}]} newest first."""
    items = []
    for p in promises:
        page = url_for("promises_public.promise_page", municipality=municipality, promise_id=p.id, _external=True)
        signed = [s.signed_on for s in session.exec(select(PromiseSignatory).where(PromiseSignatory.promise_id == p.id)) if s.signed_on]
        when = datetime.combine(max(signed), time(12), TZ) if signed else aware(p.created_at)
        items.append({"id": _tag("promise", p.id, p.period_start), "title": _("Citizens' promise signed: %(t)s", t=p.title),
                      "updated": when, "link": page,
                      "content": _("%(t)s, %(a)s – %(b)s.", t=p.title, a=p.period_start.isoformat(), b=p.period_end.isoformat())})
        for r in session.exec(select(PromiseRevision).where(PromiseRevision.promise_id == p.id)):
            changes = "; ".join(f"{change_label(c['what'])}: {c.get('before') or '—'} → {c.get('after') or '—'}" for c in json.loads(r.changes))
            items.append({"id": _tag("revision", r.id, r.revised_on),
                          "title": _("%(t)s revised %(m)s (version %(v)s)", t=p.title, m=r.revised_on.strftime("%Y-%m"), v=r.version),
                          "updated": aware(r.created_at), "link": page, "content": (r.note + " " if r.note else "") + changes})
        for h in entries_between(session, p, p.period_start, p.period_end):
            e = h.entry
            text = e.text or (_("Photo") if e.photo else e.link or "")
            if e.amount is not None:
                text = _("+%(n)s. ", n=e.amount) + text
            items.append({"id": _tag("progress", e.id, e.entry_on), "title": f"{h.activity.description} ({e.entry_on.isoformat()})",
                          "updated": aware(e.created_at), "link": e.link or page, "content": text})
    items.sort(key=lambda i: i["updated"], reverse=True)
    items = items[:limit]
    updated = items[0]["updated"] if items else max(aware(p.updated_at) for p in promises)
    return {"updated": updated, "entries": items, "feed_title": _("Citizens' promises in %(m)s", m=municipality),
            "feed_subtitle": _("Signings, revisions and progress of the promises of the municipality and the police."),
            "feed_author": _("%(m)s and the police", m=municipality)}
