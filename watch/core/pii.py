"""The free-text personal-data check: EST reports, walk notes and night-walk debriefs record places and
situations, never persons.

A valid Swedish personal identity number (personnummer or samordningsnummer,
Luhn-checked) is refused; a phone number or a name with a school class is a
warning the writer must confirm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

_PNR = re.compile(r"(?<![\d])(\d{2})?(\d{2})(\d{2})(\d{2})\s?([-+]?)\s?(\d{4})(?![\d])")
_PHONE = re.compile(r"(?<![\w])(?:\+46|0046|0)\s*\(?\d{1,3}\)?(?:[\s-]*\d){5,9}(?![\d])")
_CLASS = r"(?:klass\s*\d{1,2}\s?[A-Za-zÅÄÖåäö]?|åk\s*\d{1,2}|(?<![\w])\d{1,2}\s?[A-FÅÄÖa-fåäö](?![\w]))"
_NAME = r"[A-ZÅÄÖ][a-zåäöéü]{1,20}(?:\s[A-ZÅÄÖ][a-zåäöéü]{1,20})?"
_NAME_CLASS = re.compile(rf"(?:{_NAME}\s*,?\s*(?:i\s+|går\s+i\s+)?{_CLASS})|(?:{_CLASS}\s*,?\s*{_NAME})")
# Capitalised words that start sentences or name places, not people.
_NOT_NAMES = {"Vid", "Vi", "Det", "De", "En", "Ett", "Den", "Klotter", "Glaskross", "Brand", "Hus", "Port", "Trappa",
              "Trapphus", "Garage", "Källare", "Butik", "Skolan", "Skola", "Huset", "Uppgång", "Plan", "Hiss"}

# What each warning code tells the writer (the caller adds what its record is for).
MESSAGES = {
    "phone": _l("The description looks like it contains a phone number."),
    "name_class": _l("The description looks like it names a person with a school class."),
}


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a 10-digit personnummer."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _date_ok(yy: str, mm: str, dd: str, century: str | None) -> bool:
    day = int(dd)
    if day > 60:  # samordningsnummer: day + 60
        day -= 60
    year = int((century or "19") + yy)
    try:
        date(year, int(mm), day)
    except ValueError:
        return False
    return True


def personnummer_in(text: str) -> list[str]:
    """Valid personal identity numbers (date and Luhn check) in the text."""
    found = []
    for m in _PNR.finditer(text or ""):
        century, yy, mm, dd, _sep, tail = m.groups()
        if _date_ok(yy, mm, dd, century) and luhn_ok(yy + mm + dd + tail):
            found.append(m.group(0).strip())
    return found


@dataclass
class Check:
    """The outcome: refusals (personnummer) and warnings (phone, name with class)."""

    personnummer: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # codes: "phone", "name_class"


def check(text: str) -> Check:
    """Look for personal data in free text."""
    text = text or ""
    result = Check(personnummer=personnummer_in(text))
    rest = _PNR.sub(" ", text) if result.personnummer else text
    if _PHONE.search(rest):
        result.warnings.append("phone")
    for m in _NAME_CLASS.finditer(rest):
        words = re.findall(r"[A-ZÅÄÖ][a-zåäöéü]+", m.group(0))
        if any(w not in _NOT_NAMES for w in words):
            result.warnings.append("name_class")
            break
    return result
