"""Boat photos through the API (same checks as the page)."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests.areas.conftest import ROLES, login_as
from watch.boats.models import Boat

from .test_register import _jpeg_with_gps


def _upload(client, boat_id, data, name="b.jpg"):
    return client.post(f"/api/v1/areas/boats/{boat_id}/photo", data={"photo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be huge: a decompression bomb for whoever decodes it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))


def _truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()[: len(out.getvalue()) // 2]


def _photo(session, boat_id):
    session.expire_all()
    return session.get(Boat, boat_id).photo


def test_owner_uploads_photo_without_exif(client, auth, session, world):
    auth.as_user(world.owner)
    r = _upload(client, world.boat.id, _jpeg_with_gps())
    assert r.status_code == 200, r.get_json()
    url = r.get_json()["photo_url"]
    photo = client.get(url)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert b"SecretCam" not in photo.data and not Image.open(io.BytesIO(photo.data)).getexif()
    first = _photo(session, world.boat.id)
    assert _upload(client, world.boat.id, _jpeg_with_gps()).status_code == 200
    assert _photo(session, world.boat.id) != first  # replaced, the old file removed
    r = client.delete(f"/api/v1/areas/boats/{world.boat.id}/photo")
    assert r.status_code == 200 and r.get_json()["photo_url"] is None and _photo(session, world.boat.id) is None
    assert client.delete(f"/api/v1/areas/boats/{world.boat.id}/photo").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_uploads(client, auth, session, world, role):
    login_as(auth, world.people, role)
    status = _upload(client, world.boat.id, _jpeg_with_gps()).status_code
    expected = {"anonymous": 401, "admin": 200, "contact": 403, "police_same": 403}.get(role, 404)
    assert status == expected
    assert (_photo(session, world.boat.id) is not None) == (role == "admin")


@pytest.mark.parametrize("data,status,code", [
    (b"not an image", 422, "photo_invalid"),
    (b"\x89PNG\r\n\x1a\n broken", 422, "photo_invalid"),
    ("truncated", 422, "photo_invalid"),
    ("bomb", 413, "photo_too_large"),  # 64 megapixels in a few hundred bytes
    ("huge_bomb", None, None),  # so many pixels that Pillow itself refuses to open it
])
def test_bad_photos_are_refused(client, auth, session, world, data, status, code):
    data = {"truncated": _truncated_jpeg(), "bomb": _png_header(8000, 8000), "huge_bomb": _png_header(20000, 20000)}.get(data, data)
    auth.as_user(world.owner)
    r = _upload(client, world.boat.id, data)
    assert r.status_code == status if status else r.status_code in (413, 422)
    if code:
        assert r.get_json()["error"]["code"] == code
    assert _photo(session, world.boat.id) is None


def test_photo_size_limit_and_missing_file(client, auth, session, app, world):
    auth.as_user(world.owner)
    app.config["AREA_PHOTO_MAX_BYTES"] = 200
    r = _upload(client, world.boat.id, _jpeg_with_gps())
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "photo_too_large"
    r = client.post(f"/api/v1/areas/boats/{world.boat.id}/photo", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "photo_missing"
    r = client.post(f"/api/v1/areas/boats/{world.boat.id}/photo", json={"photo": "aGVq"})
    assert r.status_code == 422
    assert _photo(session, world.boat.id) is None


def test_photo_route_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert any(p.endswith("/boats/{boat_id}/photo") and "post" in ops for p, ops in paths.items())
