"""The spatial index of active areas: an STRtree cached per app and process.

The index is rebuilt when areas change. In this process a commit that touched
an `Area` marks it stale at once; other processes (gunicorn workers, other
machines on PostgreSQL) bump the one-row `area_index_state` counter in the same
transaction, which every process reads at most every AREA_INDEX_CHECK_SECONDS.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession

from watch.areas.geometry.polygons import EARTH_RADIUS_M, local_xy
from watch.areas.models import Area, AreaIndexState, AreaStatus
from watch.core.db import engine

log = logging.getLogger(__name__)
EXT = "watch.areas.index"
_generation = 0  # bumped in this process by every commit that changed an Area
_gen_lock = threading.Lock()
M_PER_DEG = math.radians(1) * EARTH_RADIUS_M


class AreaIndex:
    """Active areas in an STRtree; answers which contain (or lie near) a point."""

    def __init__(self, ids, geoms):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.geoms = np.asarray(geoms, dtype=object)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)

    @classmethod
    def from_rows(cls, rows) -> "AreaIndex":
        """Build from (id, GeoJSON text) pairs."""
        rows = list(rows)
        try:
            geoms = list(shapely.from_geojson([g for _, g in rows])) if rows else []
        except shapely.errors.GEOSException:
            # One bad row (written around the service) must not hide every other area.
            geoms = [_parse_one(i, g) for i, g in rows]
        keep = [k for k, g in enumerate(geoms) if g is not None and not g.is_empty]
        return cls([rows[k][0] for k in keep], [geoms[k] for k in keep])

    def __len__(self) -> int:
        return len(self.ids)

    def containing(self, lon: float, lat: float) -> list[int]:
        """Ids of the areas that contain the point (boundary included)."""
        if not len(self.ids):
            return []
        candidates = self.tree.query(shapely.points(lon, lat))
        if not len(candidates):
            return []
        hit = shapely.intersects_xy(self.geoms[candidates], lon, lat)
        return self.ids[candidates[hit]].tolist()

    def near(self, lon: float, lat: float, buffer_m: float) -> list[tuple[int, float]]:
        """(id, distance in m) of the areas within buffer_m of the point; 0 inside."""
        if not len(self.ids):
            return []
        dy = buffer_m / M_PER_DEG
        dx = dy / max(math.cos(math.radians(lat)), 0.01)
        candidates = self.tree.query(shapely.box(lon - dx, lat - dy, lon + dx, lat + dy))
        found = []
        for i in candidates:
            d = distance_m(self.geoms[i], lon, lat)
            if d <= buffer_m:
                found.append((int(self.ids[i]), d))
        return found


def _parse_one(area_id: int, text: str):
    try:
        return shapely.from_geojson(text)
    except shapely.errors.GEOSException:
        log.error("area %s has unreadable geometry; left out of the index", area_id)
        return None


def distance_m(geom, lon: float, lat: float) -> float:
    """Metres from the point to the geometry; 0 inside or on the edge."""
    if shapely.intersects_xy(geom, lon, lat):
        return 0.0
    return float(local_xy(geom, lon, lat).distance(shapely.points(0.0, 0.0)))


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    index: AreaIndex | None = None
    generation: int = -1
    db_version: int | None = None
    checked_at: float = 0.0


def _db_version(conn) -> int:
    return conn.execute(select(AreaIndexState.version).where(AreaIndexState.id == 1)).scalar() or 0


def _build(app: Flask, cache: _Cache, generation: int) -> None:
    # A connection of its own: the index must hold committed areas only, never
    # a request's uncommitted (and perhaps rolled back) changes.
    with engine(app).connect() as conn:
        version = _db_version(conn)
        rows = conn.execute(select(Area.id, Area.geometry).where(Area.status == AreaStatus.active)).all()
    cache.index = AreaIndex.from_rows(rows)
    cache.generation, cache.db_version, cache.checked_at = generation, version, time.monotonic()


def get_index(app: Flask | None = None) -> AreaIndex:
    """The app's index of active areas, rebuilt first if it is stale."""
    app = app or current_app._get_current_object()
    cache: _Cache = app.extensions.get(EXT) or app.extensions.setdefault(EXT, _Cache())
    generation = _generation
    if cache.index is not None and cache.generation == generation:
        if time.monotonic() - cache.checked_at < app.config["AREA_INDEX_CHECK_SECONDS"]:
            return cache.index
    # While one thread rebuilds, the others answer from the previous index rather than wait.
    if not cache.lock.acquire(blocking=cache.index is None):
        return cache.index
    try:
        generation = _generation
        if cache.index is None or cache.generation != generation:
            _build(app, cache, generation)
        elif time.monotonic() - cache.checked_at >= app.config["AREA_INDEX_CHECK_SECONDS"]:
            with engine(app).connect() as conn:
                version = _db_version(conn)
            if version != cache.db_version:
                _build(app, cache, generation)
            else:
                cache.checked_at = time.monotonic()
        return cache.index
    finally:
        cache.lock.release()


def invalidate(app: Flask | None = None) -> None:
    """Drop the cached index of this app (tests, CLI)."""
    (app or current_app).extensions.pop(EXT, None)


def _bump_generation() -> None:
    global _generation
    with _gen_lock:
        _generation += 1


def _touches_areas(session) -> bool:
    return any(isinstance(o, Area) for o in (*session.new, *session.dirty, *session.deleted))


def _after_flush(session, _ctx) -> None:
    if not _touches_areas(session):
        return
    session.info["areas_changed"] = True
    conn = session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    table = AreaIndexState.__table__
    stmt = insert(table).values(id=1, version=1)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.id], set_={"version": table.c.version + 1})
    conn.execute(stmt)


def _after_commit(session) -> None:
    # A rolled-back change leaves the flag set: the next commit rebuilds once more, harmlessly.
    if session.info.pop("areas_changed", False):
        _bump_generation()


def init_app(app: Flask) -> None:
    """Listen for flushes that change areas (once per process)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "after_commit", _after_commit)


def engine_connect(app: Flask | None = None):
    """A transaction on the app's engine outside any session (tests simulate other processes)."""
    return engine(app or current_app).begin()
