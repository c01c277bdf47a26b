"""One chart per report section, drawn from its ChartData on a matplotlib Figure (never pyplot).

Readable in print: at most a handful of bars (the figures come already cut to the top N with "Others"), long labels
wrapped, each bar labelled with its value, ratings always in their own colours (reports.charts palette).
"""
from __future__ import annotations

import textwrap
from typing import Optional

from csrdesk.domain.reporting import BARH, RATINGS, SCORES, STACKED, ChartData
from csrdesk.reports.charts import COUNT_COLOUR, _figure, _style, rating_colour, score_history

WIDTH = 6.4  # inches: the width of a portrait page's text at full size


def _value_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def draw_chart(chart: ChartData, width: float = WIDTH, height: Optional[float] = None):
    """The Figure for a section's chart; each bar (patch) carries its label index as `gid` for click-through."""
    if chart.kind == SCORES:
        from datetime import date

        points = [(date.fromisoformat(d), int(v), r) for d, v, r in zip(chart.labels, chart.series[0][1],
                                                                         chart.ratings)]
        return score_history(points, chart.title, width, height or 2.8, fixed_margins=True)
    labels = [textwrap.fill(str(label), 36) for label in chart.labels]
    if chart.kind == BARH:  # each bar as tall as its label's lines
        height = height or max(2.2, sum(0.2 + 0.14 * (label.count("\n") + 1) for label in labels) + 1.0)
    height = height or 3.2
    # Margins set from the labels' lengths rather than by the constrained layout, which measures every text and
    # costs more than the drawing itself (11 charts a report).
    fig = _figure(width, height, layout=None)
    _margins(fig, chart, labels, width, height)
    ax = fig.add_subplot()
    # From the figure's left edge, not the axes': a long title over labelled bars stays on the page.
    fig.suptitle(chart.title, x=0.015, y=0.985, ha="left", va="top", fontsize=11)
    if chart.empty:
        ax.text(0.5, 0.5, "Nothing to show for this period", transform=ax.transAxes, ha="center", va="center",
                color="#777777")
        ax.set_axis_off()
        return fig
    if chart.kind == STACKED:
        _stacked(ax, chart, labels, width)
    else:
        values = list(chart.series[0][1])
        if chart.kind == RATINGS:
            colours = [rating_colour(label) for label in chart.labels]
        else:
            colours = [COUNT_COLOUR] * len(values)
        if chart.kind == BARH:
            # Largest at the top: matplotlib draws the first label at the bottom.
            bars = ax.barh(labels[::-1], values[::-1], color=colours[::-1])
            for i, bar in enumerate(bars):
                bar.set_gid(str(len(values) - 1 - i))
                ax.annotate(_value_text(bar.get_width()), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                            va="center", fontsize=8, xytext=(3, 0), textcoords="offset points")
            ax.grid(axis="x", color="#e0e0e0", linewidth=0.8)
            ax.grid(axis="y", visible=False)
            ax.set_xlabel(chart.unit, fontsize=9)
            ax.tick_params(axis="y", labelsize=8)
        else:
            bars = ax.bar([textwrap.fill(str(label), 14) for label in chart.labels], values, color=colours)
            for i, bar in enumerate(bars):
                bar.set_gid(str(i))
                ax.annotate(_value_text(bar.get_height()), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                            ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
            ax.set_ylabel(chart.unit, fontsize=9)
            ax.tick_params(axis="x", labelsize=8)
            ax.set_ylim(0, max(values + [1.0]) * 1.15)
    _style(ax)
    if chart.kind == BARH:
        ax.grid(axis="y", visible=False)
    return fig


def _text_inches(text: str, points: float) -> float:
    """About how wide a line of text is, on the safe side (DejaVu Sans, matplotlib's default, runs 0.55 to 0.65 em
    a character)."""
    return len(text) * points * 0.68 / 72


def _margins(fig, chart: ChartData, labels: list[str], width: float, height: float) -> None:
    title, tick = 0.45, 0.12  # inches: the title line above, the tick marks and padding
    if chart.kind == BARH:
        widest = max((_text_inches(line, 8) for label in labels for line in label.split("\n")), default=0.5)
        left, right, bottom = widest + tick + 0.2, 0.45, 0.5
    else:
        if _slanted(chart, width):
            longest = max((_text_inches(str(label), 8) for label in chart.labels), default=0.5)
            bottom_text = longest * 0.5 + 0.1  # at 30 degrees
        else:
            lines = max((textwrap.fill(str(label), 14 if chart.kind != STACKED else 12).count("\n") + 1
                         for label in chart.labels), default=1)
            bottom_text = lines * 8 * 1.25 / 72
        left, bottom = 0.7, 0.2 + bottom_text + tick
        right = 0.15
        if chart.kind == STACKED:
            right += max((_text_inches(name, 7) for name, _v in chart.series), default=0.5) + 0.45
    fig.subplots_adjust(left=min(0.6, left / width), right=1 - min(0.4, right / width),
                        bottom=min(0.45, bottom / height), top=1 - min(0.3, title / height))


def _slanted(chart: ChartData, width: float = WIDTH) -> bool:
    """Labels that would run into each other side by side are set at a slant (country names under many bars)."""
    if chart.kind != STACKED or not chart.labels:
        return False
    slot = width * 0.6 / len(chart.labels)  # inches per bar, the legend taking the rest
    return max(_text_inches(str(label), 8) for label in chart.labels) > 0.9 * slot


def _stacked(ax, chart: ChartData, labels: list[str], width: float) -> None:
    bottoms = [0.0] * len(labels)
    slant = _slanted(chart, width)
    ticks = [str(label) if slant else textwrap.fill(label, 12) for label in chart.labels]
    for name, values in chart.series:
        if not any(values):
            continue
        colour = rating_colour(name)  # the stacked series are ratings (and "not assessed", grey)
        bars = ax.bar(ticks, values, bottom=bottoms, color=colour, label=name, width=0.7)
        for i, bar in enumerate(bars):
            bar.set_gid(str(i))
        bottoms = [b + v for b, v in zip(bottoms, values)]
    for x, total in enumerate(bottoms):
        ax.annotate(_value_text(total), (x, total), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                    textcoords="offset points")
    ax.set_ylim(0, max(bottoms + [1.0]) * 1.15)  # room for the totals under the title
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylabel(chart.unit, fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    if slant:
        for text in ax.get_xticklabels():
            text.set_rotation(30)
            text.set_horizontalalignment("right")
            text.set_rotation_mode("anchor")


def chart_png(chart: ChartData, width: float = WIDTH, dpi: int = 150) -> bytes:
    """The chart as PNG bytes (for a Word file), drawn without any GUI."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw_chart(chart, width)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
