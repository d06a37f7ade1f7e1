"""Municipality as a choice from Sweden's 290 (shipped with the app), checked by the areas service."""
from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from watch.core import municipalities
from watch.areas.models import Area

from .conftest import NYKOPING, square


def test_all_290_with_unique_four_digit_codes():
    names = municipalities.names()
    assert len(names) == 290 and len(set(names)) == 290
    assert municipalities.code_of("Nyköping") == "0480" and municipalities.code_of("Stockholm") == "0180"
    assert names[-3:] == ["Östra Göinge", "Överkalix", "Övertorneå"]  # å, ä, ö sort after z


@pytest.mark.parametrize("typed, name", [
    ("Nyköping", "Nyköping"), (" nyköping ", "Nyköping"), ("Nyköpings kommun", "Nyköping"), ("0480", "Nyköping"),
    ("upplands bro", "Upplands-Bro"), ("MALUNG-SÄLEN", "Malung-Sälen"), ("Nyköpimg", None), ("", None), (None, None),
])
def test_normalise(typed, name):
    assert municipalities.normalise(typed) == name


def test_api_refuses_a_typo_and_stores_nothing(client, auth, make_user, session):
    auth.as_user(make_user())
    body = {"kind": "grannsamverkan", "name": "Brandkärr", "municipality": "Nyköpimg", "geometry": square(*NYKOPING)}
    r = client.post("/api/v1/areas", json=body)
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "municipality_unknown"
    assert session.exec(select(func.count()).select_from(Area)).one() == 0
    r = client.post("/api/v1/areas", json={**body, "municipality": "nyköpings kommun"})
    assert r.status_code == 201, r.get_json()
    assert session.exec(select(Area)).one().municipality == "Nyköping"


def test_form_offers_the_list_and_refuses_in_swedish(client, auth, make_user):
    auth.as_user(make_user(municipality="nyköping"))
    page = client.get("/areas/new", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert page.count("<option") >= 291 and '<option selected value="Nyköping">' in page
    r = client.post("/areas/new", data={"kind": "grannsamverkan", "name": "X", "municipality": "Atlantis",
                                             "geometry": json.dumps(square(*NYKOPING))}, headers={"Accept-Language": "sv"})
    assert r.status_code == 422 and "Välj en av Sveriges kommuner" in r.get_data(as_text=True)
