"""Charts drawn on the server as inline SVG: no script, no external file, nothing the strict
Content-Security-Policy would refuse (colours are SVG attributes, not inline styles).

Each bar may link somewhere (a timeline month filters the search to that month), so the
charts work with the keyboard and without JavaScript; every bar has a ``<title>`` (its
exact figure) for screen readers and hover.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

#: colours of the segments of a stacked bar, by kind
COLOURS = {"bar": "#2b6cb0", "ok": "#2f855a", "not_modified": "#90cdf4", "missing": "#d69e2e",
           "failed": "#c53030", "denied": "#a0aec0"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None
    title: str = ""  # the tooltip; default: label and value


@dataclass(frozen=True)
class Stack:
    """One row of a stacked bar chart: (kind, count) segments, kinds from ``COLOURS``."""

    label: str
    segments: tuple[tuple[str, int], ...]
    href: str | None = None
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _link(inner: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def column_chart(bars: list[Bar], *, chart_id: str, caption: str, height: int = 110) -> Markup:
    """Vertical bars side by side (a timeline); a label under every few bars."""
    if not bars:
        return Markup("")
    width = max(4, min(28, 720 // len(bars)))
    top = max(b.value for b in bars) or 1
    every = max(1, len(bars) // 12)
    parts = []
    for n, bar in enumerate(bars):
        h = max(1, round(bar.value / top * (height - 4))) if bar.value else 0
        x = n * width
        title = escape(bar.title or f"{bar.label}: {bar.value}")
        rect = (f'<rect class="bar" data-label="{escape(bar.label)}" x="{x + 1}" y="{height - h}" '
                f'width="{width - 2}" height="{h}" fill="{COLOURS["bar"]}"><title>{title}</title></rect>'
                f'<rect x="{x}" y="0" width="{width}" height="{height}" fill="transparent">'
                f'<title>{title}</title></rect>')
        parts.append(_link(rect, bar.href))
        if n % every == 0:
            parts.append(f'<text x="{x}" y="{height + 14}" font-size="10">{escape(bar.label)}</text>')
    total_width = max(width * len(bars), 80)
    return Markup(
        f'<figure class="chart" id="{escape(chart_id)}"><figcaption>{escape(caption)}</figcaption>'
        f'<svg role="img" aria-label="{escape(caption)}" viewBox="0 0 {total_width + 40} {height + 20}" '
        f'width="100%" height="{height + 20}" preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg></figure>'
    )


def bar_rows(bars: list[Bar], *, chart_id: str, caption: str, label_width: int = 150) -> Markup:
    """Horizontal bars, one labelled row each (provinces)."""
    if not bars:
        return Markup("")
    top = max(b.value for b in bars) or 1
    row, span = 18, 260
    parts = []
    for n, bar in enumerate(bars):
        y = n * row
        w = max(1, round(bar.value / top * span)) if bar.value else 0
        title = escape(bar.title or f"{bar.label}: {bar.value}")
        inner = (f'<text x="0" y="{y + 13}" font-size="12">{escape(bar.label)}</text>'
                 f'<rect class="bar" data-label="{escape(bar.label)}" x="{label_width}" y="{y + 3}" width="{w}" '
                 f'height="{row - 6}" fill="{COLOURS["bar"]}"><title>{title}</title></rect>'
                 f'<text x="{label_width + w + 4}" y="{y + 13}" font-size="11">{bar.value}</text>')
        parts.append(_link(inner, bar.href))
    return Markup(
        f'<figure class="chart" id="{escape(chart_id)}"><figcaption>{escape(caption)}</figcaption>'
        f'<svg role="img" aria-label="{escape(caption)}" viewBox="0 0 {label_width + span + 50} {row * len(bars)}" '
        f'width="100%" height="{row * len(bars)}" preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg></figure>'
    )


def stacked_rows(rows: list[Stack], *, chart_id: str, caption: str, legend: dict[str, str],
                 label_width: int = 190) -> Markup:
    """Horizontal stacked bars (crawl health: answered, unchanged, missing, failed, denied)."""
    if not rows:
        return Markup("")
    top = max(sum(c for _, c in r.segments) for r in rows) or 1
    row, span = 20, 300
    parts = []
    for n, stack in enumerate(rows):
        y, x = n * row, label_width
        inner = [f'<text x="0" y="{y + 14}" font-size="12">{escape(stack.label)}</text>']
        for kind, count in stack.segments:
            if not count:
                continue
            w = max(1, round(count / top * span))
            inner.append(f'<rect class="segment" data-kind="{escape(kind)}" x="{x}" y="{y + 3}" width="{w}" '
                         f'height="{row - 6}" fill="{COLOURS.get(kind, "#718096")}">'
                         f'<title>{escape(legend.get(kind, kind))}: {count}</title></rect>')
            x += w
        inner.append(f'<text x="{x + 4}" y="{y + 14}" font-size="11">{escape(stack.note)}</text>')
        parts.append(_link("".join(inner), stack.href))
    keys = "".join(
        f'<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="{COLOURS[k]}"/></svg> '
        f"{escape(text)}</li>" for k, text in legend.items() if k in COLOURS
    )
    return Markup(
        f'<figure class="chart" id="{escape(chart_id)}"><figcaption>{escape(caption)}</figcaption>'
        f'<svg role="img" aria-label="{escape(caption)}" viewBox="0 0 {label_width + span + 120} {row * len(rows)}" '
        f'width="100%" height="{row * len(rows)}" preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg>'
        f'<ul class="legend">{keys}</ul></figure>'
    )
