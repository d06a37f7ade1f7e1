"""Swedish first: every string is translated, the user can switch language."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from watch.core import i18n


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Each domain's strings, extracted by stock pybabel with babel.cfg, as a .pot catalogue."""
    out = tmp_path_factory.mktemp("pot")
    found = {}
    for domain in i18n.CATALOGUES:
        with i18n.extract(domain, out / f"{domain}.pot").open("rb") as fh:
            found[domain] = read_po(fh)
    return found


def test_swedish_catalogue_is_complete(templates):
    missing = []
    for domain, template in templates.items():
        path = i18n.TRANSLATIONS / "sv" / "LC_MESSAGES" / f"{domain}.po"
        assert path.exists(), f"no Swedish catalogue for {domain}: run python -m watch.core.i18n update {domain}"
        with path.open("rb") as fh:
            catalog = read_po(fh)
        assert not catalog.fuzzy, f"{path} has a fuzzy header: pybabel compile would skip it"
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            string = entry.string if entry else None
            done = entry is not None and not entry.fuzzy and (all(string) if isinstance(string, tuple) else bool(string))
            if not done:
                where = message.locations[0] if message.locations else ("?", 0)
                missing.append(f"[{domain}] {message.id!r} at {where[0]}:{where[1]}")
    assert not missing, "Untranslated Swedish strings (python -m watch.core.i18n update <domain>):\n" + "\n".join(missing)


def test_each_string_lands_in_its_own_domain(templates):
    """watch/alerts strings go to alerts, core gets none of another domain's files, and lazy strings are found."""
    for domain, template in templates.items():
        for message in template:
            for filename, _line in message.locations:
                parts = filename.split("/")
                owner = parts[2] if parts[:2] == ["static", "js"] else parts[1] if len(parts) > 2 else "core"
                owner = owner if owner in i18n.CATALOGUES else "core"
                assert owner == domain, f"{filename} extracted into {domain}"
    assert "Map" in templates["core"]  # lazy_gettext in watch/main/views.py


def test_compiled_catalogues_translate(app):
    """The stock-compiled .mo files are what the app serves."""
    from flask_babel import force_locale, gettext

    assert i18n.compile_catalogues() == len(i18n.CATALOGUES)
    with app.test_request_context(), force_locale("sv"):
        assert gettext("Main menu") == "Huvudmeny"


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

