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
        return score_history(points, chart.title, width, height or 2.8)
    labels = [textwrap.fill(str(label), 28) for label in chart.labels]
    if chart.kind == BARH:
        height = height or max(2.2, 0.36 * len(labels) + 1.0)
    fig = _figure(width, height or 3.2)
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontsize=11, loc="left")
    if chart.empty:
        ax.text(0.5, 0.5, "Nothing to show for this period", transform=ax.transAxes, ha="center", va="center",
                color="#777777")
        ax.set_axis_off()
        return fig
    if chart.kind == STACKED:
        _stacked(ax, chart, labels)
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


def _stacked(ax, chart: ChartData, labels: list[str]) -> None:
    bottoms = [0.0] * len(labels)
    ticks = [textwrap.fill(label, 12) for label in labels]
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


def chart_png(chart: ChartData, width: float = WIDTH, dpi: int = 150) -> bytes:
    """The chart as PNG bytes (for a Word file), drawn without any GUI."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw_chart(chart, width)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
