"""GeoReport v2 over the graffiti and walks services: the service list, request records, and creating requests.

Request ids are strings: 'g<id>' for graffiti, 'w<id>' for walk observations. Status is only open or closed
(the specification's two); the detail goes in status_notes.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from watch.core.errors import ServiceError
from watch.core.time import TZ
from watch.est.places import inside
from watch.graffiti import rules as graffiti_rules, lifecycle
from watch.graffiti import service as graffiti
from watch.graffiti.models import CLOSED as GRAFFITI_CLOSED, RoutingRule
from watch.graffiti.models import OBJECT_TYPES, STATUSES, GraffitiReport
from watch.organisations.models import Organisation
from watch.walks import access as walk_access
from watch.walks import observations
from watch.walks.models import CATEGORIES, Measure, MeasureObservation, Walk, WalkObservation

GRAFFITI = "graffiti"
WALK_PREFIX = "walk-"
ATTRIBUTE = re.compile(r"^attribute\[([a-z_0-9]{1,40})\]$")


class Open311Error(ServiceError):
    """A refusal in the specification's shape: [{code, description}] with an HTTP status."""


def services() -> list[dict]:
    """Every service: graffiti, then one per walk observation category."""
    out = [{"service_code": GRAFFITI, "service_name": "Klotter", "description": "Klotter på en plats: arbetsorder till ägaren och underlag för polisanmälan.",
            "metadata": True, "type": "realtime", "keywords": "klotter,graffiti", "group": "Klotter"}]
    for code, label in CATEGORIES.items():
        out.append({"service_code": WALK_PREFIX + code, "service_name": str(label), "description": "Iakttagelse under trygghetsvandring.",
                    "metadata": True, "type": "realtime", "keywords": "trygghetsvandring", "group": "Trygghetsvandring"})
    return out


def definition(code: str) -> dict:
    """A service's attributes (GeoReport v2 service definition)."""
    if code == GRAFFITI:
        return {"service_code": code, "attributes": [
            _attr("object_type", "singlevaluelist", True, "Vad är klottrat?", 1, [(k, str(v)) for k, v in OBJECT_TYPES.items()]),
            _attr("area_m2", "number", True, "Ungefärlig yta (m²)", 2),
            _attr("offensive", "singlevaluelist", False, "Kränkande eller rasistiskt", 3, [("true", "Ja"), ("false", "Nej")]),
        ]}
    if code.startswith(WALK_PREFIX) and code[len(WALK_PREFIX):] in CATEGORIES:
        return {"service_code": code, "attributes": [
            _attr("walk_id", "number", True, "Trygghetsvandringens nummer", 1),
            _attr("suggestion", "text", False, "Förslag på åtgärd", 2),
        ]}
    raise Open311Error("service_code_unknown", "Unknown service_code.", 404)


def _attr(code, datatype, required, description, order, values=None) -> dict:
    item = {"variable": True, "code": code, "datatype": datatype, "required": required, "datatype_description": "",
            "order": order, "description": description}
    if values:
        item["values"] = [{"key": k, "name": n} for k, n in values]
    return item


def parse_attributes(form) -> dict[str, str]:
    """attribute[code]=value pairs; anything else that looks like an attribute is refused."""
    out = {}
    for key in form.keys():
        if key.startswith("attribute"):
            match = ATTRIBUTE.match(key)
            if not match:
                raise Open311Error("attribute_malformed", "Malformed attribute parameter: %(k)s" % {"k": key[:60]}, 400)
            out[match.group(1)] = form.get(key, "")
    return out


def _number(value, code: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Open311Error("attribute_invalid", "attribute[%(c)s] must be a number." % {"c": code}, 400)


def create(session: Session, *, user, form, media: list[bytes], client_key: str | None) -> tuple[str, str]:
    """POST requests: (service_request_id, service_notice)."""
    code = (form.get("service_code") or "").strip()
    spec = definition(code)
    attrs = parse_attributes(form)
    known = {a["code"]: a for a in spec["attributes"]}
    for name, value in attrs.items():
        if name not in known:
            raise Open311Error("attribute_unknown", "Unknown attribute: %(c)s" % {"c": name}, 400)
        values = known[name].get("values")
        if values and value not in [v["key"] for v in values]:
            raise Open311Error("attribute_invalid", "attribute[%(c)s] has a value that is not allowed." % {"c": name}, 400)
    for name, a in known.items():
        if a["required"] and not (attrs.get(name) or "").strip():
            raise Open311Error("attribute_missing", "attribute[%(c)s] is required." % {"c": name}, 400)
    lat, lon = form.get("lat"), form.get("long")
    if lat in (None, "") or lon in (None, ""):
        raise Open311Error("location_missing", "lat and long are required (address-only requests are not accepted).", 400)
    lat, lon = _number(lat, "lat"), _number(lon, "long")
    description = (form.get("description") or "")[:1000]
    if code == GRAFFITI:
        municipality = _municipality_at(session, lon, lat)
        report = graffiti.submit(session, user=user, data=graffiti.GraffitiIn(
            municipality=municipality, lon=lon, lat=lat, object_type=attrs["object_type"], area_m2=_number(attrs["area_m2"], "area_m2"),
            photos=media, address=(form.get("address_string") or "")[:200], offensive=attrs.get("offensive") == "true",
            description=description, client_key=client_key, not_duplicate=True))
        return f"g{report.id}", "Arbetsorder skickad till ägaren; underlag för polisanmälan skapat."
    obs = observations.observe(session, user=user, walk_id=int(_number(attrs["walk_id"], "walk_id")), data=observations.ObservationIn(
        lon=lon, lat=lat, category=code[len(WALK_PREFIX):], note=description, suggestion=attrs.get("suggestion", ""),
        photo=media[0] if media else None, client_key=client_key))
    return f"w{obs.id}", "Iakttagelsen är sparad."


def _municipality_at(session: Session, lon: float, lat: float) -> str:
    """The municipality whose graffiti routing covers the point (the first that takes it)."""
    for muni in sorted(set(session.exec(select(RoutingRule.municipality)).all())):
        if inside(session, muni, lon, lat):
            return muni
    raise Open311Error("outside_municipality", "No municipality takes graffiti reports at that place.", 400)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(TZ).isoformat(timespec="seconds") if value else None


def graffiti_record(session: Session, r: GraffitiReport, orgs: dict[int, str]) -> dict:
    """One graffiti report as a GeoReport v2 request."""
    closed = r.status in GRAFFITI_CLOSED or r.status == "cleaned"
    return {"service_request_id": f"g{r.id}", "status": "closed" if closed else "open",
            "status_notes": " ".join(filter(None, [str(STATUSES[r.status]), r.status_note])),
            "service_name": "Klotter", "service_code": GRAFFITI, "description": r.description,
            "agency_responsible": orgs.get(r.organisation_id, ""), "service_notice": "",
            "requested_datetime": _iso(r.created_at), "updated_datetime": _iso(r.updated_at), "expected_datetime": _iso(r.due_at),
            "address": r.address, "address_id": "", "zipcode": "", "lat": r.lat, "long": r.lon, "media_url": ""}


def walk_record(session: Session, o: WalkObservation, walk: Walk, orgs: dict[int, str]) -> dict:
    """One walk observation as a GeoReport v2 request: closed once every measure for it is settled."""
    measures = session.exec(select(Measure).join(MeasureObservation, MeasureObservation.measure_id == Measure.id)
                            .where(MeasureObservation.observation_id == o.id)).all()
    settled = bool(measures) and all(m.decision == "declined" or m.status in ("done", "not_feasible") for m in measures)
    return {"service_request_id": f"w{o.id}", "status": "closed" if settled else "open",
            "status_notes": "; ".join(m.title for m in measures), "service_name": str(CATEGORIES[o.category]),
            "service_code": WALK_PREFIX + o.category, "description": o.note, "agency_responsible": orgs.get(walk.organiser_id, ""),
            "service_notice": "", "requested_datetime": _iso(o.observed_at), "updated_datetime": _iso(o.observed_at),
            "expected_datetime": _iso(datetime.combine(min(m.due_date for m in measures), datetime.min.time(), TZ)) if measures else None,
            "address": walk.name, "address_id": "", "zipcode": "", "lat": o.lat, "long": o.lon, "media_url": ""}


def records(session: Session, user, *, ids: list[str] | None = None, service_code: str | None = None, status: str | None = None,
            start: datetime | None = None, end: datetime | None = None, limit: int = 1000) -> list[dict]:
    """The requests the key's user may handle (graffiti) or manage (walks), newest first, filtered as GET requests asks."""
    orgs = {o.id: o.name for o in session.exec(select(Organisation))}
    out = []
    if service_code in (None, GRAFFITI):
        query = select(GraffitiReport).order_by(GraffitiReport.created_at.desc()).limit(limit)
        if ids is not None:
            query = query.where(GraffitiReport.id.in_([int(i[1:]) for i in ids if i[:1] == "g" and i[1:].isdigit()] or [-1]))
        out += [graffiti_record(session, r, orgs) for r in session.exec(query) if graffiti_rules.may_handle(session, user, r)]
    if service_code is None or service_code.startswith(WALK_PREFIX):
        query = select(WalkObservation, Walk).join(Walk, Walk.id == WalkObservation.walk_id).order_by(WalkObservation.observed_at.desc()).limit(limit)
        if ids is not None:
            query = query.where(WalkObservation.id.in_([int(i[1:]) for i in ids if i[:1] == "w" and i[1:].isdigit()] or [-1]))
        if service_code:
            query = query.where(WalkObservation.category == service_code[len(WALK_PREFIX):])
        out += [walk_record(session, o, w, orgs) for o, w in session.exec(query) if walk_access.may_manage(session, user, w)]
    if status:
        out = [r for r in out if r["status"] == status]
    if start:
        out = [r for r in out if r["requested_datetime"] >= _iso(start)]
    if end:
        out = [r for r in out if r["requested_datetime"] <= _iso(end)]
    return sorted(out, key=lambda r: r["requested_datetime"], reverse=True)[:limit]


def updates(session: Session, user, *, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """servicerequestupdates: the latest state of each graffiti report the user handles, as one update each."""
    out = []
    for r in session.exec(select(GraffitiReport).order_by(GraffitiReport.updated_at.desc()).limit(1000)):
        if not graffiti_rules.may_handle(session, user, r):
            continue
        if (start and r.updated_at < start) or (end and r.updated_at > end):
            continue
        closed = r.status in GRAFFITI_CLOSED or r.status == "cleaned"
        out.append({"update_id": f"g{r.id}-{int(r.updated_at.timestamp())}", "service_request_id": f"g{r.id}",
                    "status": "closed" if closed else "open", "updated_datetime": _iso(r.updated_at),
                    "description": " ".join(filter(None, [str(STATUSES[r.status]), r.status_note])), "media_url": ""})
    return out



def receive_update(session: Session, user, form) -> tuple[dict, bool]:
    """POST servicerequestupdates: a case system moves one of our graffiti requests; (the update as stored, new?)."""
    rid = (form.get("service_request_id") or "").strip()
    if not re.fullmatch(r"g\d{1,12}", rid):
        raise Open311Error("request_not_found", "No such service request.", 404)
    try:
        report, new = lifecycle.apply_update(session, user=user, report_id=int(rid[1:]), update_id=form.get("update_id") or "",
                                             status=form.get("status") or "", description=form.get("description") or "")
    except ServiceError as exc:
        if exc.code == "graffiti_not_found":
            raise Open311Error("request_not_found", "No such service request.", 404)
        raise
    closed = report.status in GRAFFITI_CLOSED or report.status == "cleaned"
    return {"update_id": (form.get("update_id") or "").strip(), "service_request_id": rid, "status": "closed" if closed else "open",
            "updated_datetime": _iso(report.updated_at),
            "description": " ".join(filter(None, [str(STATUSES[report.status]), report.status_note])), "media_url": ""}, new
