"""A phone-sized tour of every role's everyday pages, light and dark, for looking at.

Screenshots go to test-artifacts/screenshots/<WATCH_UX_SHOTS or "ux">/ (the "before" set
was taken with WATCH_UX_SHOTS=before from the tree before the phone review of issue 15).
"""
from __future__ import annotations

import json
import os

import pytest

from tests.browser.conftest import PASSWORD, SCREENSHOTS, login

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOTS / os.environ.get("WATCH_UX_SHOTS", "ux")


@pytest.fixture(scope="module")
def tour(live_app):
    """Member, contact with a join request waiting, police with open alerts, admin, a newcomer."""
    from watch.accounts import service
    from watch.alerts.models import Alert, AlertArea, AlertUpdate, Category, Status
    from watch.areas.models import Area, AreaJoinRequest, AreaKind, AreaMembership, AreaRole, AreaStatus
    from watch.core.db import session_scope
    from watch.core.time import utcnow

    people = {}
    with live_app.app_context(), session_scope() as s:
        for key, name in (("member", "Maja Medlem"), ("contact", "Karin Ombud"), ("police", "Polis Pål"),
                          ("admin", "Anna Admin"), ("newcomer", "Nils Ny"), ("asker", "Åsa Undrar")):
            u = service.register(s, email=f"tour-{key}@example.se", display_name=name, password=PASSWORD)
            u.municipality = "Nyköping"
            u.is_police, u.is_admin = key == "police", key == "admin"
            s.add(u)
            people[key] = u
        s.flush()
        ring = [[16.99, 58.74], [17.01, 58.74], [17.01, 58.76], [16.99, 58.76], [16.99, 58.74]]
        area = Area(kind=AreaKind.grannsamverkan, name="Brandkärr", municipality="Nyköping", status=AreaStatus.active,
                    geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                    min_lon=16.99, min_lat=58.74, max_lon=17.01, max_lat=58.76)
        ring2 = [[17.05, 58.74], [17.07, 58.74], [17.07, 58.76], [17.05, 58.76], [17.05, 58.74]]
        pending = Area(kind=AreaKind.batsamverkan, name="Gästhamnen", municipality="Nyköping", status=AreaStatus.pending,
                       geometry=json.dumps({"type": "Polygon", "coordinates": [ring2]}),
                       min_lon=17.05, min_lat=58.74, max_lon=17.07, max_lat=58.76)
        s.add_all([area, pending])
        s.flush()
        s.add(AreaMembership(area_id=area.id, user_id=people["member"].id, role=AreaRole.member))
        s.add(AreaMembership(area_id=area.id, user_id=people["contact"].id, role=AreaRole.contact, is_main_contact=True))
        s.add(AreaMembership(area_id=pending.id, user_id=people["contact"].id, role=AreaRole.contact, is_main_contact=True))
        s.add(AreaMembership(area_id=area.id, user_id=people["police"].id, role=AreaRole.police))
        s.add(AreaJoinRequest(area_id=area.id, user_id=people["asker"].id, message="Jag bor på Östra Storgatan"))
        alerts = []
        for i, (cat, text, status) in enumerate((
            (Category.burglary, "Krossad ruta på baksidan av Västra gatan 4, larmet tjuter", Status.open),
            (Category.suspicious_vehicle, "Vit skåpbil kör sakta fram och tillbaka, tittar in på tomterna", Status.open),
            (Category.bicycle_theft, "Cykel klippt från ställ vid affären", Status.acknowledged),
        )):
            a = Alert(author_id=people["member"].id, category=cat, text=text, observed_at=utcnow(),
                      lat=58.745 + i * 0.004, lon=16.995 + i * 0.004, status=status, registration="ABC 123" if i == 1 else None)
            s.add(a)
            s.flush()
            s.add(AlertArea(alert_id=a.id, area_id=area.id))
            alerts.append(a.id)
        s.add(AlertUpdate(alert_id=alerts[0], author_id=people["police"].id, text="Patrull på väg."))
        s.commit()
        return {"area": area.id, "pending": pending.id, "alerts": alerts,
                "users": {k: {"email": u.email, "id": u.id} for k, u in people.items()}}


def shoot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def visit(page, path: str, name: str, full_page: bool = True) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    shoot(page, name, full_page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tour(new_context, live_app, tour, scheme):
    """Every role's home and working pages at 390x844, light and dark (screenshots only)."""
    a, area = tour["alerts"], tour["area"]
    plan = {
        None: [("/", "home"), ("/account/login", "login")],
        "member": [("/", "home"), ("/alerts/new", "report"), ("/alerts", "alerts"), ("/alerts/map", "alert-map"),
                   (f"/alerts/{a[0]}", "alert-detail"), ("/account/notifications", "notifications"), ("/areas/", "areas-map")],
        "newcomer": [("/", "home"), ("/alerts", "alerts"), ("/areas/new", "area-new")],
        "contact": [("/", "home"), (f"/areas/{area}", "area"), (f"/areas/{area}/members", "members"),
                    (f"/areas/{tour['pending']}", "area-pending")],
        "police": [("/", "home"), ("/alerts", "alerts"), ("/alerts/map", "alert-map"), (f"/alerts/{a[0]}", "alert-detail"),
                   ("/areas/queue", "queue"), (f"/areas/{tour['pending']}", "area-pending")],
        "admin": [("/", "home")],
    }
    for who, pages in plan.items():
        ctx = new_context(color_scheme=scheme)
        page = ctx.new_page()
        if who:
            login(page, tour["users"][who])
        for path, name in pages:
            visit(page, path, f"{who or 'anon'}-{name}-{scheme}")

