"""The default EST categories (as tools in use configure them); a municipality may replace the list."""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

# code -> (label, {subcode: label}); codes are stable, labels are translated.
DEFAULT = {
    "skadegorelse": (_l("Vandalism"), {"klotter": _l("Graffiti"), "glaskross": _l("Broken glass"), "brand": _l("Fire")}),
    "samling": (_l("Gathering of people that creates unease"), {}),
    "ordningsstorning": (_l("Disorder"), {
        "brak": _l("Fight or brawl"), "narkotika": _l("Suspected drug dealing"),
        "overnattning": _l("Unauthorised sleeping place"), "trafik": _l("Reckless driving"),
    }),
    "otrygg_plats": (_l("Place that feels unsafe"), {
        "belysning": _l("Lighting"), "siktlinjer": _l("Sight lines"), "nedskrapning": _l("Litter"), "ode": _l("Deserted"),
    }),
    "mot_personal": (_l("Incident against staff"), {}),
    "arrangemang": (_l("Public event"), {}),
}

# Alerts feed the picture as counts: their categories map onto EST categories.
ALERT_CATEGORY = {
    "vandalism": "skadegorelse", "graffiti": "skadegorelse", "suspicious_person": "grannsamverkan",
    "suspicious_vehicle": "grannsamverkan", "burglary": "grannsamverkan", "theft_from_vehicle": "grannsamverkan",
    "bicycle_theft": "grannsamverkan", "boat_theft": "grannsamverkan", "marina_activity": "grannsamverkan",
    "other": "grannsamverkan",
}
FEED_LABEL = _l("Neighbourhood watch alerts")

PEOPLE_BANDS = {"1-4": _l("1–4 people"), "5-10": _l("5–10 people"), "more": _l("More than 10 people")}
TIME_BANDS = {"day": _l("Day (06–18)"), "evening": _l("Evening (18–24)"), "night": _l("Night (00–06)")}
SETTINGS = {
    "outdoor": _l("Outdoors"), "stairwell": _l("Stairwell"), "basement": _l("Basement"),
    "garage": _l("Garage"), "shop": _l("Shop"),
}
SOURCES = {
    "rapportor": _l("Reporter"), "grannsamverkan": _l("Neighbourhood watch"), "trygghetsvandring": _l("Safety walk"),
    "klotter": _l("Graffiti report"), "nattvandring": _l("Night walk"), "vaktgang": _l("Boat-club night watch"),
}


def taxonomy(custom: str | None = None) -> dict[str, tuple[str, dict[str, str]]]:
    """The municipality's categories: its own JSON list ({code: {"label":..., "sub": {code: label}}}) or the default."""
    if not custom:
        return DEFAULT
    data = json.loads(custom)
    return {code: (item["label"], dict(item.get("sub") or {})) for code, item in data.items()}


def label(tax: dict, category: str, subcategory: str | None = None) -> str:
    """A readable label; the feed's category has its own."""
    if category == "grannsamverkan":
        return str(FEED_LABEL)
    name, subs = tax.get(category, (category, {}))
    if subcategory and subcategory in subs:
        return f"{name}: {subs[subcategory]}"
    return str(name)


def time_band(hour: int) -> str:
    """day 06–18, evening 18–24, night 00–06 (local time)."""
    if 6 <= hour < 18:
        return "day"
    return "evening" if hour >= 18 else "night"


def band_for_count(count: int) -> str:
    """The people band of a head count."""
    return "1-4" if count <= 4 else "5-10" if count <= 10 else "more"
