"""The "suspicious person" rule (after Nextdoor's anti-profiling form): first what the person
did, then at least two descriptions other than appearance (clothing, direction, vehicle)
before skin colour or ethnicity may be mentioned. The form and the API both pass here."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from watch.alerts import validate
from watch.alerts.models import Category

DETAILS = ("clothing", "direction", "vehicle")
FIELDS = ("did",) + DETAILS + ("appearance",)
MIN_DETAILS = 2
FIELD_MAX = 300

LABELS = {
    "did": _l("What the person did"),
    "clothing": _l("Clothing"),
    "direction": _l("Direction"),
    "vehicle": _l("Vehicle"),
    "appearance": _l("Appearance"),
}

# Words that describe skin colour or ethnicity (Swedish and English stems). Free text that uses
# them counts as an appearance description: the same rule then applies as for the field.
_APPEARANCE = re.compile(
    r"\b(m[öo]rkhy|ljushy|hudf[äa]rg|svarth[yå]|svart\s+(man|kvinna|kille|tjej|person)|vit\s+(man|kvinna|kille|tjej|person)"
    r"|etni|invandrar|utl[äa]nd|utrikesf[öo]dd|romsk|zigenar|arab|afrikan|somali|asiat|n[eå]ger|blatte|svartskall"
    r"|dark[- ]skinned|light[- ]skinned|skin\s+colou?r|black\s+(man|woman|guy|male|female)|white\s+(man|woman|guy|male|female)"
    r"|ethnic|immigrant|foreign[- ]looking|african|asian|hispanic|latino|roma\b|gypsy)",
    re.IGNORECASE,
)


def mentions_appearance(text: str) -> bool:
    """Whether a text describes skin colour or ethnicity."""
    return bool(_APPEARANCE.search(text or ""))


def _clean(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise validate.invalid("person_invalid", _l("Write the description as text."), f"person_{name}")
    value = " ".join(value.split())
    if len(value) > FIELD_MAX:
        raise validate.invalid("person_too_long", _l("Each description can be at most %(n)s characters.", n=FIELD_MAX), f"person_{name}")
    return value


def check(category: Category, text: str | None, person: dict | None) -> str:
    """The alert's text, after the rule for suspicious persons; a refusal tied to a field otherwise.

    Other categories: the text as given. A suspicious person: `person.did` (or the text) says
    what the person did; appearance (the field, or such words in the text) needs two details.
    With no person fields at all an empty text is left to validate.text ("Describe what you saw").
    """
    person = {k: _clean((person or {}).get(k), k) for k in FIELDS}
    free = (text or "").strip() if isinstance(text, str) else ""
    if category is not Category.suspicious_person:
        return free
    if not person["did"] and not free and any(person.values()):
        raise validate.invalid("person_did_missing", _l("Start with what the person did."), "person_did")
    details = sum(1 for k in DETAILS if person[k])
    if (person["appearance"] or mentions_appearance(free) or mentions_appearance(person["did"])) and details < MIN_DETAILS:
        raise validate.invalid(
            "person_appearance_first_details",
            _l("Describe at least two other things first (clothing, direction, vehicle) before appearance such as skin colour or ethnicity."),
            "person_appearance",
        )
    lines = [person["did"]] if person["did"] else []
    lines += [f"{LABELS[k]}: {person[k]}" for k in DETAILS + ("appearance",) if person[k]]
    if free:
        lines.append(free)
    return "\n".join(lines)
