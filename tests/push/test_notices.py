"""Notices (non-alert pushes): stored once, one delivery per device, sent by the real worker over the real protocol."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.push.helpers import World
from watch.push.devices import preferences
from watch.push.delivery.batches import purge
from watch.push.models import Delivery, PushNotice
from watch.push.notices.service import notice_receipt, send_notice
from watch.push.delivery.worker import Worker


def rows(session, notice_id):
    session.expire_all()
    return list(session.execute(select(Delivery).where(Delivery.notice_id == notice_id)).scalars())


def quiet_now(session, user):
    """Quiet hours for the user around the present minute."""
    minute = preferences.local_minute()
    start, end = (minute - 60) % 1440, (minute + 60) % 1440
    from datetime import time

    preferences.save(session, user, levels={}, area_ids=set(), quiet_start=time(start // 60, start % 60),
                     quiet_end=time(end // 60, end % 60))


def test_a_notice_reaches_every_device_of_the_users_decryptable_with_title_body_url(app, session, world: World, pushsvc):
    member, police = world.people["member"], world.people["police"]
    notice = send_notice(session, user_ids=[member.id, police.id, member.id], title="Krispunkten Gamla stan är öppen",
                         body="Kom till biblioteket, Storgatan 1.", url="/crisis/7", kind="crisis_point", priority="urgent",
                         ttl=3600)
    session.commit()
    assert len(rows(session, notice.id)) == 2  # one per device, the repeated user id counted once
    Worker(app).drain(10)
    got = {pushsvc.sub_id(m.sub_id): m for m in pushsvc.received()}
    assert set(got) == {pushsvc.sub_id(world.devices["member"]), pushsvc.sub_id(world.devices["police"])}
    assert pushsvc.rejections == []
    for message in got.values():
        assert message.payload == {"title": "Krispunkten Gamla stan är öppen", "body": "Kom till biblioteket, Storgatan 1.",
                                   "url": "/crisis/7", "notice_id": notice.id, "kind": "crisis_point",
                                   "tag": f"notice-{notice.id}"}
        assert message.topic == f"notice-{notice.id}"
        assert message.urgency == "high"
        assert message.ttl == 3600
    done = rows(session, notice.id)
    assert {r.status for r in done} == {"sent"} and {r.alert_id for r in done} == {None}
    assert {r.kind for r in done} == {"notice"}
    assert notice_receipt(session, notice.id) == {"devices_total": 2, "sent": 2, "pending": 0, "failed": 0, "gone": 0}


def test_a_normal_notice_has_normal_urgency_and_skips_users_in_quiet_hours_an_urgent_one_does_not(app, session, world: World, pushsvc):
    member, contact = world.people["member"], world.people["contact"]
    quiet_now(session, member)
    normal = send_notice(session, user_ids=[member.id, contact.id], title="Påminnelse", body="Din vaktrunda börjar 19.00.",
                         url="/walks", kind="rota_reminder")
    urgent = send_notice(session, user_ids=[member.id, contact.id], title="Krispunkt öppen", url="/crisis/1",
                         kind="crisis_point", priority="urgent")
    session.commit()
    assert {r.user_id for r in rows(session, normal.id)} == {contact.id}
    assert {r.user_id for r in rows(session, urgent.id)} == {member.id, contact.id}
    Worker(app).drain(10)
    by_notice = {}
    for m in pushsvc.received():
        by_notice.setdefault(m.payload["notice_id"], []).append(m)
    assert {m.urgency for m in by_notice[normal.id]} == {"normal"}
    assert len(by_notice[urgent.id]) == 2
    assert by_notice[normal.id][0].payload["body"] == "Din vaktrunda börjar 19.00."


@pytest.mark.parametrize("level,priority,gets", [
    ("none", "urgent", False),
    ("none", "normal", False),
    ("urgent", "urgent", True),
    ("urgent", "normal", False),
    ("all", "normal", True),
])
def test_with_an_area_the_area_preference_applies(app, session, world: World, level, priority, gets):
    member = world.people["member"]
    preferences.save(session, member, levels={world.area.id: level}, area_ids={world.area.id}, quiet_start=None, quiet_end=None)
    notice = send_notice(session, user_ids=[member.id], title="Krispunkt", url="/crisis/2", kind="crisis_point",
                         priority=priority, area_id=world.area.id)
    session.commit()
    assert bool(rows(session, notice.id)) is gets


@pytest.mark.parametrize("change", [
    {"title": ""}, {"title": "x" * 121}, {"body": "x" * 501}, {"url": "https://evil.example/"}, {"url": "//evil.example/x"},
    {"url": "crisis/1"}, {"url": "/a b"}, {"kind": ""}, {"priority": "high"}, {"ttl": 0}, {"ttl": 29 * 24 * 3600},
])
def test_bad_values_are_refused_and_nothing_is_written(app, session, world: World, change):
    values = {"title": "Krispunkt", "body": "", "url": "/crisis/3", "kind": "crisis_point", "priority": "normal", "ttl": 600}
    values.update(change)
    with pytest.raises(ValueError):
        send_notice(session, user_ids=[world.people["member"].id], **values)
    session.rollback()
    assert session.execute(select(func.count()).select_from(PushNotice)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(Delivery)).scalar_one() == 0


def test_a_rolled_back_notice_sends_nothing_and_no_users_stores_only_the_notice(app, session, world: World, pushsvc):
    send_notice(session, user_ids=[world.people["member"].id], title="Krispunkt", url="/crisis/4", kind="crisis_point")
    session.rollback()
    empty = send_notice(session, user_ids=[], title="Krispunkt", url="/crisis/4", kind="crisis_point")
    session.commit()
    assert empty.id is not None and rows(session, empty.id) == []
    assert Worker(app).drain(5) == 0
    assert pushsvc.received() == []


def test_purge_keeps_a_fresh_notice_and_removes_an_old_one_with_its_deliveries(app, session, world: World):
    from watch.core.time import utcnow

    fresh = send_notice(session, user_ids=[world.people["member"].id], title="Ny", url="/crisis/5", kind="crisis_point")
    old = send_notice(session, user_ids=[world.people["member"].id], title="Gammal", url="/crisis/6", kind="crisis_point",
                      now=utcnow() - timedelta(days=40))
    session.commit()
    fresh_id, old_id = fresh.id, old.id
    purge(session, retention_days=30)
    session.commit()
    assert len(rows(session, fresh_id)) == 1  # not taken for an orphan of a missing alert
    assert rows(session, old_id) == [] and session.get(PushNotice, old_id) is None


def test_account_deletion_removes_the_users_notice_deliveries(app, session, world: World):
    from watch.core import events

    member = world.people["member"]
    notice = send_notice(session, user_ids=[member.id, world.people["contact"].id], title="Krispunkt", url="/crisis/8",
                         kind="crisis_point")
    session.commit()
    events.user_deleting.send(member, session=session)
    session.commit()
    assert {r.user_id for r in rows(session, notice.id)} == {world.people["contact"].id}


def test_the_service_worker_shows_notices_with_their_url(client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert "notice_id: data.notice_id" in body and "safeUrl(data.url)" in body
