"""Swedish first: every string is translated, the user can switch language."""
from __future__ import annotations

from babel.messages.pofile import read_po

from watch import i18n


def test_swedish_catalogue_is_complete():
    missing = []
    for domain, messages in i18n.extract().items():
        path = i18n.TRANSLATIONS / "sv" / "LC_MESSAGES" / f"{domain}.po"
        if not messages:
            continue
        assert path.exists(), f"no Swedish catalogue for {domain}: run python -m watch.i18n update {domain}"
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for msgid, locations in messages.items():
            entry = catalog.get(msgid)
            string = entry.string if entry else None
            done = entry is not None and not entry.fuzzy and (all(string) if isinstance(string, tuple) else bool(string))
            if not done:
                missing.append(f"[{domain}] {msgid!r} at {locations[0][0]}:{locations[0][1]}")
    assert not missing, "Untranslated Swedish strings (python -m watch.i18n update <domain>):\n" + "\n".join(missing)


def test_swedish_by_default_and_switchable(client):
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)
    response = client.post("/lang/en", data={"next": "/about-112"})
    assert response.location == "/about-112"
    page = client.get("/about-112").get_data(as_text=True)
    assert 'lang="en"' in page and "Emergency numbers" in page
    client.post("/lang/sv")
    assert "Nödnummer" in client.get("/about-112").get_data(as_text=True)


def test_english_browser_gets_english_unless_it_also_accepts_swedish(client):
    en = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in en
    sv = client.get("/", headers={"Accept-Language": "en-GB,sv;q=0.5"}).get_data(as_text=True)
    assert 'lang="sv"' in sv


def test_unknown_language_is_ignored(client):
    client.post("/lang/xx")
    assert 'lang="sv"' in client.get("/").get_data(as_text=True)


def test_emergency_numbers_on_every_page(client):
    for path in ("/", "/account/login", "/account/register", "/about-112"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="tel:112"' in html and 'href="tel:11414"' in html
