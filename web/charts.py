"""Charts as SVG drawn on the server by pygal: no script, nothing loaded from another site. Each chart on a page
goes with the table of its figures, for those who read rather than look (and for screen readers)."""

import math
import re

import pygal
from markupsafe import Markup
from pygal.style import Style

# The pages' colours (web/static/app.css), dark enough on white for text and bars alike.
STYLE = Style(background="transparent", plot_background="transparent", foreground="#1d2733",
              foreground_strong="#1d2733", foreground_subtle="#5b6775", font_family="system-ui, sans-serif",
              colors=("#1f5fa8", "#b4541a", "#2d7a3e", "#7a3e8c", "#8a6d00", "#a3324a"))
# A bar's or a dot's own figures, as pygal writes them for its script: its value, then its label.
FIGURES = re.compile(r'(<desc class="value">([^<]*)</desc>(?:<desc class="[^"]*">[^<]*</desc>)*?'
                     r'<desc class="x_label">([^<]*)</desc>)')
# pygal's inline configuration for its script: the policy would block it anyway (script-src 'self').
INLINE_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
SETTINGS = dict(style=STYLE, js=[], disable_xml_declaration=True, height=320, width=720, show_legend=False,
                print_values=True, explicit_size=False, margin=16)


def bars(title: str, labels: list[str], values: list[float], horizontal: bool = False) -> Markup:
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, **SETTINGS)
    chart.x_labels = labels
    chart.y_labels = whole_ticks(max(values, default=0))
    chart.add(title, values)
    return _svg(chart)


def lines(title: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    chart = pygal.Line(title=title, **{**SETTINGS, "show_legend": True, "legend_at_bottom": True})
    chart.x_labels = labels
    chart.y_labels = whole_ticks(max((max(values, default=0) for values in series.values()), default=0))
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)


def whole_ticks(largest: float) -> list[int]:
    """Counts: whole numbers on the axis, about five of them."""
    step = max(1, math.ceil(largest / 5))
    return list(range(0, int(largest) + step + 1, step))


def _svg(chart) -> Markup:
    # pygal escapes the labels and titles it is given. Its tooltips need its script (from a CDN, so off): each
    # bar or dot gets an SVG title instead, which the browser shows on hover.
    svg = FIGURES.sub(r"\1<title>\3 : \2</title>", INLINE_SCRIPT.sub("", chart.render(is_unicode=True)))
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))
