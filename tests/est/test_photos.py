"""Report photos lose their EXIF (GPS, camera) as alert photos do; only who may see the report sees them."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from tests.alerts.conftest import image_bytes
from tests.est.conftest import MUNI


def _exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (58.0, 45.0, 7.0), 3: "E", 4: (17.0, 0.0, 18.0)}
    return image_bytes("JPEG", size=(1200, 800), exif=exif)


def test_form_and_api_photos_are_stripped_and_guarded(est, client, auth, session):
    auth.as_user(est["reporter"])
    when = (datetime.now(UTC) - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    form = {"organisation_id": est.orgs["tekniska"].id, "occurred_at": when, "what": "skadegorelse:klotter",
            "place_id": est.place.id, "setting": "outdoor", "source": "klotter", "client_key": "p1",
            "photos": (io.BytesIO(_exif_jpeg()), "klotter.jpg")}
    assert client.post(f"/est/{MUNI}/report", data=form, content_type="multipart/form-data").status_code == 302
    from sqlmodel import select

    from watch.est.models import EstPhoto, EstReport

    report = session.exec(select(EstReport)).one()
    photo = session.exec(select(EstPhoto)).one()
    body = client.get(f"/est/{MUNI}/photos/{photo.id}")
    assert body.status_code == 200
    with Image.open(io.BytesIO(body.data)) as image:
        assert not image.getexif() and "exif" not in image.info
    r = client.post(f"/api/v1/est/reports/{report.id}/photos", data={"photo": (io.BytesIO(_exif_jpeg()), "b.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["width"] <= 1200
    bad = client.post(f"/api/v1/est/reports/{report.id}/photos", data={"photo": (io.BytesIO(b"not an image"), "x.jpg")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "photo_type"
    auth.as_user(est["housing"])  # another organisation's report: neither the photo nor adding one
    assert client.get(f"/est/{MUNI}/photos/{photo.id}").status_code == 404
    assert client.post(f"/api/v1/est/reports/{report.id}/photos", data={"photo": (io.BytesIO(_exif_jpeg()), "c.jpg")},
                       content_type="multipart/form-data").status_code == 404
    auth.as_user(est["reader"])
    assert client.post(f"/api/v1/est/reports/{report.id}/photos", data={"photo": (io.BytesIO(_exif_jpeg()), "c.jpg")},
                       content_type="multipart/form-data").status_code == 403
