"""Charts as inline SVG, drawn in Python: the report opens offline, with no script or CDN.

Every label is escaped here; the SVG is then marked safe for the template.
"""

from __future__ import annotations

from markupsafe import Markup, escape

COLOURS = {
    "info": "#1f77b4",
    "func": "#ff7f0e",
    "svc": "#2ca02c",
    "tech": "#9467bd",
    "reported": "#8c564b",
}
LEVELS = ("full", "partial", "info_only", "broken", "maintenance", "unknown")


def bar_chart(
    items: list[tuple[str, float]], *, title: str, width: int = 640, decimal: str = "."
) -> Markup:
    """Horizontal bars of 0..1 values (index per entity)."""
    row, left = 22, 220
    height = row * len(items) + 30
    parts = [_open(width, height, title)]
    for i, (label, value) in enumerate(items):
        y = 20 + i * row
        w = max(0.0, min(1.0, value or 0)) * (width - left - 60)
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label[:34])}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#1f4e79"/>'
        )
        text = f"{(value or 0):.3f}".replace(".", decimal)
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}">{text}</text>')
    return Markup("".join(parts) + "</svg>")


def stacked_pillars(
    items: list[tuple[str, dict]],
    weights: dict[str, float],
    *,
    title: str,
    width: int = 640,
    names: dict[str, str] | None = None,
) -> Markup:
    """Each entity's index split into its pillars' weighted contributions."""
    row, left = 22, 220
    height = row * len(items) + 50
    span = width - left - 20
    parts = [_open(width, height, title)]
    for i, (label, pillars) in enumerate(items):
        y = 20 + i * row
        x = left
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label[:34])}</text>'
        )
        for p, colour in COLOURS.items():
            part = (pillars.get(p) or 0) * weights.get(p, 0)
            w = part * span
            if w > 0:
                parts.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{colour}"><title>{p}: {part:.3f}</title></rect>'
                )
            x += w
    legend_y = height - 12
    for j, (p, colour) in enumerate(COLOURS.items()):
        parts.append(
            f'<rect x="{10 + j * 126}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{10 + j * 126 + 14}" y="{legend_y}" font-size="10">'
            f"{escape((names or {}).get(p, p)[:22])}</text>"
        )
    return Markup("".join(parts) + "</svg>")


def movement_chart(items: list[tuple[str, int | None]], *, title: str, width: int = 640) -> Markup:
    """Rank movement since last quarter: up in green, down in red."""
    row, mid = 22, 420
    height = row * len(items) + 30
    parts = [
        _open(width, height, title),
        f'<line x1="{mid}" y1="15" x2="{mid}" y2="{height - 5}" stroke="#999"/>',
    ]
    for i, (label, move) in enumerate(items):
        y = 20 + i * row
        parts.append(
            f'<text x="{mid - 150}" y="{y + 14}" text-anchor="end">{escape(label[:34])}</text>'
        )
        if move is None:
            parts.append(f'<text x="{mid + 4}" y="{y + 14}" fill="#777">new</text>')
            continue
        w = min(abs(move), 10) * 18
        x = mid if move >= 0 else mid - w
        colour = "#2ca02c" if move > 0 else "#d62728"
        parts.append(
            f'<rect class="bar" x="{x}" y="{y + 3}" width="{max(w, 1)}" height="{row - 6}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{mid + (w + 4 if move >= 0 else 4)}" y="{y + 14}">{move:+d}</text>')
    return Markup("".join(parts) + "</svg>")


def level_matrix(cells: list[dict], *, title: str, width: int = 640) -> Markup:
    """Declared (rows) vs observed (columns) levels of checked services."""
    declared = sorted({c["declared"] for c in cells})
    counts = {(c["declared"], c["observed"]): c["n"] for c in cells}
    cw, rh, left = 80, 28, 120
    height = rh * (len(declared) + 1) + 30
    top = max(counts.values(), default=1)
    parts = [_open(width, height, title)]
    for j, level in enumerate(LEVELS):
        parts.append(
            f'<text x="{left + j * cw + cw / 2}" y="32" text-anchor="middle">{level}</text>'
        )
    for i, d in enumerate(declared):
        y = 40 + i * rh
        parts.append(f'<text x="{left - 6}" y="{y + 18}" text-anchor="end">{escape(d)}</text>')
        for j, level in enumerate(LEVELS):
            n = counts.get((d, level), 0)
            shade = int(255 - 200 * n / top)
            parts.append(
                f'<rect class="cell" x="{left + j * cw}" y="{y}" width="{cw - 2}" height="{rh - 2}" fill="rgb({shade},{shade},255)"/>'
                f'<text x="{left + j * cw + cw / 2}" y="{y + 18}" text-anchor="middle">{n}</text>'
            )
    return Markup("".join(parts) + "</svg>")


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


TREND_COLOURS = ("#1f4e79", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")


def trend_chart(
    series: list[tuple[str, list[tuple[str, float | None]]]],
    *,
    title: str,
    width: int = 640,
    decimal: str = ".",
) -> Markup:
    """Index (0..1) over quarters, one line per series; the first series drawn boldest."""
    quarters = sorted({q for _, points in series for q, _ in points})
    left, right, top, bottom = 50, 170, 24, 30
    height = 220
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(quarters) - 1)

    def x(q: str) -> float:
        return left + (quarters.index(q) * step if len(quarters) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * plot_h

    parts = [_open(width, height, title)]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">'
            f"{f'{tick:.2f}'.replace('.', decimal)}</text>"
        )
    for q in quarters:
        parts.append(
            f'<text x="{x(q):.1f}" y="{height - 10}" text-anchor="middle">{escape(q)}</text>'
        )
    for i, (label, points) in enumerate(series):
        colour = TREND_COLOURS[i % len(TREND_COLOURS)]
        pts = [(x(q), y(v)) for q, v in points if v is not None]
        if not pts:
            continue
        stroke = 3 if i == 0 else 1.5
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
        parts.append(
            f'<polyline class="trend" points="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}"/>'
        )
        for px, py in pts:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
        last_x, last_y = pts[-1]
        parts.append(
            f'<text x="{left + plot_w + 8}" y="{last_y + 4:.1f}" fill="{colour}">'
            f"{escape(label[:24])}</text>"
        )
    return Markup("".join(parts) + "</svg>")
