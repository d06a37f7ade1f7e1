"""Photos: re-encoded without EXIF, bounded, refused when not a sane image, served only to viewers."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import func, select

from tests.alerts.conftest import image_bytes
from watch.alerts.models import Alert, AlertPhoto

GOOD = {"category": "bicycle_theft", "text": "Cykel stulen från stället", "lon": "17.005", "lat": "58.752"}


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (58.0, 45.0, 7.0), 3: "E", 4: (17.0, 0.0, 18.0)}  # GPSInfo
    return image_bytes("JPEG", size=(3000, 1500), exif=exif)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photo_is_reencoded_without_metadata(fmt, world, post, session, app):
    raw = _exif_with_gps() if fmt == "JPEG" else image_bytes(fmt, size=(3000, 1500))
    alert = post("member", photos=[raw])
    photo = session.exec(select(AlertPhoto).where(AlertPhoto.alert_id == alert.id)).one()
    from watch.alerts.photos import photo_dir

    stored = (photo_dir() / photo.filename).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == app.config["ALERTS_PHOTO_MAX_DIMENSION"]
        assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 MP, a few kB on the wire
    return out.getvalue()


BAD = [
    (b"%PDF-1.4 not an image at all", "photo_type"),
    (image_bytes("JPEG")[:200], "photo_broken"),
    (None, "photo_bomb"),
    (image_bytes("GIF"), "photo_type"),
    (b"", "photo_empty"),
]


@pytest.mark.parametrize("raw,code", BAD, ids=[c + str(i) for i, (_, c) in enumerate(BAD)])
def test_bad_photo_refused_and_nothing_stored(raw, code, world, post, session, app):
    from watch.core.errors import ServiceError

    raw = _bomb() if raw is None else raw
    with pytest.raises(ServiceError) as err:
        post("member", photos=[raw])
    assert err.value.code == code
    assert session.exec(select(func.count()).select_from(Alert)).one() == 0
    from watch.alerts.photos import photo_dir

    assert list(photo_dir().iterdir()) == []


def test_photo_over_the_size_limit(world, post, session, app):
    from watch.core.errors import ServiceError

    app.config["ALERTS_PHOTO_MAX_BYTES"] = 1000
    with pytest.raises(ServiceError) as err:
        post("member", photos=[image_bytes("PNG", size=(400, 400), color=(1, 2, 3)) + b"\0" * 2000])
    assert err.value.code == "photo_too_large"


@pytest.mark.parametrize("role,status", [("member", 200), ("police", 200), ("other_member", 404), ("admin", 200)])
def test_photo_served_only_to_viewers(role, status, world, post, session, client, auth):
    alert = post("member", photos=[image_bytes()])
    photo = session.exec(select(AlertPhoto)).one()
    auth.as_user(world.user(role))
    res = client.get(f"/alerts/{alert.id}/photos/{photo.id}")
    assert res.status_code == status
    if status == 200:
        assert res.mimetype == "image/jpeg" and res.headers["Cache-Control"] == "private, max-age=3600"


def test_photo_of_another_alert_by_id_is_404(world, post, session, client, auth):
    a = post("member", photos=[image_bytes()])
    b = post("other_member", at=world.other_inside, photos=[image_bytes()])
    photo_b = session.exec(select(AlertPhoto).where(AlertPhoto.alert_id == b.id)).one()
    auth.as_user(world.user("member"))
    assert client.get(f"/alerts/{a.id}/photos/{photo_b.id}").status_code == 404


def test_api_photo_upload_by_author_only(world, post, session, client, auth):
    alert = post("member")
    auth.as_user(world.user("contact"))
    res = client.post(f"/api/v1/alerts/{alert.id}/photos", data={"photo": (io.BytesIO(image_bytes()), "a.jpg")})
    assert res.status_code == 403
    auth.as_user(world.user("member"))
    res = client.post(f"/api/v1/alerts/{alert.id}/photos", data={"photo": (io.BytesIO(image_bytes()), "a.jpg")})
    assert res.status_code == 201 and res.get_json()["url"].startswith(f"/alerts/{alert.id}/photos/")
    res = client.post(f"/api/v1/alerts/{alert.id}/photos", data={"photo": (io.BytesIO(b"nope"), "a.jpg")})
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "photo_type"


def test_html_post_without_js_with_photo(world, client, auth, session):
    """No script: no lat/lon, the chosen area's centre is used; the photo comes along."""
    auth.as_user(world.user("member"))
    data = {**GOOD, "lon": "", "lat": "", "area_id": str(world.area.id), "photos": (io.BytesIO(image_bytes()), "cykel.jpg")}
    res = client.post("/alerts/new", data=data, content_type="multipart/form-data")
    assert res.status_code == 302, res.get_data(as_text=True)
    alert = session.exec(select(Alert)).one()
    assert world.area.min_lon <= alert.lon <= world.area.max_lon
    assert session.exec(select(func.count()).select_from(AlertPhoto)).one() == 1
