"""Sweden's 290 municipalities (SCB municipality codes), shipped as municipalities.csv.

An area's municipality is one of these names, so a typo cannot split a municipality
(the police of "Nyköping" must see "Nyköping"s areas, not miss "Nyköpimg")."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from watch.core.errors import ServiceError

DATA = Path(__file__).with_name("municipalities.csv")
NAME_MAX = 80  # the longest municipality name a column or a form takes
# Swedish alphabetical order: å, ä, ö after z.
_ORDER = str.maketrans({"å": "z{", "ä": "z|", "ö": "z}", "é": "e", "ü": "y"})


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(code -> name, folded name -> name)."""
    with DATA.open(encoding="utf-8") as f:
        rows = [(r["code"], r["name"]) for r in csv.DictReader(f)]
    return dict(rows), {_fold(n): n for _c, n in rows}


def _fold(value: str) -> str:
    value = " ".join(str(value).replace("-", " ").split()).casefold()
    for suffix in (" kommun", " municipality", " stad"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    return value


def sort_key(name: str) -> str:
    """A key that sorts names as a Swedish reader expects."""
    return name.casefold().translate(_ORDER)


def names() -> list[str]:
    """All municipality names in Swedish alphabetical order."""
    return sorted(_table()[0].values(), key=sort_key)


def code_of(name: str) -> str | None:
    """The four-digit municipality code of a name (any case, with or without "kommun")."""
    canonical = normalise(name)
    return next((c for c, n in _table()[0].items() if n == canonical), None) if canonical else None


def normalise(value) -> str | None:
    """The official name for a typed name or a code ("nyköpings kommun", "0480" -> "Nyköping"); None if unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    by_code, by_name = _table()
    text = value.strip()
    if text in by_code:
        return by_code[text]
    folded = _fold(text)
    if folded in by_name:
        return by_name[folded]
    if folded.endswith("s") and folded[:-1] in by_name:  # genitive: "Nyköpings kommun"
        return by_name[folded[:-1]]
    return None


def check(value, field: str = "municipality") -> str:
    """The official name, or a 422 refusal tied to the field."""
    name = normalise(value)
    if name is None:
        raise ServiceError("municipality_unknown", _l("Choose one of Sweden's municipalities from the list."), 422, field=field)
    return name
