"""The coordinator's settings: weekly cycle, named places, districts."""
from __future__ import annotations

import json

from sqlmodel import select

from tests.est.conftest import MUNI, box_geojson
from watch.est.models import EstConfig, EstDistrict, EstPlace


def test_settings_page_saves_cycle_places_and_districts(est, client, auth, session):
    auth.as_user(est["coordinator"])
    assert client.get(f"/est/{MUNI}/settings/").status_code == 200
    r = client.post(f"/est/{MUNI}/settings/", data={"which": "config", "c-cutoff_weekday": "4", "c-cutoff_time": "09:30",
                                                   "c-open_weeks": "3", "c-publish_public": "y"})
    assert r.status_code == 302
    cfg = session.get(EstConfig, MUNI)
    assert (cfg.cutoff_weekday, cfg.cutoff_minutes, cfg.open_weeks, cfg.publish_public) == (4, 570, 3, True)
    client.post(f"/est/{MUNI}/settings/", data={"which": "place", "p-name": "Skolgården", "p-lat": "58.752", "p-lon": "17.012"})
    assert session.exec(select(EstPlace).where(EstPlace.name == "Skolgården")).one().lat == 58.752
    outside = client.post(f"/est/{MUNI}/settings/", data={"which": "place", "p-name": "Borta", "p-lat": "59.5", "p-lon": "18.0"})
    assert "Platsen ligger utanför Nyköping." in outside.get_data(as_text=True)
    client.post(f"/est/{MUNI}/settings/", data={"which": "district", "d-name": "Oppeby",
                                               "d-geojson": box_geojson(17.04, 58.75, 17.06, 58.76)})
    assert session.exec(select(EstDistrict).where(EstDistrict.name == "Oppeby")).one().max_lon == 17.06
    bow = json.dumps({"type": "Polygon", "coordinates": [[[17, 58], [17.1, 58.1], [17.1, 58], [17, 58.1], [17, 58]]]})
    bad = client.post(f"/est/{MUNI}/settings/", data={"which": "district", "d-name": "Rosett", "d-geojson": bow})
    assert "Stadsdelen är inte en giltig GeoJSON-polygon." in bad.get_data(as_text=True)
    place = session.exec(select(EstPlace).where(EstPlace.name == "Skolgården")).one()
    client.post(f"/est/{MUNI}/settings/places/{place.id}")
    session.expire_all()
    assert session.get(EstPlace, place.id).active is False


def test_settings_are_for_the_coordinator_only(est, client, auth):
    for who in ("reporter", "reader", "police", "outsider", "oxelo"):
        auth.as_user(est[who])
        assert client.get(f"/est/{MUNI}/settings/").status_code == 403


def test_a_municipality_can_keep_its_own_categories(est, client, auth, session):
    from datetime import UTC, datetime, timedelta

    from watch.core.errors import ServiceError

    auth.as_user(est["coordinator"])
    own = '{"klotter": {"label": "Klotter", "sub": {"krankande": "Kränkande"}}, "belysning": {"label": "Trasig belysning"}}'
    base = {"which": "config", "c-cutoff_weekday": "1", "c-cutoff_time": "12:00", "c-open_weeks": "2"}
    bad = client.post(f"/est/{MUNI}/settings/", data={**base, "c-categories": '{"Klotter!": 1}'})
    assert "Skriv kategorierna som JSON" in bad.get_data(as_text=True)
    assert session.get(EstConfig, MUNI) is None
    client.post(f"/est/{MUNI}/settings/", data={**base, "c-categories": own})
    session.expire_all()
    assert json.loads(session.get(EstConfig, MUNI).categories)["klotter"]["sub"] == {"krankande": "Kränkande"}
    r = est.report(category="klotter", subcategory="krankande", when=datetime.now(UTC) - timedelta(hours=1))
    assert r.category == "klotter"
    try:
        est.report(category="skadegorelse")
    except ServiceError as exc:
        assert exc.code == "category_unknown"
    else:
        raise AssertionError("the default list no longer applies")
    auth.as_user(est["reporter"])
    assert "Klotter: Kränkande" in client.get(f"/est/{MUNI}/report").get_data(as_text=True)


def test_the_account_menu_links_to_est_for_its_group_only(est, client, auth):
    auth.as_user(est["reader"])
    assert 'href="/est/"' in client.get("/account/profile").get_data(as_text=True)
    auth.as_user(est["outsider"])
    assert 'href="/est/"' not in client.get("/account/profile").get_data(as_text=True)
