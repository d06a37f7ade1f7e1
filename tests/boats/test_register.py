"""Boats, engines and photos in the register (boat watch)."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import select

from watch.areas.models import AreaKind
from watch.boats import service as boats
from watch.boats.models import Boat, BoatEngine
from watch.core.errors import ServiceError


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (10, 80, 160))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (59, 0, 0), 4: (18, 0, 0)}  # GPS latitude/longitude
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_register_boat_engine_photo(client, auth, session, world):
    auth.as_user(world.owner)
    r = client.post(f"/api/v1/areas/{world.area.id}/boats", json={"name": "Linnea", "length_m": 5.5, "hull_id": "SE-ABC12345D404"})
    assert r.status_code == 201 and r.headers["Location"].endswith(f"/boats/{r.get_json()['id']}")
    boat_id = r.get_json()["id"]
    r = client.post(f"/api/v1/areas/boats/{boat_id}/engines", json={"make": "Honda", "power_hp": 15, "serial_number": "BAAJ-1100123", "marking": "DNA-märkt"})
    assert r.status_code == 201
    raw = _jpeg_with_gps()
    assert b"SecretCam" in raw
    r = client.post(f"/areas/boats/{boat_id}/photo", data={"photo": (io.BytesIO(raw), "b.jpg")}, content_type="multipart/form-data")
    assert r.status_code == 302
    photo = client.get(f"/areas/boats/{boat_id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert b"SecretCam" not in photo.data
    assert not Image.open(io.BytesIO(photo.data)).getexif()
    auth.as_user(world.people["member"])
    assert client.get(f"/areas/boats/{boat_id}/photo").status_code == 404
    auth.as_user(world.people["police_same"])
    assert client.get(f"/areas/boats/{boat_id}/photo").status_code == 200


@pytest.mark.parametrize("data,code", [(b"not an image", "photo_invalid"), (b"\x89PNG\r\n\x1a\n broken", "photo_invalid")])
def test_bad_photo(session, world, data, code):
    with pytest.raises(ServiceError) as err:
        boats.set_photo(session, world.owner, world.boat.id, data)
    assert err.value.code == code
    assert session.get(Boat, world.boat.id).photo is None


def test_photo_too_large(session, world, app):
    app.config["AREA_PHOTO_MAX_BYTES"] = 100
    with pytest.raises(ServiceError) as err:
        boats.set_photo(session, world.owner, world.boat.id, _jpeg_with_gps())
    assert err.value.status == 413


@pytest.mark.parametrize("fields,field", [
    ({"name": ""}, "name"), ({"name": "x" * 81}, "name"), ({"name": "A", "length_m": "lång"}, "length_m"),
    ({"name": "A", "length_m": "nan"}, "length_m"), ({"name": "A", "length_m": 1000}, "length_m"),
])
def test_bad_boat_fields(session, world, fields, field):
    before = len(session.exec(select(Boat)).all())
    with pytest.raises(ServiceError) as err:
        boats.register_boat(session, world.owner, world.area.id, **fields)
    assert err.value.details["field"] == field
    assert len(session.exec(select(Boat)).all()) == before


def test_boats_only_in_boat_watch_and_for_members(session, world, make_area, make_user):
    house = make_area(kind=AreaKind.grannsamverkan, at=(17.3, 58.7))
    with pytest.raises(ServiceError) as err:
        boats.register_boat(session, world.owner, house.id, name="A")
    assert err.value.code == "not_boat_watch"
    with pytest.raises(ServiceError) as err:
        boats.register_boat(session, world.people["non_member"], world.area.id, name="A")
    assert err.value.code == "not_a_member"


def test_html_boat_flow(client, auth, session, world):
    auth.as_user(world.owner)
    r = client.post(f"/areas/{world.area.id}/boats", data={"name": "Kajsa", "boat_type": "Motorbåt", "length_m": "6,1", "mooring": "Brygga B plats 12"})
    assert r.status_code == 302
    boat = session.exec(select(Boat).where(Boat.name == "Kajsa")).one()
    assert boat.length_m == 6.1
    r = client.post(f"/areas/boats/{boat.id}", data={"make": "Evinrude", "model": "E-TEC", "power_hp": "40", "serial_number": "G123"})
    assert r.status_code == 302
    assert session.exec(select(BoatEngine).where(BoatEngine.boat_id == boat.id)).one().make == "Evinrude"
    assert client.post(f"/areas/{world.area.id}/boats", data={"name": ""}).status_code == 422


def test_typed_decimals_are_accepted_and_shown_the_swedish_way(client, auth, session, world):
    """Issue 15.10: "4,9" typed is 4.9 and shown "4,9 m"; 40 hp is "40 hk", not "40.0 hk"; "1 200" is a number."""
    auth.as_user(world.owner)
    r = client.post(f"/areas/{world.area.id}/boats", data={"name": "Sjöbris", "length_m": " 4,9 "})
    assert r.status_code == 302
    boat = session.exec(select(Boat).where(Boat.name == "Sjöbris")).one()
    assert boat.length_m == 4.9
    for hp in ("40", "9,9", "1 200"):
        assert client.post(f"/areas/boats/{boat.id}", data={"make": "Yamaha", "power_hp": hp}).status_code == 302
    page = client.get(f"/areas/boats/{boat.id}").get_data(as_text=True)
    page = page.replace("\u00a0", " ")  # Babel's group separator and the space before a unit do not break
    facts = page[page.index('class="area-facts"'):page.index("</dl>")]
    assert "4,9 m" in facts, facts
    engines = page[page.index('id="engine-list"'):]
    assert "· 40 hk" in engines and "40.0" not in engines and "· 9,9 hk" in engines and "· 1 200 hk" in engines
    bad = client.post(f"/areas/boats/{boat.id}", data={"make": "Yamaha", "power_hp": "4,9,1"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "måste vara ett tal mellan 0,5 och 2\u00a0000" in text and 'value="4,9,1"' in text
