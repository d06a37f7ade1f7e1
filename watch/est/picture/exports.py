"""Exports streamed row by row (flat memory): reports as CSV or GeoJSON for those with full access,
aggregates (category × week × area, grid cells) for everyone in the EST group."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, select as core_select
from sqlmodel import Session, select

from watch.core import grid
from watch.core.time import local
from watch.est.models import COUNTED, EstReport, EstReportZone
from watch.est.rules import weeks
from watch.organisations.models import Organisation

COLUMNS = ("id", "organisation", "occurred_at", "iso_week", "weekday", "hour", "time_band", "category", "subcategory",
           "setting", "people_band", "lon", "lat", "cell", "police_reported", "police_ref", "source", "status", "description")
BATCH = 2000


def _rows(session: Session, municipality: str, start: datetime, end: datetime, organisation_ids=None):
    query = (core_select(EstReport.id, Organisation.name, EstReport.occurred_at, EstReport.week_key, EstReport.weekday,
                         EstReport.hour, EstReport.time_band, EstReport.category, EstReport.subcategory, EstReport.setting,
                         EstReport.people_band, EstReport.lon, EstReport.lat, EstReport.cell, EstReport.police_reported,
                         EstReport.police_ref, EstReport.source, EstReport.status, EstReport.description)
             .join(Organisation, Organisation.id == EstReport.organisation_id)
             .where(EstReport.municipality == municipality, EstReport.occurred_at >= start, EstReport.occurred_at < end)
             .order_by(EstReport.occurred_at, EstReport.id))
    if organisation_ids is not None:
        query = query.where(EstReport.organisation_id.in_(list(organisation_ids) or [-1]))
    return session.connection().execution_options(yield_per=BATCH, stream_results=True).execute(query)


def _csv_line(values) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def reports_csv(session: Session, municipality: str, start: datetime, end: datetime, organisation_ids=None) -> Iterator[str]:
    """The reports of the period as CSV, in local time."""
    yield "\ufeff" + _csv_line(COLUMNS)
    buf = io.StringIO()
    writer = csv.writer(buf)
    for n, r in enumerate(_rows(session, municipality, start, end, organisation_ids), 1):
        y, w = weeks.split(r[3])
        writer.writerow([r[0], r[1], local(r[2]).strftime("%Y-%m-%d %H:%M"), f"{y}-W{w:02d}", *r[4:]])
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def reports_geojson(session: Session, municipality: str, start: datetime, end: datetime, organisation_ids=None) -> Iterator[str]:
    """The reports of the period as a GeoJSON FeatureCollection of points (RFC 7946)."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for r in _rows(session, municipality, start, end, organisation_ids):
        if r[11] is None:
            continue
        props = dict(zip(COLUMNS, r))
        props["occurred_at"] = local(r[2]).isoformat()
        props.pop("lon"), props.pop("lat")
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[11], r[12]]}, "properties": props}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False, default=str)
        first = False
    yield "]}"


def aggregates_csv(session: Session, municipality: str, start: datetime, end: datetime) -> Iterator[str]:
    """Counts by category × ISO week × area: what everyone in the EST group may take away."""
    yield "\ufeff" + _csv_line(("iso_week", "category", "zone", "count"))
    rows = session.exec(select(EstReport.week_key, EstReport.category, EstReportZone.zone, func.count())
                        .select_from(EstReport).join(EstReportZone, EstReportZone.report_id == EstReport.id, isouter=True)
                        .where(EstReport.municipality == municipality, EstReport.status.in_(COUNTED),
                               EstReport.occurred_at >= start, EstReport.occurred_at < end)
                        .group_by(EstReport.week_key, EstReport.category, EstReportZone.zone)
                        .order_by(EstReport.week_key, EstReport.category)).all()
    for k, c, z, n in rows:
        y, w = weeks.split(k)
        yield _csv_line((f"{y}-W{w:02d}", c, z or "-", int(n)))


def cells_geojson(session: Session, municipality: str, start: datetime, end: datetime, size: float) -> Iterator[str]:
    """Counts per grid cell (of `size` metres) as GeoJSON polygons: the aggregated map, never points."""
    rows = session.exec(select(EstReport.cell, func.count()).where(
        EstReport.municipality == municipality, EstReport.status.in_(COUNTED), EstReport.cell.is_not(None),
        EstReport.occurred_at >= start, EstReport.occurred_at < end).group_by(EstReport.cell)).all()
    yield '{"type":"FeatureCollection","features":['
    for i, (cell, n) in enumerate(rows):
        yield ("," if i else "") + json.dumps({"type": "Feature", "geometry": grid.cell_polygon(cell, size),
                                               "properties": {"cell": cell, "count": int(n)}})
    yield "]}"
