"""Server-rendered SVG charts: no JavaScript, no CDN, readable under a strict CSP.

Each chart is drawn from the same rows as the table printed under it, so the numbers a
person reads and the bars they see never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe palette (Okabe-Ito first), each dark enough to read against white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C510A", "#000000",
           "#999999", "#01665E", "#762A83", "#1B7837", "#B8860B"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def _nice_max(value: float) -> float:
    """The smallest 'round' axis maximum at or above ``value`` whose quarters are round too."""
    if value <= 0:
        return 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 4, 5, 8, 10):
        candidate = step * magnitude
        if value <= candidate and (candidate / 4).is_integer():
            return candidate
    return 12 * magnitude


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg(width: int, height: int, title: str, parts: list[str]) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" class="chart" preserveAspectRatio="xMinYMin meet">'
            f"<title>{escape(title)}</title>")
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308  # nosec B308 B703: every text inside is escaped


def _legend(series: list[Series], x0: float, y0: float, width: float) -> tuple[list[str], int]:
    if len(series) < 2:
        return [], 0
    per_row = 3
    parts = []
    for index, s in enumerate(series):
        x = x0 + (index % per_row) * (width / per_row)
        y = y0 + (index // per_row) * 18
        parts.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 16:.1f}" y="{y}" font-size="11" fill="#222">{escape(s.name if len(s.name) <= 32 else s.name[:31] + "…")}</text>')
    return parts, ((len(series) + per_row - 1) // per_row) * 18


def columns(labels: list[str], series: list[Series], *, title: str, unit: str = "", grouped: bool = False,
            width: int = 720, plot_height: int = 220) -> SafeString:
    """Vertical columns, one slot per label (e.g. a month); series stacked, or side by side."""
    left, right, top, axis = 48, 12, 12, 22
    totals = [max((s.values[i] for s in series), default=0) if grouped else sum(s.values[i] for s in series)
              for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    parts = []
    plot_w = width - left - right
    for tick in range(5):
        y = top + plot_height - plot_height * tick / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#333">'
                     f"{_fmt(top_value * tick / 4)}</text>")
    slot = plot_w / max(len(labels), 1)
    group_w = slot * 0.8
    for i, label in enumerate(labels):
        x0 = left + slot * i + (slot - group_w) / 2
        base = top + plot_height
        for index, s in enumerate(series):
            value = s.values[i]
            height = plot_height * value / top_value
            if grouped:
                bar_w = group_w / len(series)
                x, y = x0 + index * bar_w, base - height
            else:
                bar_w, x = group_w, x0
                base -= height
                y = base
            if value > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{height:.1f}" '
                             f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · {escape(s.name)}: '
                             f"{_fmt(value)}{escape(unit)}</title></rect>")
        parts.append(f'<text x="{x0 + group_w / 2:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                     f'font-size="11" fill="#333">{escape(label)}</text>')
    legend, legend_h = _legend(series, left, top + plot_height + axis + 16, plot_w)
    return _svg(width, top + plot_height + axis + legend_h + 8, title, parts + legend)


LABEL_CHARS = 40


def _label_lines(label: str) -> list[str]:
    """A bar's label on one line, or two split between words: a centre's name is never cut short."""
    if len(label) <= LABEL_CHARS:
        return [label]
    words, first = label.split(), ""
    while words and len(f"{first} {words[0]}".strip()) <= LABEL_CHARS:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one very long word
        return [label[:LABEL_CHARS], label[LABEL_CHARS:]]
    return [first, " ".join(words)]


def bars(labels: list[str], series: list[Series], *, title: str, unit: str = "", width: int = 720,
         bar_height: int = 22) -> SafeString:
    """Horizontal bars, one row per label (long names wrap on two lines); several series are stacked."""
    if any(len(label) > LABEL_CHARS for label in labels):
        bar_height = max(bar_height, 34)
    label_w, right, top = 270, 60, 6
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    plot_w = width - label_w - right
    parts = []
    for i, label in enumerate(labels):
        y = top + i * bar_height
        lines = _label_lines(label)
        first_y = y + bar_height * 0.68 - (7 if len(lines) > 1 else 0)
        spans = "".join(f'<tspan x="{label_w - 8}" dy="{0 if n == 0 else 14}">{escape(text)}</tspan>'
                        for n, text in enumerate(lines))
        parts.append(f'<text x="{label_w - 8}" y="{first_y:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#222">{spans}<title>{escape(label)}</title></text>')
        x = label_w
        for index, s in enumerate(series):
            value = s.values[i]
            w = plot_w * value / top_value
            if value > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" '
                             f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(label)} · {escape(s.name)}: '
                             f"{_fmt(value)}{escape(unit)}</title></rect>")
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar_height * 0.68:.1f}" font-size="12" fill="#222">'
                     f"{_fmt(totals[i])}{escape(unit)}</text>")
    rows_h = top + bar_height * max(len(labels), 1)
    legend, legend_h = _legend(series, label_w, rows_h + 18, plot_w)
    return _svg(width, rows_h + legend_h + 10, title, parts + legend)
