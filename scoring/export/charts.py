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


def bar_chart(items: list[tuple[str, float]], *, title: str, width: int = 640) -> Markup:
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
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}">{(value or 0):.3f}</text>')
    return Markup("".join(parts) + "</svg>")


def stacked_pillars(
    items: list[tuple[str, dict]], weights: dict[str, float], *, title: str, width: int = 640
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
            f'<rect x="{left + j * 80}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + j * 80 + 14}" y="{legend_y}">{p}</text>'
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
