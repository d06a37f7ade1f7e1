"""The app's outer surface (routes, OpenAPI document, CLI commands) is pinned, so a refactoring that moves code shows it changed nothing.

Regenerate on purpose with `python -m tests.test_surface` and review the diff.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import click

from watch import create_app

HERE = Path(__file__).with_name("surface")


def routes(app) -> list[str]:
    """One line per rule: path, methods, endpoint."""
    return sorted(f"{r.rule} {','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.endpoint}" for r in app.url_map.iter_rules())


def commands(app) -> list[str]:
    """Every CLI command path with its parameters."""
    out = []

    def walk(group, prefix):
        for name, cmd in sorted(group.commands.items()):
            params = " ".join(sorted(p.name for p in cmd.params))
            out.append(f"{prefix}{name} {params}".rstrip())
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix}{name} ")

    walk(app.cli, "")
    return out


# spectree names a schema "Model.<hash of its module's path>"; moving a module changes only that hash.
MODULE_HASH = re.compile(r"\b([A-Z][A-Za-z0-9_]*)\.[0-9a-f]{7}(?=[\".])")


def openapi(app) -> str:
    """The served OpenAPI document, its schema names without spectree's module-path hash."""
    with app.test_client() as c:
        doc = c.get("/api/v1/openapi.json").get_json()
    return MODULE_HASH.sub(r"\1", json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False)) + "\n"


def surface(config) -> dict[str, str]:
    app = create_app(config)
    return {"routes.txt": "\n".join(routes(app)) + "\n", "commands.txt": "\n".join(commands(app)) + "\n",
            "openapi.json": openapi(app)}


def test_surface_is_unchanged(config):
    for name, text in surface(config).items():
        assert text == (HERE / name).read_text(encoding="utf-8"), f"tests/surface/{name} changed"


if __name__ == "__main__":
    import tempfile

    from tests.conftest import make_test_config

    with tempfile.TemporaryDirectory() as tmp:
        cfg = make_test_config(Path(tmp), f"sqlite:///{tmp}/s.db")
        for name, text in surface(cfg).items():
            (HERE / name).write_text(text, encoding="utf-8")
