"""Observations: bad pins refused, replays stored once, photos stripped, each one in the EST picture as a safety walk."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import func, select

from tests.walks.conftest import IN_BRANDHOLMEN, IN_CENTRUM, OUTSIDE, image_bytes
from watch.core.errors import ServiceError
from watch.est.models import EstReport
from watch.walks import observations
from watch.walks.models import WalkObservation


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def observe(world, walk, who="participant", **kw):
    data = dict(lon=IN_CENTRUM[0], lat=IN_CENTRUM[1], category="lighting_broken", note="Lampan vid tunneln är trasig")
    data.update(kw)
    return observations.observe(world.session, user=world[who], walk_id=walk.id, data=observations.ObservationIn(**data))


def test_an_observation_feeds_est_with_its_source(world, session):
    walk = world.plan()
    obs = observe(world, walk)
    report = session.get(EstReport, obs.est_report_id)
    assert report.source == "trygghetsvandring" and report.category == "otrygg_plats" and report.subcategory == "belysning"
    assert report.organisation_id == world.orgs["tekniska"].id and report.reporter_id == world["participant"].id
    assert (report.lon, report.lat) == IN_CENTRUM


def test_a_safe_pleasant_place_is_kept_but_is_no_incident_for_est(world, session):
    walk = world.plan()
    obs = observe(world, walk, category="safe_place", lon=IN_BRANDHOLMEN[0], lat=IN_BRANDHOLMEN[1], note="Fin belysning i parken")
    assert obs.id and obs.est_report_id is None
    assert count(session, EstReport) == 0


@pytest.mark.parametrize("kw, code", [
    (dict(lon=OUTSIDE[0], lat=OUTSIDE[1]), "outside_municipality"),
    (dict(lon=None, lat=None), "where_missing"),
    (dict(lon=float("nan"), lat=58.75), "position_invalid"),
    (dict(category="ufo"), "category_unknown"),
    (dict(note="Lappen hade 811218-9876 på sig"), "personnummer"),
    (dict(photo=b"not an image"), "photo_type"),
])
def test_bad_input_is_refused_and_nothing_is_stored(world, session, kw, code):
    walk = world.plan()
    with pytest.raises(ServiceError) as exc:
        observe(world, walk, **kw)
    assert exc.value.code == code and exc.value.status == 422
    session.rollback()
    assert count(session, WalkObservation) == 0 and count(session, EstReport) == 0


def test_a_replayed_submission_is_stored_once(world, session):
    walk = world.plan()
    first = observe(world, walk, client_key="phone-key-1")
    again = observe(world, walk, client_key="phone-key-1")
    assert again.id == first.id
    assert count(session, WalkObservation) == 1 and count(session, EstReport) == 1


def test_only_participants_observe_and_not_after_publication(world, session):
    walk = world.plan()
    with pytest.raises(ServiceError) as exc:
        observe(world, walk, who="outsider")
    assert exc.value.status == 404
    session.rollback()
    walk.status = "protocol_published"
    session.add(walk)
    session.commit()
    with pytest.raises(ServiceError) as exc:
        observe(world, walk)
    assert exc.value.code == "walk_closed"


def test_the_photo_loses_its_exif(world, session):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (58.0, 45.0, 7.0), 3: "E", 4: (17.0, 0.0, 18.0)}
    walk = world.plan()
    obs = observe(world, walk, photo=image_bytes("JPEG", exif=exif))
    stored = (observations.photo_dir() / obs.photo).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    assert b"PhoneMaker" not in stored
