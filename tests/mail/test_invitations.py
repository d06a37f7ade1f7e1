"""Invitations by e-mail from an area's members page; the share page with copy, share and a printable QR (issue 11)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete
from sqlmodel import select

from tests.mail.conftest import body, links
from watch.areas.models import AreaInvite
from watch.areas.service import membership_of
from watch.mail.models import OutboxMessage
from watch.mail.sender import send_due


def _active_area(session, make_user):
    from datetime import date

    from watch.areas.registration import service as registration
    from watch.areas.models import AreaStatus

    contact = make_user(name="Kim Kontakt")
    polis = make_user(police=True, municipality="Nyköping")
    ring = [[16.99, 58.75], [17.01, 58.75], [17.01, 58.76], [16.99, 58.76], [16.99, 58.75]]
    area = registration.create_area(session, contact, kind="grannsamverkan", name="Björkgatan", municipality="Nyköping",
                                    geometry_data={"type": "Polygon", "coordinates": [ring]})
    registration.mark_trained(session, polis, area.id, user_id=contact.id, trained_on=date.today())
    registration.approve_area(session, polis, area.id)
    assert area.status == AreaStatus.active
    session.exec(delete(OutboxMessage))
    session.commit()
    return area, contact


def _path(url: str) -> str:
    assert url.startswith("https://tryggranne.test/"), url
    return urlsplit(url).path


def test_accept_an_emailed_invitation(app, client, auth, session, make_user, smtp):
    area, contact = _active_area(session, make_user)
    neighbour = make_user(email="granne@example.se", locale="en")
    session.exec(delete(OutboxMessage))
    session.commit()
    auth.as_user(contact)
    page = client.get(f"/areas/{area.id}/members")
    assert f"/areas/{area.id}/invites/email" in page.text
    r = client.post(f"/areas/{area.id}/invites/email", data={"addresses": "granne@example.se,\nny.granne@example.se; granne@example.se", "days": "7"})
    assert r.status_code == 302
    send_due(app)
    assert sorted(m["To"] for m in smtp.messages) == ["granne@example.se", "ny.granne@example.se"]
    english = next(m for m in smtp.messages if m["To"] == "granne@example.se")
    swedish = next(m for m in smtp.messages if m["To"] == "ny.granne@example.se")
    assert english["Subject"] == "Invitation to Björkgatan" and "Kim Kontakt" in body(english)
    assert swedish["Subject"] == "Inbjudan till Björkgatan" and "112" in body(swedish)
    [link] = [u for u in links(english) if "/areas/join/" in u]
    auth.as_user(neighbour)
    assert "Björkgatan" in client.get(_path(link)).text
    assert client.post(_path(link)).status_code == 302
    assert membership_of(session, neighbour, area.id) is not None


def test_the_share_page_has_copy_share_print_and_a_qr_code(app, client, auth, session, make_user, smtp):
    area, contact = _active_area(session, make_user)
    auth.as_user(contact)
    r = client.post(f"/areas/{area.id}/members", data={"days": "7"})
    assert r.status_code == 302 and "/invites/" in r.headers["Location"]
    page = client.get(r.headers["Location"]).text
    invite = session.exec(select(AreaInvite)).one()
    assert "data-copy=" in page and "data-share=" in page and "data-print" in page
    assert "<svg" in page and "https://tryggranne.test/areas/join/" in page
    assert "<script>" not in page  # CSP: module files only
    # The QR code encodes the invite link (decode the SVG's module matrix back with segno's own encoder).
    import segno

    url = [u for u in page.split('value="')[1:] if u.startswith("https://")][0].split('"')[0]
    assert segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff") in page
    assert client.get(f"/areas/{area.id}/invites/{invite.id + 99}").status_code == 404
    auth.as_user(make_user())
    assert client.get(f"/areas/{area.id}/invites/{invite.id}").status_code in (403, 404)


@pytest.mark.parametrize("addresses, message", [
    ("", "obligatoriskt"),
    ("inte-en-adress", "inte en giltig e-postadress"),
    ("a@example.se, b@", "b@ är inte en giltig e-postadress"),
    ("a@example.se\r\nBcc: all@example.se", "Bcc: är inte en giltig"),
    (", ".join(f"p{i}@example.se" for i in range(21)), "Högst 20 adresser"),
    ("x" * 300 + "@example.se", "inte en giltig e-postadress"),
])
def test_bad_address_lists_get_a_clear_message_and_send_nothing(app, client, auth, session, make_user, smtp, addresses, message):
    area, contact = _active_area(session, make_user)
    auth.as_user(contact)
    r = client.post(f"/areas/{area.id}/invites/email", data={"addresses": addresses, "days": "7"})
    assert r.status_code == 422 and message in r.text, r.text[-3000:]
    assert session.exec(select(OutboxMessage)).all() == []
    assert session.exec(select(AreaInvite)).all() == []


def test_only_the_areas_contacts_may_invite_by_email(app, client, auth, session, make_user, smtp):
    area, _contact = _active_area(session, make_user)
    auth.as_user(make_user())
    assert client.post(f"/areas/{area.id}/invites/email", data={"addresses": "a@example.se", "days": "7"}).status_code in (403, 404)
    assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "area_invitation")).all() == []
