"""Server-rendered SVG charts: no JavaScript, print well; each page shows the data as a table beside them.

Colours come from CSS custom properties (light and dark themes), with fallbacks for print.
"""
from __future__ import annotations

from markupsafe import Markup, escape


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    t = escape(title)
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{t}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{"".join(body)}</svg>')


def bars(items: list[tuple[str, float]], title: str, *, width: int = 360, bar_h: int = 18) -> Markup:
    """Horizontal bars with their labels and values."""
    top = max([v for _k, v in items] + [1])
    label_w, gap = 150, 6
    h = max(len(items), 1) * (bar_h + gap) + gap
    body = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = (width - label_w - 40) * value / top
        body.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" class="chart__label">{escape(str(label)[:24])}</text>'
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" class="chart__bar"/>'
                    f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}" class="chart__value">{value:g}</text>')
    return _svg(width, h, body, title)


def columns(items: list[tuple[str, float]], title: str, *, width: int = 360, height: int = 160) -> Markup:
    """Vertical columns (a trend over weeks or months); every few labels shown."""
    n = max(len(items), 1)
    top = max([v for _k, v in items] + [1])
    plot_h, step = height - 24, (width - 10) / n
    body = [f'<line x1="5" y1="{plot_h}" x2="{width - 5}" y2="{plot_h}" class="chart__axis"/>']
    every = max(1, n // 8)
    for i, (label, value) in enumerate(items):
        h = plot_h * value / top
        x = 5 + i * step
        body.append(f'<rect x="{x + 1:.1f}" y="{plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" class="chart__bar">'
                    f'<title>{escape(str(label))}: {value:g}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x:.1f}" y="{height - 6}" class="chart__label chart__label--small">{escape(str(label))}</text>')
    return _svg(width, height, body, title)


def heat(matrix: list[list[int]], row_labels: list[str], title: str, *, cell: int = 13) -> Markup:
    """A weekday × hour heat map (rows × 24 columns)."""
    top = max([max(r) for r in matrix] + [1])
    left, topm = 34, 14
    width, height = left + 24 * cell + 4, topm + len(matrix) * cell + 4
    body = [f'<text x="{left + h * cell}" y="10" class="chart__label chart__label--small">{h:02d}</text>' for h in range(0, 24, 6)]
    for r, row in enumerate(matrix):
        y = topm + r * cell
        body.append(f'<text x="{left - 4}" y="{y + cell - 3}" text-anchor="end" class="chart__label chart__label--small">{escape(row_labels[r])}</text>')
        for h, v in enumerate(row):
            op = 0.08 + 0.92 * v / top if v else 0.04
            body.append(f'<rect x="{left + h * cell}" y="{y}" width="{cell - 1}" height="{cell - 1}" class="chart__heat" '
                        f'fill-opacity="{op:.2f}"><title>{escape(row_labels[r])} {h:02d}: {v}</title></rect>')
    return _svg(width, height, body, title)


def cells(counts: list[tuple[str, int]], title: str, *, size: int = 320, pad: int = 2) -> Markup:
    """The hot-spot grid: cells placed by row and column (north up), shaded by count, with `pad`
    empty cells around for context. Never points."""
    if not counts:
        return _svg(size, 40, ['<text x="8" y="24" class="chart__label">–</text>'], title)
    rc = [(tuple(int(v) for v in c.split(":")), n) for c, n in counts]
    rows = [r for (r, _c), _n in rc]
    cols = [c for (_r, c), _n in rc]
    r0, r1, c0, c1 = min(rows) - pad, max(rows) + pad, min(cols) - pad, max(cols) + pad
    span = max(r1 - r0 + 1, c1 - c0 + 1)
    px = max(3, min(32, size // span))
    top = max(n for _k, n in rc)
    width, height = (c1 - c0 + 1) * px + 2, (r1 - r0 + 1) * px + 2
    body = [f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" class="chart__frame"/>']
    for (r, c), n in rc:
        x, y = 1 + (c - c0) * px, 1 + (r1 - r) * px
        body.append(f'<rect x="{x}" y="{y}" width="{px - 1}" height="{px - 1}" class="chart__heat" '
                    f'fill-opacity="{0.2 + 0.8 * n / top:.2f}"><title>{n}</title></rect>')
        if px >= 16:
            body.append(f'<text x="{x + px / 2:.1f}" y="{y + px / 2 + 4:.1f}" text-anchor="middle" class="chart__cellnum">{n}</text>')
    t = escape(title)
    return Markup(f'<svg class="chart chart--cells" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{"".join(body)}</svg>')


def category_bars(d: dict, label, title: str) -> Markup:
    """Bars of a picture's counts by category."""
    return bars([(label(c), d["totals"].get(c, 0)) for c in d["categories"]], title)


def months(counts: list[int], title: str) -> Markup:
    """Columns for the twelve months."""
    return columns([(str(i + 1), n) for i, n in enumerate(counts)], title)
