"""Alerts as plain data (GeoJSON Features), shared by the API, the map and the pages."""
from __future__ import annotations

from flask import url_for
from sqlmodel import Session

from watch.alerts.access import STAFF, AlertAccess
from watch.alerts.models import CATEGORY_LABELS, OUTCOME_LABELS, STATUS_LABELS, AlertPhoto, AlertUpdate
from watch.alerts.query import areas_of, names, photos_of, speaker_roles, thread


def _iso(value):
    return value.isoformat() if value else None


# Stands for the alert id in a URL built once per response.
_ID_SLOT = 2147483647


def labels() -> dict:
    """Translated labels and the detail URL pattern, looked up once per response."""
    # A lazy string's str() and url_for() each cost about 0.1 ms: per alert that was most
    # of a 1,000-alert map response.
    return {
        "category": {k: str(v) for k, v in CATEGORY_LABELS.items()},
        "status": {k: str(v) for k, v in STATUS_LABELS.items()},
        "outcome": {k: str(v) for k, v in OUTCOME_LABELS.items()},
        "url": url_for("alerts.detail", alert_id=_ID_SLOT).rsplit(str(_ID_SLOT), 1),
    }


def feature(alert, *, area_ids, people: dict, user, staff: bool, text: dict | None = None) -> dict:
    """One alert (an Alert or a query row) as a GeoJSON Feature; hiding details go only to the author and staff."""
    text = text or labels()
    user_id = user if isinstance(user, int) or user is None else user.id
    mine = alert.author_id is not None and alert.author_id == user_id
    outcome = alert.outcome
    return {
        "type": "Feature",
        "id": alert.id,
        "geometry": {"type": "Point", "coordinates": [alert.lon, alert.lat]},
        "properties": {
            "category": alert.category.value,
            "category_label": text["category"][alert.category],
            "text": alert.text,
            "observed_at": _iso(alert.observed_at),
            "created_at": _iso(alert.created_at),
            "status": alert.status.value,
            "status_label": text["status"][alert.status],
            "outcome": outcome.value if outcome else None,
            "outcome_label": text["outcome"][outcome] if outcome else None,
            "registration": alert.registration,
            "boat_id": alert.boat_id,
            "area_ids": area_ids if text.get("sorted") else sorted(area_ids),
            "author": people.get(alert.author_id),
            "is_mine": mine,
            "acknowledged_by": people.get(alert.acknowledged_by_id),
            "acknowledged_at": _iso(alert.acknowledged_at),
            "closed_by": people.get(alert.closed_by_id),
            "closed_at": _iso(alert.closed_at),
            "hidden": alert.hidden_at is not None,
            "hidden_reason": alert.hidden_reason if (mine or staff) else None,
            "url": f"{text['url'][0]}{alert.id}{text['url'][1]}",
        },
    }


def people_ids(alerts) -> set:
    """Every user id a list of alerts mentions."""
    return {i for a in alerts for i in (a.author_id, a.acknowledged_by_id, a.closed_by_id) if i}


def features(session: Session, alerts: list, user, staff_area_ids: set[int] | None) -> list[dict]:
    """Many alerts (Alerts or query rows) as Features with two queries in all (names, areas)."""
    people = names(session, people_ids(alerts))
    area_map = areas_of(session, [a.id for a in alerts])
    for ids in area_map.values():
        ids.sort()
    text = {**labels(), "sorted": True}
    user_id = user.id  # once: `user` is usually the current_user proxy, costly per attribute
    out = []
    for a in alerts:
        ids = area_map.get(a.id, [])
        staff = staff_area_ids is None or not staff_area_ids.isdisjoint(ids)
        out.append(feature(a, area_ids=ids, people=people, user=user_id, staff=staff, text=text))
    return out


def photo_dict(photo: AlertPhoto) -> dict:
    """A photo's URL (served through the access check) and size."""
    return {
        "id": photo.id, "update_id": photo.update_id, "width": photo.width, "height": photo.height,
        "url": url_for("alerts.photo", alert_id=photo.alert_id, photo_id=photo.id),
    }


def update_dict(item: AlertUpdate, people: dict, roles: dict | None = None) -> dict:
    """One message of the thread; author_role says whether police or a contact representative speaks."""
    return {"id": item.id, "text": item.text, "author": people.get(item.author_id),
            "author_role": (roles or {}).get(item.author_id), "created_at": _iso(item.created_at)}


def detail(session: Session, access: AlertAccess) -> dict:
    """A Feature with its thread, photos and what the user may do."""
    alert = access.alert
    updates = thread(session, alert.id)
    people = names(session, people_ids([alert]) | {u.author_id for u in updates})
    staff = access.is_admin or access.has_role(*STAFF)
    data = feature(alert, area_ids=access.area_ids, people=people, user=access.user, staff=staff)
    data["properties"]["photos"] = [photo_dict(p) for p in photos_of(session, alert.id)]
    roles = speaker_roles(session, {u.author_id for u in updates}, access.area_ids)
    data["properties"]["updates"] = [update_dict(u, people, roles) for u in updates]
    data["properties"]["can"] = {"ack": access.can_ack, "close": access.can_ack, "hide": access.can_hide, "update": True}
    return data
