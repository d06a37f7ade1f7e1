"""Every domain is always there: a missing or renamed piece fails loudly instead of disappearing."""
from __future__ import annotations

import re

import pytest

import watch
from watch import create_app
from watch.core import ROOT

# What optional-domain scaffolding looked like; none of it may come back.
TRICKS = re.compile(r"has_endpoint|\bin\s+\S*view_functions|\bis defined\b|ignore missing|require_route|url_map\.bind\(.*\)\.match")


def test_a_missing_domain_stops_the_app(monkeypatch, config):
    monkeypatch.setattr(watch, "DOMAINS", (*watch.DOMAINS, "watch.no_such_domain"))
    with pytest.raises(ModuleNotFoundError, match="no_such_domain"):
        create_app(config)


def test_every_domain_registers_its_blueprints(app):
    for name in ("accounts", "admin", "main", "areas", "areas_api", "alerts", "alerts_api", "push", "push_api", "pwa"):
        assert name in app.blueprints, name


def test_no_optional_domain_tricks_in_code_templates_or_tests():
    here = ROOT / "tests" / "test_structure.py"
    files = [p for top in ("watch", "templates", "tests", "bench") for p in (ROOT / top).rglob("*")
             if p.suffix in (".py", ".html", ".js") and p != here]
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if TRICKS.search(line)]
    assert not found, "\n".join(found)


def test_navigation_links_every_core_page(client, auth, make_user):
    auth.as_user(make_user())
    html = client.get("/").get_data(as_text=True)
    for href in ('href="/areas/"', 'href="/alerts/new"', 'href="/alerts"'):
        assert href in html, href
    assert 'href="/account/notifications"' in client.get("/account/profile").get_data(as_text=True)
