"""Activation pushes through watch.push.notices.service: one urgent notice per (nearest area, language) to every device of
the municipality's members, in the activation's transaction; a member who set the area to 'none' is not pushed."""
from __future__ import annotations

from sqlalchemy import select

from watch.crisis import service
from watch.push.devices import preferences
from watch.push.models import LEVEL_NONE, Delivery, PushNotice, PushSubscription

_n = iter(range(1, 10**6))


def device(session, user) -> PushSubscription:
    n = next(_n)
    sub = PushSubscription(user_id=user.id, endpoint=f"https://push.example.net/send/crisis-{n}", p256dh="p" * 87, auth="a" * 22,
                           host="push.example.net")
    session.add(sub)
    session.commit()
    return sub


def test_activation_pushes_to_every_device_in_the_municipality(cw):
    for who in ("mailer", "quiet", "english", "unconfirmed", "outsider", "stranger"):
        device(cw.session, cw[who])
    device(cw.session, cw["quiet"])  # a second phone
    p = cw.point()
    _point, counts = service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="Dygnet runt",
                                      offered_now=["heat", "water"])
    # Devices of Nyköping's members (mailer, quiet ×2, english, unconfirmed): not Oxelösund's, not someone without an area.
    assert counts["push"] == 5
    notices = {n.id: n for n in cw.session.execute(select(PushNotice)).scalars()}
    deliveries = list(cw.session.execute(select(Delivery).where(Delivery.notice_id.in_(list(notices)))).scalars())
    assert {d.user_id for d in deliveries} == {cw[w].id for w in ("mailer", "quiet", "english", "unconfirmed")}
    by_user = {d.user_id: notices[d.notice_id] for d in deliveries}
    sv = by_user[cw["mailer"].id]
    assert sv.title == "Trygghetspunkt öppen: Stadsbiblioteket" and sv.priority == "urgent" and sv.kind == "crisis_point"
    assert sv.body == "fågelvägen ca 1,5 km från Brandholmen. Öppet: Dygnet runt. Erbjuds nu: Värme, Dricksvatten."
    assert sv.url == f"/crisis/points/{p.id}"
    en = by_user[cw["english"].id]
    assert en.title == "Trygghetspunkt open: Stadsbiblioteket" and en.body.startswith("as the crow flies about ")
    assert by_user[cw["quiet"].id].id == by_user[cw["unconfirmed"].id].id  # same area, same language: one notice


def test_a_member_who_turned_the_area_off_gets_no_push(cw):
    device(cw.session, cw["quiet"])
    device(cw.session, cw["english"])
    area = cw.areas["centrum"].id
    preferences.save(cw.session, cw["quiet"], levels={area: LEVEL_NONE}, area_ids={area}, quiet_start=None, quiet_end=None)
    p = cw.point()
    _point, counts = service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="08–20", offered_now=["heat"])
    assert counts["push"] == 1
    users = {d.user_id for d in cw.session.execute(select(Delivery).where(Delivery.notice_id.is_not(None))).scalars()}
    assert users == {cw["english"].id}


def test_a_refused_activation_pushes_nothing(cw):
    device(cw.session, cw["quiet"])
    p = cw.point()
    service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="08–20", offered_now=["heat"])
    before = len(cw.session.execute(select(PushNotice)).all())
    try:
        service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="08–20", offered_now=["heat"])
    except service.ServiceError:
        cw.session.rollback()
    assert len(cw.session.execute(select(PushNotice)).all()) == before
