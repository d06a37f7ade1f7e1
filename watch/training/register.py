"""The municipality's register of contact representatives (areas, trained until), as CSV for the police."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.core.errors import Forbidden
from watch.training.access import can_organise


def rows(session: Session, actor, municipality: str) -> list[dict]:
    """One row per contact representative and area (active and pending areas); police, coordinator, admin."""
    if not can_organise(session, actor, municipality):
        raise Forbidden("register_forbidden", _l("Only the police, the safety coordinator of the municipality or an admin may see the register."))
    valid = current_app.config["AREA_TRAINING_VALID_DAYS"]
    result = session.exec(
        select(AreaMembership, Area, User).join(Area, Area.id == AreaMembership.area_id).join(User, User.id == AreaMembership.user_id)
        .where(AreaMembership.role == AreaRole.contact, func.lower(Area.municipality) == municipality.strip().lower(),
               Area.status.in_((AreaStatus.active, AreaStatus.pending)))
        .order_by(Area.name, Area.id, User.display_name)).all()
    return [{"name": u.display_name, "email": u.email, "phone": u.phone or "", "area": a.name, "area_kind": a.kind.value,
             "area_status": a.status.value, "main_contact": m.is_main_contact,
             "trained_on": m.trained_on.isoformat() if m.trained_on else "",
             "trained_until": (m.trained_on + timedelta(days=valid)).isoformat() if m.trained_on else ""}
            for m, a, u in result]


def to_csv(data: list[dict]) -> str:
    """CSV with translated headers; cells that a spreadsheet would run as formulas are quoted with '."""
    headers = [("name", _("Name")), ("email", _("E-mail")), ("phone", _("Phone")), ("area", _("Area")),
               ("area_kind", _("Kind")), ("area_status", _("Status")), ("main_contact", _("Main contact")),
               ("trained_on", _("Trained on")), ("trained_until", _("Trained until"))]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([label for _k, label in headers])
    for row in data:
        cells = []
        for key, _label in headers:
            v = row[key]
            v = (_("yes") if v else _("no")) if isinstance(v, bool) else str(v)
            cells.append("'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v)
        w.writerow(cells)
    return out.getvalue()
