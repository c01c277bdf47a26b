"""Charts drawn on matplotlib Figures (never pyplot), from plain data, for the window and for files.

matplotlib is imported only when a chart is first drawn: it costs about half a second at start.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Mapping, Optional, Sequence

from csrdesk.domain.scoring import BANDS, RATING_COLOURS, Rating

RATING_ORDER = (Rating.SATISFACTORY, Rating.NEEDS_IMPROVEMENT, Rating.UNSATISFACTORY, Rating.ZERO_TOLERANCE,
                Rating.DENIED)
# The one palette of every chart: the five ratings in their colours (domain.scoring), "not assessed" in grey, and
# the colour of plain counts.
NOT_ASSESSED_COLOUR = "#9aa5b1"
COUNT_COLOUR = "#1565c0"
SERIES_COLOURS = ("#1565c0", "#00897b", "#8e24aa", "#6d4c41", "#546e7a", "#c0ca33")


def rating_colour(name: str, default: str = NOT_ASSESSED_COLOUR) -> str:
    """The colour of a rating by its name ("Zero Tolerance"); grey for anything else (not assessed)."""
    try:
        return RATING_COLOURS[Rating(name)]
    except ValueError:
        return default


def _figure(width: float = 6.4, height: float = 3.6, layout: Optional[str] = "constrained"):
    from csrdesk import paths

    os.environ.setdefault("MPLCONFIGDIR", str(paths.cache_dir() / "matplotlib"))
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    fig.patch.set_facecolor("white")
    return fig


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=9)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)


def rating_distribution(counts: Mapping[str, int], title: str = "Suppliers by current rating"):
    """A bar per rating, in the rating's colour, with the count on each bar."""
    fig = _figure()
    ax = fig.add_subplot()
    labels = [r.value.replace(" ", "\n") for r in RATING_ORDER]
    values = [int(counts.get(r.value, 0)) for r in RATING_ORDER]
    bars = ax.bar(labels, values, color=[RATING_COLOURS[r] for r in RATING_ORDER])
    for bar, value in zip(bars, values):
        ax.annotate(str(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                    fontsize=9, xytext=(0, 2), textcoords="offset points")
    unrated = int(counts.get(None, 0) or counts.get("", 0) or 0)
    ax.set_title(title + (f"  ({unrated} not yet assessed)" if unrated else ""), fontsize=11, loc="left")
    ax.set_ylabel("suppliers", fontsize=9)
    _style(ax)
    return fig


def score_history(points: Sequence[tuple[date, int, str]], title: str = "Assessment score over time",
                  width: float = 6.4, height: float = 3.6, fixed_margins: bool = False):
    """Scores of one supplier's assessments over time on a symmetric-log scale, with the rating bands shaded.

    fixed_margins: set the margins once (for a file) instead of the constrained layout the window needs to resize."""
    fig = _figure(width, height, layout=None if fixed_margins else "constrained")
    if fixed_margins:
        fig.subplots_adjust(left=0.7 / width, right=1 - 0.15 / width, top=1 - 0.4 / height, bottom=0.75 / height)
    ax = fig.add_subplot()
    ordered = sorted(points)
    top = max([s for _, s, _ in ordered] + [1000])
    floors = sorted(floor for floor, _ in BANDS)
    for low, (high, rating) in zip(floors, [(floors[i + 1] if i + 1 < len(floors) else top * 1.5, r)
                                            for i, r in enumerate((Rating.SATISFACTORY, Rating.NEEDS_IMPROVEMENT,
                                                                   Rating.UNSATISFACTORY, Rating.ZERO_TOLERANCE))]):
        ax.axhspan(low, high, color=RATING_COLOURS[rating], alpha=0.08, linewidth=0)
    if ordered:
        xs = [d for d, _, _ in ordered]
        ys = [s for _, s, _ in ordered]
        ax.plot(xs, ys, color="#455a64", linewidth=1.2, zorder=2)
        ax.scatter(xs, ys, c=[rating_colour(r, "#455a64") for _, _, r in ordered], s=40, zorder=3,
                   edgecolors="white", linewidths=0.8)
    else:
        ax.text(0.5, 0.5, "No assessments yet", transform=ax.transAxes, ha="center", va="center", color="#777")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(0, top * 1.5)
    ax.set_yticks([0, 8, 30, 100, 800])
    ax.set_yticklabels(["0", "8", "30", "100", "800"])
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel("score", fontsize=9)
    fig.autofmt_xdate()
    _style(ax)
    return fig


def counts_bar(counts: Mapping[str, int], title: str, colour: str = "#1565c0", horizontal: bool = True):
    """A plain bar chart of counts by label (overdue items by category, complaints by provision...)."""
    fig = _figure(6.4, max(2.4, 0.32 * len(counts) + 1.0) if horizontal else 3.6)
    ax = fig.add_subplot()
    items = sorted(counts.items(), key=lambda kv: kv[1])
    labels = [k for k, _ in items]
    values = [v for _, v in items]
    if horizontal:
        ax.barh(labels, values, color=colour)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.8)
    else:
        ax.bar(labels, values, color=colour)
    ax.set_title(title, fontsize=11, loc="left")
    _style(ax)
    return fig


def save_png(fig, path: Path) -> Path:
    """Writes a figure as PNG without any GUI (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    path = Path(path)
    fig.savefig(path, format="png")
    return path
