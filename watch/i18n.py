"""Languages: Swedish first, English second (Flask-Babel).

Each domain keeps its own catalogue, watch/translations/<lang>/LC_MESSAGES/<domain>.po,
so that work on one domain never edits another's file. Strings in code and
templates are English msgids; the Swedish catalogue translates every one of them.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app, request, session
from flask.cli import AppGroup
from flask_babel import Babel, get_locale

HERE = Path(__file__).resolve().parent
TRANSLATIONS = HERE / "translations"
# A source file belongs to the domain named by its folder under watch/, templates/
# or static/js/; everything else belongs to "core".
CATALOGUES = ("core", "accounts", "areas", "alerts", "push", "pwa", "organisations", "mail", "boats", "est", "walks", "graffiti", "training")
LOCALES = ("sv", "en")


def select_locale() -> str:
    """The user's explicit choice, else the browser's preference among ours, else Swedish."""
    langs = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in langs:
        return chosen
    if request:
        best = request.accept_languages.best_match(langs)
        # Only switch away from Swedish when the browser does not accept it at all.
        if best and "sv" not in [lang.split("-")[0] for lang, _ in request.accept_languages]:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Attach Babel with one catalogue per domain, and the translations CLI."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(TRANSLATIONS) for _ in CATALOGUES)
    app.config["BABEL_DOMAIN"] = ";".join(CATALOGUES)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.cli.add_command(translations_cli)


def domain_of(path: Path) -> str:
    """The catalogue a source file's strings belong to."""
    from watch import ROOT

    parts = path.resolve().relative_to(ROOT).parts
    if len(parts) > 2 and parts[0] in ("watch", "templates") and parts[1] in CATALOGUES:
        return parts[1]
    if len(parts) > 3 and parts[:2] == ("static", "js") and parts[2] in CATALOGUES:
        return parts[2]
    return "core"


def source_files() -> list[tuple[Path, str]]:
    """Every file strings are extracted from, with its extraction method."""
    from watch import ROOT

    files = [(p, "python") for p in sorted((ROOT / "watch").rglob("*.py")) if "migrations" not in p.parts]
    files += [(p, "jinja2") for p in sorted((ROOT / "templates").rglob("*.html"))]
    files += [(p, "jinja2") for p in sorted((ROOT / "templates").rglob("*.js"))]
    return files


def extract() -> dict[str, dict[str, list[tuple[str, int]]]]:
    """msgid -> locations, per catalogue, from the source tree."""
    from babel.messages.extract import extract_from_file

    from watch import ROOT

    found: dict[str, dict[str, list[tuple[str, int]]]] = {c: {} for c in CATALOGUES}
    options = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
    for path, method in source_files():
        method_fn = "jinja2.ext:babel_extract" if method == "jinja2" else "python"
        for lineno, message, _comments, _ctx in extract_from_file(
            method_fn, str(path), keywords=_KEYWORDS, options=options if method == "jinja2" else {}
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if not msgid:
                continue
            if isinstance(message, tuple):
                msgid = message  # plural: (singular, plural)
            found[domain_of(path)].setdefault(msgid, []).append((str(path.relative_to(ROOT)), lineno))
    return found


_KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def _catalog_path(locale: str, domain: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"


def update_catalogues(only: str | None = None) -> dict[str, list[str]]:
    """Merge extracted msgids into the .po files (of one domain, or all); return untranslated Swedish ids."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    missing: dict[str, list[str]] = {}
    for domain, messages in extract().items():
        if only and domain != only:
            continue
        template = Catalog(project="watch", domain=domain)
        for msgid, locations in messages.items():
            template.add(msgid, locations=locations)
        for locale in LOCALES:
            path = _catalog_path(locale, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists():
                with path.open("rb") as fh:
                    catalog = read_po(fh, locale=locale, domain=domain)
            else:
                catalog = Catalog(locale=locale, domain=domain, project="watch")
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            with path.open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
            if locale == "sv":
                missing[domain] = [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))]
    return missing


def compile_catalogues() -> int:
    """Compile every .po into .mo next to it; returns how many were compiled."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    return count


translations_cli = AppGroup("translations", help="Extract, update and compile the message catalogues.")


@translations_cli.command("update")
@click.argument("domain", required=False)
def update_cmd(domain: str | None) -> None:
    """Extract strings and merge them into the catalogues (of DOMAIN only, if given)."""
    missing = update_catalogues(domain)
    for domain, ids in missing.items():
        for msgid in ids:
            click.echo(f"untranslated [{domain}] {msgid}")
    click.echo(f"{sum(map(len, missing.values()))} Swedish strings untranslated.")


@translations_cli.command("compile")
def compile_cmd() -> None:
    """Compile the catalogues (.po -> .mo)."""
    click.echo(f"Compiled {compile_catalogues()} catalogues.")


if __name__ == "__main__":  # python -m watch.i18n compile|update (no app, no database)
    import sys

    if sys.argv[1:2] == ["update"]:
        # update [DOMAIN]: only that domain's files are written, so work on one
        # domain never rewrites another's catalogue.
        left = update_catalogues(sys.argv[2] if len(sys.argv) > 2 else None)
        for dom, ids in left.items():
            for msgid in ids:
                print(f"untranslated [{dom}] {msgid}")
        print(f"{sum(map(len, left.values()))} Swedish strings untranslated.")
    else:
        print(f"Compiled {compile_catalogues()} catalogues.")
