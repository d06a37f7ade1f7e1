"""Languages: Swedish first, English second (Flask-Babel).

Each domain keeps its own catalogue, watch/translations/<lang>/LC_MESSAGES/<domain>.po,
so that work on one domain never edits another's file. Strings in code and
templates are English msgids; the Swedish catalogue translates every one of them
(tests/test_i18n.py).

The tooling is stock pybabel with the one `babel.cfg` at the top of the project:
a domain's strings are extracted from watch/<domain>/, templates/<domain>/ and
static/js/<domain>/; "core" takes everything else. `python -m watch.core.i18n update
[DOMAIN]` runs `pybabel extract` and `pybabel update --init-missing` per domain;
`make translations` (part of `make install` and `make test`) runs `pybabel compile`.

Adding a domain's catalogue is one line: append its name to CATALOGUES below,
then run `python -m watch.core.i18n update <domain>` and translate its sv .po file.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import click
from flask import Flask, current_app, request, session
from flask.cli import AppGroup
from flask_babel import Babel, get_locale

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "watch" / "translations"
BABEL_CFG = ROOT / "babel.cfg"
CATALOGUES = ("core", "accounts", "areas", "alerts", "push", "pwa", "organisations", "mail", "boats", "est", "walks", "graffiti", "training", "audit", "promises", "crisis", "nightwalks")
LOCALES = ("sv", "en")
# Beyond pybabel's defaults (_, gettext, ngettext, ...): the lazy forms the code uses.
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")


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


def pybabel(*args: str) -> None:
    """Run a stock pybabel command in this process (raises SystemExit on its errors)."""
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract_args(domain: str) -> list[str]:
    """The input folders (and ignored folders) of one domain's extraction, relative to ROOT."""
    if domain == "core":
        ignored = " ".join((".*", "._", "__pycache__", "migrations", *(c for c in CATALOGUES if c != "core")))
        return ["--ignore-dirs", ignored, "watch", "templates"]
    folders = [f"{top}/{domain}" for top in ("watch", "templates", "static/js") if (ROOT / top / domain).is_dir()]
    return ["--ignore-dirs", ".* ._ __pycache__", *folders]


def extract(domain: str, pot: Path) -> Path:
    """`pybabel extract` one domain's strings into a .pot file."""
    import os

    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    cwd = os.getcwd()
    os.chdir(ROOT)  # locations in the catalogues are relative to the project
    try:
        pybabel("extract", "-F", str(BABEL_CFG), *keywords, "--sort-output", "--project", "watch",
                "-o", str(pot), *extract_args(domain))
    finally:
        os.chdir(cwd)
    return pot


def update_catalogues(only: str | None = None) -> dict[str, list[str]]:
    """Extract and merge into the .po files (of one domain, or all); return untranslated Swedish ids."""
    from babel.messages.pofile import read_po

    missing: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for domain in CATALOGUES:
            if only and domain != only:
                continue
            pot = extract(domain, Path(tmp) / f"{domain}.pot")
            for locale in LOCALES:
                known = _translations(locale)  # before the update drops strings that moved to another domain
                pybabel("update", "--init-missing", "-N", "--ignore-obsolete", "-w", "100", "-i", str(pot),
                        "-d", str(TRANSLATIONS), "-D", domain, "-l", locale)
                po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"
                _unfuzzy_header(po)
                _fill_from(po, known)
            with (TRANSLATIONS / "sv" / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
                catalog = read_po(fh)
            missing[domain] = [str(m.id) for m in catalog if m.id and not _translated(m)]
    return missing


def _translations(locale: str) -> dict:
    """Every translated string of one language, across the domains' catalogues."""
    from babel.messages.pofile import read_po

    known = {}
    for po in sorted((TRANSLATIONS / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            known.update({m.id: m.string for m in read_po(fh) if m.id and _translated(m)})
    return known


def _fill_from(po: Path, known: dict) -> None:
    # A string that moved with its code keeps the translation it had in its old domain's catalogue:
    # the catalogues merge at runtime, so one English string has one Swedish translation.
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    empty = [m for m in catalog if m.id and not _translated(m) and m.id in known]
    if not empty:
        return
    for message in empty:
        message.string = known[message.id]
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100, ignore_obsolete=True)


def _unfuzzy_header(po: Path) -> None:
    # pybabel init marks a new catalogue's header fuzzy, and pybabel compile skips fuzzy catalogues.
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('#, fuzzy\nmsgid ""\n', 'msgid ""\n', 1), encoding="utf-8")


def _translated(message) -> bool:
    string = message.string
    return not message.fuzzy and (all(string) if isinstance(string, tuple) else bool(string))


def compile_catalogues() -> int:
    """Compile every catalogue (.po -> .mo) as pybabel compile does; returns how many domains were compiled.

    Each .mo is written beside its final name and moved into place, so a running app (or a parallel
    test) never reads half a file.
    """
    import os

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    present = [c for c in CATALOGUES if all((TRANSLATIONS / loc / "LC_MESSAGES" / f"{c}.po").exists() for loc in LOCALES)]
    for domain in present:
        for locale in LOCALES:
            po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{domain}.po"
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale, domain=domain)
            partial = po.with_name(f".{domain}.mo.{os.getpid()}")
            with partial.open("wb") as fh:
                write_mo(fh, catalog)  # fuzzy entries left out, as pybabel compile does
            os.replace(partial, po.with_suffix(".mo"))
    return len(present)


translations_cli = AppGroup("translations", help="Extract, update and compile the message catalogues.")


@translations_cli.command("update")
@click.argument("domain", required=False)
def update_cmd(domain: str | None) -> None:
    """Extract strings and merge them into the catalogues (of DOMAIN only, if given)."""
    _report(update_catalogues(domain))


@translations_cli.command("compile")
def compile_cmd() -> None:
    """Compile the catalogues (.po -> .mo)."""
    click.echo(f"Compiled {compile_catalogues()} domains.")


def _report(missing: dict[str, list[str]]) -> None:
    for dom, ids in missing.items():
        for msgid in ids:
            click.echo(f"untranslated [{dom}] {msgid}")
    click.echo(f"{sum(map(len, missing.values()))} Swedish strings untranslated.")


if __name__ == "__main__":  # python -m watch.core.i18n update [DOMAIN] | compile (no app, no database)
    import sys

    if sys.argv[1:2] == ["update"]:
        # Only the named domain's files are written, so work on one domain never rewrites another's catalogue.
        _report(update_catalogues(sys.argv[2] if len(sys.argv) > 2 else None))
    else:
        print(f"Compiled {compile_catalogues()} domains.")
