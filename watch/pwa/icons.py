"""Draw the app's icons with Pillow: `python -m watch.pwa.icons` writes static/icons/*.png.

Our own artwork: a house (neighbourhood watch) above a wave (boat watch) on the
theme blue. Drawn at 4x and scaled down for smooth edges.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 79, 138, 255)
WHITE = (255, 255, 255, 255)
RED = (179, 38, 30, 255)
CLEAR = (0, 0, 0, 0)
SCALE = 4


def _motif(draw: ImageDraw.ImageDraw, box: tuple[float, float, float], fg, cut) -> None:
    """House and wave inside a square at (x, y) of side s."""
    x, y, s = box
    u = s / 100
    roof = [(x + 50 * u, y + 8 * u), (x + 90 * u, y + 44 * u), (x + 10 * u, y + 44 * u)]
    draw.polygon(roof, fill=fg)
    draw.rectangle([x + 20 * u, y + 42 * u, x + 80 * u, y + 72 * u], fill=fg)
    draw.rectangle([x + 43 * u, y + 52 * u, x + 57 * u, y + 72 * u], fill=cut)  # door
    width = max(1, round(6 * u))
    wave = [(x + (12 + t) * u, y + (86 + 5 * math.sin(t / 76 * 4 * math.pi)) * u) for t in range(0, 77, 2)]
    draw.line(wave, fill=fg, width=width, joint="curve")
    for end in (wave[0], wave[-1]):  # round caps
        draw.ellipse([end[0] - width / 2, end[1] - width / 2, end[0] + width / 2, end[1] + width / 2], fill=fg)


def app_icon(size: int, maskable: bool = False) -> Image.Image:
    """The launcher icon; maskable keeps the motif inside the 80 % safe zone on a full-bleed field."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), CLEAR)
    draw = ImageDraw.Draw(img)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BLUE)
        inner = big * 0.56
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=BLUE)
        inner = big * 0.72
    offset = (big - inner) / 2
    _motif(draw, (offset, offset, inner), WHITE, BLUE)
    return img.resize((size, size), Image.LANCZOS)


def badge(size: int = 96) -> Image.Image:
    """Monochrome badge for the status bar (only the alpha channel is used)."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), CLEAR)
    _motif(ImageDraw.Draw(img), (big * 0.08, big * 0.08, big * 0.84), WHITE, CLEAR)
    return img.resize((size, size), Image.LANCZOS)


def shortcut(kind: str, size: int = 96) -> Image.Image:
    """Shortcut icons: a red exclamation for reporting, a pin for the map."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), CLEAR)
    draw = ImageDraw.Draw(img)
    u = big / 100
    if kind == "report":
        draw.ellipse([4 * u, 4 * u, 96 * u, 96 * u], fill=RED)
        draw.rounded_rectangle([43 * u, 20 * u, 57 * u, 62 * u], radius=6 * u, fill=WHITE)
        draw.ellipse([42 * u, 68 * u, 58 * u, 84 * u], fill=WHITE)
    else:
        draw.ellipse([4 * u, 4 * u, 96 * u, 96 * u], fill=BLUE)
        draw.ellipse([30 * u, 18 * u, 70 * u, 58 * u], fill=WHITE)
        draw.polygon([(33 * u, 48 * u), (67 * u, 48 * u), (50 * u, 84 * u)], fill=WHITE)
        draw.ellipse([42 * u, 30 * u, 58 * u, 46 * u], fill=BLUE)
    return img.resize((size, size), Image.LANCZOS)


def write_all(folder: Path) -> list[Path]:
    """Write every icon into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    images = {
        "icon-192.png": app_icon(192),
        "icon-512.png": app_icon(512),
        "maskable-512.png": app_icon(512, maskable=True),
        "apple-touch-icon-180.png": app_icon(180, maskable=True),  # iOS rounds the corners itself
        "favicon-32.png": app_icon(32),
        "badge-96.png": badge(96),
        "shortcut-report-96.png": shortcut("report"),
        "shortcut-map-96.png": shortcut("map"),
    }
    written = []
    for name, image in images.items():
        path = folder / name
        image.save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    from watch.core import ROOT

    for p in write_all(ROOT / "static" / "icons"):
        print(p.relative_to(ROOT), p.stat().st_size, "bytes")
