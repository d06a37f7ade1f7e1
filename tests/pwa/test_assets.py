"""Versioned static URLs, cache lifetimes and gzip."""
from __future__ import annotations

import gzip
import re

import pytest
from flask import render_template_string, url_for

CSS = "css/app.css"


def test_url_for_static_is_versioned(app):
    with app.test_request_context():
        url = url_for("static", filename=CSS)
        assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", url)
        assert render_template_string("{{ static_url('css/app.css') }}") == url
        assert url_for("static", filename="nope/missing.css") == "/static/nope/missing.css"
        assert re.fullmatch(r"/vendor/leaflet/leaflet\.js\?v=[\d.]+", url_for("vendor.asset", name="leaflet", filename="leaflet.js"))


def test_versioned_request_is_immutable(app, client):
    with app.test_request_context():
        url = url_for("static", filename=CSS)
    r = client.get(url)
    assert r.status_code == 200
    cc = r.headers["Cache-Control"]
    assert "immutable" in cc and "max-age=31536000" in cc and "public" in cc


@pytest.mark.parametrize("query", ["", "?v=0000deadbeef"])
def test_unversioned_or_stale_request_revalidates(client, query):
    r = client.get(f"/static/{CSS}{query}")
    assert r.status_code == 200
    assert "no-cache" in r.headers["Cache-Control"] and "immutable" not in r.headers["Cache-Control"]


def test_vendor_versioned_request_is_immutable(app, client):
    with app.test_request_context():
        url = url_for("vendor.asset", name="leaflet", filename="leaflet.css")
    assert "immutable" in client.get(url).headers["Cache-Control"]


@pytest.mark.parametrize("path", [f"/static/{CSS}", "/vendor/leaflet/leaflet.js", "/", "/sw.js", "/manifest.webmanifest"])
def test_text_is_gzipped_when_accepted(client, path):
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)
    if path.startswith("/static") or path.startswith("/vendor"):
        assert gzip.decompress(zipped.data) == plain.data
    else:
        # pages carry a fresh CSRF token each time; compare the shape only
        assert gzip.decompress(zipped.data)[:40] == plain.data[:40]


def test_gzip_has_its_own_etag_and_revalidates(client):
    path = f"/static/{CSS}"
    plain_etag = client.get(path).headers["ETag"]
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    etag = zipped.headers["ETag"]
    assert etag != plain_etag and etag.endswith('-gz"')
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert "Content-Encoding" not in again.headers
    plain_again = client.get(path, headers={"If-None-Match": plain_etag})
    assert plain_again.status_code == 304


def test_images_and_ranges_are_not_recompressed(client):
    png = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "gzip"})
    assert png.status_code == 200 and "Content-Encoding" not in png.headers
    part = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers and len(part.data) == 100


def test_api_errors_are_compressed_but_stay_json(client):
    r = client.get("/api/v1/does-not-exist", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 404
    assert r.mimetype == "application/json"


def test_gzip_can_be_turned_off(config):
    from watch import create_app

    config["STATIC_GZIP"] = False
    app = create_app(config)
    r = app.test_client().get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers
