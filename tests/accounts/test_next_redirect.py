"""After login (and a language switch) only a same-site relative path is followed (issue 9.2)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import PASSWORD
from watch.core.security import safe_next

TRICKS = [
    "//evil.example/", "/\t/evil.example/", "/%09/evil.example/", "/\r\n/evil.example", "/\n/evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "https://evil.example/", "http:/evil.example",
    "javascript:alert(1)", "evil.example", "///evil.example", "/ /evil.example", "/\x00/evil.example",
    "/\x0b/evil.example", "/\u00a0/evil.example", "/\u2028/evil.example", "/\x85/evil.example", " /evil.example",
    "\t//evil.example", "data:text/html,<script>alert(1)</script>", "/\u3000/evil.example", "", "//",
]
FINE = ["/", "/alerts", "/alerts/12?x=1#top", "/areas/3/members", "/account/profile?tab=a%2Fb", "/s%C3%B6k"]


@pytest.mark.parametrize("target", TRICKS, ids=[repr(t) for t in TRICKS])
def test_tricks_are_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", FINE)
def test_same_site_paths_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", TRICKS, ids=[repr(t) for t in TRICKS])
def test_login_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.post(f"/account/login?next={quote(target)}",
                           data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", TRICKS[:8], ids=[repr(t) for t in TRICKS[:8]])
def test_language_switch_never_leaves_the_site(client, target):
    response = client.post("/lang/en", data={"next": target})
    assert response.status_code == 302 and response.location == "/"


def test_login_follows_a_same_site_next(client, make_user):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "next": "/alerts?x=1"})
    assert response.location == "/alerts?x=1"
