"""The suspicious-person rule (what they did first; appearance only after two other details),
enforced in the service so the API and the form refuse the same things."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from watch.alerts import person
from watch.alerts.models import Alert, Category
from watch.core.errors import ServiceError

POINT = {"lon": 17.005, "lat": 58.752}


def count(session):
    session.expire_all()
    return session.exec(select(func.count()).select_from(Alert)).one()


@pytest.mark.parametrize("text", ["En mörkhyad man vid bilen", "a dark-skinned man", "Han såg utländsk ut", "Vit man i 30-årsåldern"])
def test_appearance_words_are_recognised(text):
    assert person.mentions_appearance(text)


@pytest.mark.parametrize("text", ["Svart jacka, gick mot stationen", "Vit skåpbil", "Provade dörrhandtag", "romantisk middag"])
def test_ordinary_descriptions_are_not_appearance(text):
    assert not person.mentions_appearance(text)


def test_other_categories_are_untouched(app):
    with app.test_request_context():
        assert person.check(Category.burglary, "  Krossad ruta ", {"appearance": "x"}) == "Krossad ruta"


def test_did_comes_first_and_details_are_labelled(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = person.check(Category.suspicious_person, "Var där i tio minuter", {
            "did": "Provade  dörrhandtagen på bilarna", "clothing": "Grön jacka", "direction": "Mot skolan", "vehicle": "",
            "appearance": "Ljushyad",
        })
    assert text.splitlines() == ["Provade dörrhandtagen på bilarna", "Clothing: Grön jacka", "Direction: Mot skolan",
                                 "Appearance: Ljushyad", "Var där i tio minuter"]


@pytest.mark.parametrize("payload, field", [
    ({"text": "", "person": {"clothing": "Grön jacka"}}, "person_did"),
    ({"text": " ", "person": {"did": " "}}, "text"),
    ({"text": "Stod still", "person": {"did": "Tittade in", "clothing": "Grön jacka", "appearance": "Mörkhyad"}}, "person_appearance"),
    ({"text": "En mörkhyad man tittade in i bilar"}, "person_appearance"),
    ({"text": "Tittade in", "person": {"did": "Han var arabisk", "direction": "norrut"}}, "person_appearance"),
])
def test_api_refuses_appearance_before_two_details(world, client, auth, session, payload, field):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={"category": "suspicious_person", **POINT, **payload})
    assert res.status_code == 422, res.get_json()
    err = res.get_json()["error"]
    assert err["details"]["field"] == field or any(d.get("field") == field for d in err.get("details", []) if isinstance(d, dict))
    assert count(session) == 0


def test_api_accepts_appearance_after_two_details(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={"category": "suspicious_person", **POINT, "person": {
        "did": "Provade dörrhandtag", "clothing": "Grön jacka", "vehicle": "Röd moped", "appearance": "Mörkhyad"}})
    assert res.status_code == 201, res.get_json()
    assert res.get_json()["properties"]["text"].startswith("Provade dörrhandtag\n")


def test_form_refuses_like_the_api_in_swedish(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/alerts/new", data={"category": "suspicious_person", "area_id": str(world.area.id),
                                           "person_did": "Tittade in i bilar", "person_clothing": "Grön jacka",
                                           "person_appearance": "Mörkhyad"}, headers={"Accept-Language": "sv"})
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert 'id="person_appearance-error"' in page
    assert "minst två" in page
    assert count(session) == 0


def test_form_posts_a_suspicious_person_with_what_they_did(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/alerts/new", data={"category": "suspicious_person", "area_id": str(world.area.id),
                                           "person_did": "Tittade in i bilar", "person_direction": "Mot hamnen"})
    assert res.status_code == 302, res.get_data(as_text=True)[:500]
    assert session.exec(select(Alert)).one().text == "Tittade in i bilar\nRiktning: Mot hamnen"
