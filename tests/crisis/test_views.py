"""Trygghetspunkter pages: public list, nearest with ?lat&lon, GeoJSON, print, point page (no personal data);
the coordinator's forms with errors in the user's language; the e-mail choice."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.crisis.conftest import CODE, IN_BRANDHOLMEN, IN_CENTRUM, OUTSIDE
from watch.crisis import service
from watch.crisis.models import ACTIVATED, CrisisMailChoice, CrisisPoint


@pytest.fixture
def two(cw):
    """The library (open) in Centrum and a school (planned) in Brandholmen."""
    lib = cw.point()
    school = cw.point(name="Brandholmsskolan", lon=IN_BRANDHOLMEN[0], lat=IN_BRANDHOLMEN[1], building_type="school",
                      address="Skolvägen 2", offers=["heat", "rest"])
    service.activate(cw.session, user=cw["coord"], point_id=lib.id, opening_hours="Dygnet runt", offered_now=["heat", "water"])
    return lib, school


def test_public_list_needs_no_login_and_shows_no_person(client, cw, two):
    html = client.get(f"/crisis/{CODE}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Trygghetspunkter i Nyköping" in html and "Stadsbiblioteket" in html and "Brandholmsskolan" in html
    assert html.index("Stadsbiblioteket") < html.index("Brandholmsskolan")  # open first
    assert "Öppen sedan" in html and "Dygnet runt" in html
    for person in ("Sara Samordnare", cw["coord"].email, "Maja Mejl"):
        assert person not in html
    assert 'id="crisis-mail"' not in html  # the e-mail choice needs an account


def test_names_and_codes_lead_to_one_address(client, cw, two):
    r = client.get("/crisis/Nyk%C3%B6ping")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/crisis/{CODE}")
    assert client.get("/crisis/Atlantis").status_code == 404
    assert client.get("/crisis/").status_code == 200


def test_nearest_on_the_server_without_javascript(client, cw, two):
    html = client.get(f"/crisis/{CODE}?lat={IN_BRANDHOLMEN[1]}&lon={IN_BRANDHOLMEN[0]}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert html.index("Brandholmsskolan") < html.index("Stadsbiblioteket")
    assert "fågelvägen ca 1,5 km" in html and "inte gångvägen" in html
    # Swedish decimal commas work too; nonsense keeps the name order with a message.
    html = client.get(f"/crisis/{CODE}?lat=58,755&lon=17,03", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert html.index("Brandholmsskolan") < html.index("Stadsbiblioteket")
    html = client.get(f"/crisis/{CODE}?lat=abc&lon=1e999", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Positionen är inte giltig" in html


def test_geojson_feed(client, cw, two):
    r = client.get(f"/crisis/{CODE}/points.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    data = json.loads(r.get_data(as_text=True))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 2
    lib = next(f for f in data["features"] if f["properties"]["name"] == "Stadsbiblioteket")
    assert lib["geometry"] == {"type": "Point", "coordinates": [IN_CENTRUM[0], IN_CENTRUM[1]]}
    assert lib["properties"]["status"] == ACTIVATED and lib["properties"]["offered_now"] == ["heat", "water"]
    assert lib["properties"]["opening_hours"] == "Dygnet runt"
    assert "actor" not in r.get_data(as_text=True) and cw["coord"].email not in r.get_data(as_text=True)


def test_print_and_point_pages(client, cw, two):
    lib, _school = two
    html = client.get(f"/crisis/{CODE}/print", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Stadsbiblioteket" in html and "Reservkraft" in html and "ring 112" in html
    html = client.get(f"/crisis/points/{lib.id}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Nyköpings kommun, Frivilliga resursgruppen (FRG)" in html and "Öppen nu" in html
    assert "Ändra, öppna eller stäng" not in html
    assert client.get("/crisis/points/99999").status_code == 404


def test_coordinator_creates_and_sees_errors_in_swedish(client, auth, cw):
    auth.as_user(cw["coord"])
    assert client.get(f"/crisis/{CODE}/new").status_code == 200
    form = {"name": "Kyrkan", "lat": f"{OUTSIDE[1]}".replace(".", ","), "lon": f"{OUTSIDE[0]}".replace(".", ","),
            "building_type": "church", "offers": ["heat", "rest"], "organisation_id": "0"}
    r = client.post(f"/crisis/{CODE}/new", data=form, headers={"Accept-Language": "sv"})
    assert r.status_code == 422 and "Platsen ligger utanför Nyköping." in r.get_data(as_text=True)
    assert cw.session.exec(select(CrisisPoint)).first() is None
    form.update(lat="58,7530", lon="17,0050")
    r = client.post(f"/crisis/{CODE}/new", data=form)
    assert r.status_code == 302
    p = cw.session.exec(select(CrisisPoint)).one()
    assert p.name == "Kyrkan" and p.offers == "heat,rest" and (p.lon, p.lat) == (17.005, 58.753)


def test_activate_twice_from_the_page(client, auth, cw):
    p = cw.point()
    auth.as_user(cw["coord"])
    data = {"opening_hours": "08–20", "offered_now": ["heat", "charging"]}
    assert client.post(f"/crisis/points/{p.id}/activate", data=data).status_code == 302
    r = client.post(f"/crisis/points/{p.id}/activate", data={"opening_hours": "Dygnet runt", "offered_now": ["water"]},
                    headers={"Accept-Language": "sv"})
    assert r.status_code == 422 and "Stadsbiblioteket är redan öppen" in r.get_data(as_text=True)
    cw.session.expire_all()
    assert cw.session.get(CrisisPoint, p.id).opening_hours == "08–20"
    r = client.post(f"/crisis/points/{p.id}/activate", data={"opening_hours": "", "offered_now": []}, headers={"Accept-Language": "sv"})
    assert r.status_code == 422
    assert client.post(f"/crisis/points/{p.id}/deactivate").status_code == 302
    cw.session.expire_all()
    assert cw.session.get(CrisisPoint, p.id).status == "deactivated"


@pytest.mark.parametrize("who", ["quiet", "outsider"])
def test_members_cannot_change_points(client, auth, cw, who):
    p = cw.point()
    auth.as_user(cw[who])
    assert client.get(f"/crisis/{CODE}/new").status_code == 403
    assert client.get(f"/crisis/points/{p.id}/edit").status_code == 403
    assert client.post(f"/crisis/points/{p.id}/activate", data={"opening_hours": "x", "offered_now": ["heat"]}).status_code == 403
    assert client.post(f"/crisis/points/{p.id}/deactivate").status_code == 403
    cw.session.expire_all()
    assert cw.session.get(CrisisPoint, p.id).status == "planned"


def test_edit_page_and_change_log(client, auth, cw):
    p = cw.point()
    auth.as_user(cw["coord"])
    html = client.get(f"/crisis/points/{p.id}/edit", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'value="Stadsbiblioteket"' in html and "Skapad" in html
    assert 'value="58,753"' in html and 'id="offers-heat" value="heat" checked' in html  # stored values, Swedish format
    r = client.post(f"/crisis/points/{p.id}/edit", data={"name": "Biblioteket", "lat": "58.753", "lon": "17.005",
                                                         "building_type": "library", "capacity": "0", "organisation_id": "0"})
    assert r.status_code == 422
    r = client.post(f"/crisis/points/{p.id}/edit", data={"name": "Biblioteket", "lat": "58.753", "lon": "17.005",
                                                         "building_type": "library", "organisation_id": "0", "offers": ["heat"]})
    assert r.status_code == 302
    cw.session.expire_all()
    assert cw.session.get(CrisisPoint, p.id).name == "Biblioteket"


def test_mail_choice(client, auth, cw):
    auth.as_user(cw["quiet"])
    html = client.get(f"/crisis/{CODE}").get_data(as_text=True)
    assert 'id="crisis-mail"' in html
    r = client.post("/crisis/mail", data={"email": "y", "next": f"/crisis/{CODE}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/crisis/{CODE}")
    assert cw.session.get(CrisisMailChoice, cw["quiet"].id) is not None
    r = client.post("/crisis/mail", data={"next": "//evil.example"})
    assert r.headers["Location"].endswith("/crisis/")
    cw.session.expire_all()
    assert cw.session.get(CrisisMailChoice, cw["quiet"].id) is None
