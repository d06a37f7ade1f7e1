"""The organisations registry: admin pages, API, access helpers, GDPR."""
from __future__ import annotations

import pytest

from watch.accounts import service as accounts
from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.organisations import access, service
from watch.organisations.models import Organisation, OrganisationMembership


def test_admin_creates_organisation_and_adds_member_on_the_pages(client, auth, make_user, session):
    admin = auth.as_user(make_user(admin=True))
    worker = make_user(email="anna@bostad.se")
    page = client.get("/admin/organisations/")
    assert page.status_code == 200 and "Ny organisation" in page.get_data(as_text=True)
    r = client.post("/admin/organisations/", data={"municipality": "Nyköping", "name": "Nyköpingshem", "kind": "housing_company"})
    org = session.exec(Organisation.__table__.select()).first()
    assert r.status_code == 302 and r.location.endswith(f"/admin/organisations/{org.id}")
    client.post(f"/admin/organisations/{org.id}/members", data={"m-email": "anna@bostad.se", "m-role": "rapportor"})
    html = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "anna@bostad.se" in html and "Rapportör" in html and "Bostadsbolag" in html
    assert access.est_role(session, worker, "Nyköping") == "rapportor"
    assert admin.is_admin


def test_duplicate_name_is_refused_with_a_swedish_message(client, auth, make_user, make_org):
    auth.as_user(make_user(admin=True))
    make_org("Fritid", "Nyköping")
    html = client.post("/admin/organisations/", data={"municipality": "Nyköping", "name": "fritid", "kind": "municipal_unit"}).get_data(as_text=True)
    assert "Kommunen har redan en organisation med det namnet." in html


def test_unknown_email_is_refused_and_nothing_is_written(client, auth, make_user, make_org, session):
    auth.as_user(make_user(admin=True))
    org = make_org()
    r = client.post(f"/admin/organisations/{org.id}/members", data={"m-email": "nobody@example.se", "m-role": "rapportor"})
    assert r.status_code == 302
    assert "Ingen användare med den e-postadressen." in client.get(r.location).get_data(as_text=True)
    assert session.exec(OrganisationMembership.__table__.select()).first() is None


@pytest.mark.parametrize("path", ["/admin/organisations/", "/admin/organisations/1"])
def test_non_admins_cannot_reach_admin_pages(client, auth, make_user, make_org, join, path):
    org = make_org()
    user = make_user()
    join(user, org, "samordnare")
    auth.as_user(user)
    assert client.get(path).status_code == 403


def test_api_crud_and_envelopes(client, auth, make_user, session):
    auth.as_user(make_user(admin=True))
    worker = make_user(email="vakt@securitas.se")
    r = client.post("/api/v1/organisations", json={"municipality": "Nynäshamn", "name": "Securitas", "kind": "security_company"})
    assert r.status_code == 201 and r.headers["Location"].startswith("/api/v1/organisations/")
    oid = r.get_json()["id"]
    assert client.post("/api/v1/organisations", json={"municipality": "Nynäshamn", "name": "Securitas", "kind": "security_company"}).status_code == 409
    bad = client.post("/api/v1/organisations", json={"municipality": "Nynäshamn", "name": "X", "kind": "gang"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_error"
    m = client.post(f"/api/v1/organisations/{oid}/members", json={"email": "vakt@securitas.se", "role": "lasare"})
    assert m.status_code == 201 and m.get_json()["role"] == "lasare"
    mid = m.get_json()["id"]
    assert client.patch(f"/api/v1/organisations/{oid}/members/{mid}", json={"role": "rapportor"}).get_json()["role"] == "rapportor"
    assert access.reporting_organisations(session, worker, "Nynäshamn")[0].id == oid
    assert client.patch(f"/api/v1/organisations/{oid}", json={"active": False}).get_json()["active"] is False
    session.expire_all()
    assert access.est_role(session, worker, "Nynäshamn") is None  # inactive organisations give no role
    assert client.delete(f"/api/v1/organisations/{oid}/members/{mid}").status_code == 204
    assert client.delete(f"/api/v1/organisations/{oid}").status_code == 204
    assert client.get(f"/api/v1/organisations/{oid}").status_code == 404


def test_api_is_admin_only_for_changes_and_hidden_from_outsiders(client, auth, make_user, make_org, join):
    org = make_org("Polisen Nyköping", "Nyköping", "police")
    other = make_org("Fritid", "Oxelösund")
    member = make_user()
    join(member, org, "lasare")
    auth.as_user(member)
    assert client.get(f"/api/v1/organisations/{org.id}").status_code == 200
    assert client.get(f"/api/v1/organisations/{other.id}").get_json()["error"]["code"] == "organisation_not_found"
    assert client.patch(f"/api/v1/organisations/{org.id}", json={"name": "X"}).status_code == 403
    assert client.post("/api/v1/organisations", json={"municipality": "Nyköping", "name": "X", "kind": "association"}).status_code == 403
    names = [o["name"] for o in client.get("/api/v1/organisations").get_json()["items"]]
    assert names == ["Polisen Nyköping"]
    assert "/api/v1/organisations" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_roles_strongest_wins_police_reads_admin_coordinates(session, make_user, make_org, join):
    a, b = make_org("Fritid"), make_org("Nyköpingshem", kind="housing_company")
    user = make_user()
    join(user, a, "lasare")
    join(user, b, "samordnare")
    assert access.est_role(session, user, "Nyköping") == "samordnare"
    assert access.est_role(session, user, "Oxelösund") is None
    police = make_user(police=True, municipality="Nyköping")
    assert access.est_role(session, police, "Nyköping") == "lasare"
    assert not access.has_role(session, police, "Nyköping", "rapportor")
    with pytest.raises(Forbidden):
        access.require_role(session, police, "Nyköping", "samordnare")
    assert access.est_role(session, make_user(admin=True), "Oxelösund") == "samordnare"
    with pytest.raises(NotFound):
        access.get_organisation_for(session, make_user(), a.id)


def test_service_refusals(session, make_user, make_org):
    admin = make_user(admin=True)
    with pytest.raises(ServiceError) as e:
        service.create_organisation(session, actor=admin, municipality=" ", name="X", kind="association")
    assert e.value.details["field"] == "municipality"
    with pytest.raises(ServiceError):
        service.create_organisation(session, actor=admin, municipality="Nykvarn", name="X", kind="nope")
    org = make_org()
    with pytest.raises(ServiceError):
        service.add_member(session, actor=admin, organisation_id=org.id, role="boss", email="a@b.se")
    assert session.exec(Organisation.__table__.select()).all().__len__() == 1


def test_gdpr_export_and_delete(session, make_user, make_org, join):
    org = make_org()
    user = make_user()
    join(user, org, "rapportor")
    data = accounts.export_data(session, user)
    assert data["organisation_memberships"] == [{"organisation": "Tekniska divisionen", "municipality": "Nyköping",
                                                  "kind": "municipal_unit", "role": "rapportor",
                                                  "since": data["organisation_memberships"][0]["since"]}]
    accounts.delete_user(session, user)
    assert session.exec(OrganisationMembership.__table__.select()).first() is None
    assert session.get(Organisation, org.id) is not None
