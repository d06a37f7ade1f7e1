"""The owner layer and the routing rules a municipality keeps; who may handle graffiti reports."""
from __future__ import annotations

import json
import re
import secrets

import shapely
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import Forbidden, ServiceError
from watch.est.places import districts_containing
from watch.mail import check_address
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, RANK, REPORTER, Organisation
from watch.graffiti.models import CHANNELS, OBJECT_TYPES, OWNER_TYPES, GraffitiReport, OwnerZone, RoutingRule
from watch.graffiti import outbound


def is_coordinator(session: Session, user, municipality: str) -> bool:
    """Admins and the municipality's EST coordinators keep the layer and the rules and see every report."""
    return orgs.has_role(session, user, municipality, COORDINATOR)


def require_coordinator(session: Session, user, municipality: str) -> None:
    """Forbidden unless a coordinator of the municipality."""
    if not is_coordinator(session, user, municipality):
        raise Forbidden("graffiti_coordinator", _l("Only the municipality's safety coordinator may do that."))


def may_handle(session: Session, user, report: GraffitiReport) -> bool:
    """A coordinator, or a reporter of the organisation the report was routed to."""
    if is_coordinator(session, user, report.municipality):
        return True
    return report.organisation_id is not None and any(
        org.id == report.organisation_id and org.active and RANK[m.role] >= RANK[REPORTER] for m, org in orgs.memberships_of(session, user))


def owner_at(session: Session, municipality: str, lon: float, lat: float) -> OwnerZone | None:
    """The owner-layer polygon at the point (the smallest, when they overlap)."""
    rows = session.exec(select(OwnerZone).where(OwnerZone.municipality == municipality, OwnerZone.min_lon <= lon,
                                                OwnerZone.max_lon >= lon, OwnerZone.min_lat <= lat, OwnerZone.max_lat >= lat)).all()
    point = shapely.Point(lon, lat)
    hits = [(shapely.from_geojson(z.geometry), z) for z in rows]
    hits = [(g.area, z) for g, z in hits if g.covers(point)]
    return min(hits, key=lambda h: h[0])[1] if hits else None


def route(session: Session, municipality: str, object_type: str, owner_type: str, lon: float, lat: float) -> RoutingRule | None:
    """The most specific rule for object type × owner type × district (a '*' or no district matches anything)."""
    districts = {d.id for d in districts_containing(session, municipality, lon, lat)}
    best, best_score = None, -1
    for rule in session.exec(select(RoutingRule).where(RoutingRule.municipality == municipality)):
        if rule.object_type not in ("*", object_type) or rule.owner_type not in ("*", owner_type):
            continue
        if rule.district_id is not None and rule.district_id not in districts:
            continue
        score = (rule.object_type != "*") * 4 + (rule.owner_type != "*") * 2 + (rule.district_id is not None)
        if score > best_score:
            best, best_score = rule, score
    return best


def add_zone(session: Session, *, user, municipality: str, name: str, owner_type: str, geometry: str,
             organisation_id: int | None = None) -> OwnerZone:
    """Draw one polygon of the owner layer."""
    require_coordinator(session, user, municipality)
    if owner_type not in OWNER_TYPES:
        raise ServiceError("owner_type_unknown", _l("Choose the kind of owner."), 422, field="owner_type")
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 120:
        raise ServiceError("name_required", _l("Name the zone (at most 120 characters)."), 422, field="name")
    try:
        data = json.loads(geometry)
        shape = shapely.from_geojson(json.dumps(data))
    except Exception:
        shape = None
    if shape is None or shape.geom_type not in ("Polygon", "MultiPolygon") or not shape.is_valid or shape.area == 0:
        raise ServiceError("zone_not_polygon", _l("Draw the zone as a valid polygon (GeoJSON)."), 422, field="geometry")
    if organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or org.municipality != municipality:
            raise ServiceError("organisation_unknown", _l("Choose an organisation of the municipality."), 422, field="organisation_id")
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    zone = OwnerZone(municipality=municipality, name=name, owner_type=owner_type, organisation_id=organisation_id,
                     geometry=shapely.to_geojson(shape), min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)
    session.add(zone)
    session.commit()
    return zone


def _check_endpoint(endpoint: str) -> str:
    """An https URL whose host is public (loopback and http only where the test setting allows)."""
    from flask import current_app

    endpoint = (endpoint or "").strip()
    try:
        scheme, host, port, _path = outbound.check_url(endpoint, allow_loopback=bool(current_app.config["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"]))
        outbound.resolve(host, port, allow_loopback=bool(current_app.config["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"]))
    except outbound.Refused:
        raise ServiceError("endpoint_invalid", _l("Give an https address on the public internet."), 422, field="endpoint")
    except ConnectionError:
        raise ServiceError("endpoint_unresolved", _l("That host name does not resolve."), 422, field="endpoint")
    return endpoint


def add_rule(session: Session, *, user, municipality: str, organisation_id: int, channel: str, address: str = "",
             object_type: str = "*", owner_type: str = "*", district_id: int | None = None, endpoint: str = "",
             secret: str = "", service_code: str = "") -> RoutingRule:
    """Add or replace the rule for object type × owner type × district.

    E-mail needs an address; a webhook needs its URL (its HMAC secret is made here when none is given); Open311
    needs the GeoReport v2 base URL, an api_key and a service_code. An address next to another channel gets a copy.
    """
    require_coordinator(session, user, municipality)
    if object_type != "*" and object_type not in OBJECT_TYPES:
        raise ServiceError("object_type_unknown", _l("Choose what is painted."), 422, field="object_type")
    if owner_type != "*" and owner_type not in OWNER_TYPES:
        raise ServiceError("owner_type_unknown", _l("Choose the kind of owner."), 422, field="owner_type")
    if channel not in CHANNELS:
        raise ServiceError("channel_unknown", _l("Choose e-mail, webhook or Open311."), 422, field="channel")
    org = session.get(Organisation, organisation_id)
    if org is None or org.municipality != municipality:
        raise ServiceError("organisation_unknown", _l("Choose an organisation of the municipality."), 422, field="organisation_id")
    address = (address or "").strip()
    if address or channel == "email":
        try:
            address = check_address(address)
        except ServiceError as exc:
            raise ServiceError(exc.code, exc.message, 422, field="address")
    secret, service_code = (secret or "").strip(), (service_code or "").strip()
    if channel == "email":
        endpoint, secret, service_code = None, None, None
    else:
        endpoint = _check_endpoint(endpoint)
        if channel == "webhook":
            if secret and not 16 <= len(secret) <= 128:
                raise ServiceError("secret_length", _l("A webhook secret is 16 to 128 characters (leave it empty to get one)."), 422,
                                   field="secret")
            secret, service_code = secret or secrets.token_urlsafe(32), None
        else:
            if not 1 <= len(secret) <= 128:
                raise ServiceError("api_key_required", _l("Enter the api_key the other Open311 server gave you."), 422, field="secret")
            if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,60}", service_code):
                raise ServiceError("service_code_required", _l("Enter the other server's service_code."), 422, field="service_code")
    rule = session.exec(select(RoutingRule).where(RoutingRule.municipality == municipality, RoutingRule.object_type == object_type,
                                                  RoutingRule.owner_type == owner_type,
                                                  RoutingRule.district_id == district_id)).first() \
        or RoutingRule(municipality=municipality, object_type=object_type, owner_type=owner_type, district_id=district_id,
                       organisation_id=organisation_id, address=address)
    rule.organisation_id, rule.channel, rule.address = organisation_id, channel, address
    rule.endpoint, rule.secret, rule.service_code = endpoint, secret, service_code
    session.add(rule)
    session.commit()
    return rule
