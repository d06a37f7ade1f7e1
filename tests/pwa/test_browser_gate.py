"""Browser tests skip on a laptop without Chromium, but fail under CI."""
from __future__ import annotations

import pytest
from _pytest.outcomes import Failed, Skipped

from tests.browser.conftest import _missing


def test_skips_without_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="sudo apt-get install chromium"):
        _missing("Chromium not found at /x: sudo apt-get install chromium")


def test_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="CI is set"):
        _missing("Chromium not found at /x: sudo apt-get install chromium")
