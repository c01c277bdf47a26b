"""The country risk map as a heat map: countries down, finding categories across, each cell coloured by the
severity-weighted share of assessments with a finding there and labelled with the plain share.

Drawn on a matplotlib Figure (never pyplot); matplotlib is imported only when the map is drawn.
"""
from __future__ import annotations

import textwrap
from typing import Mapping, Optional

from csrdesk.domain.risk import FEW_ASSESSMENTS, RiskMap
from csrdesk.reports.charts import _figure

COLOUR_MAP = "YlOrRd"


def risk_heat_map(risk: RiskMap, titles: Optional[Mapping[str, str]] = None,
                  title: str = "Country risk map: share of assessments with a finding, weighted by severity"):
    """The heat map Figure; an empty map says that there are no assessments yet."""
    titles = dict(titles or {})
    rows, cols = len(risk.countries), len(risk.categories)
    width = max(6.4, 1.6 + 0.78 * cols)
    height = max(3.0, 1.9 + 0.42 * rows)
    fig = _figure(width, height)
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=11, loc="left")
    if not rows or not cols:
        ax.text(0.5, 0.5, "No assessments yet", transform=ax.transAxes, ha="center", va="center", color="#777")
        ax.set_axis_off()
        return fig
    grid = [[0.0] * cols for _ in range(rows)]
    share = [[0.0] * cols for _ in range(rows)]
    for cell in risk.cells:
        r, c = risk.countries.index(cell.country), risk.categories.index(cell.category)
        grid[r][c], share[r][c] = cell.weighted, cell.share
    top = max(0.2, max(max(row) for row in grid))
    image = ax.imshow(grid, cmap=COLOUR_MAP, vmin=0.0, vmax=top, aspect="auto")
    for r in range(rows):
        for c in range(cols):
            if share[r][c] <= 0:
                continue
            dark = grid[r][c] > top * 0.6
            ax.text(c, r, f"{share[r][c]:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if dark else "#333333")
    ax.set_xticks(range(cols))
    ax.set_xticklabels([textwrap.fill(titles.get(k, k), 16) for k in risk.categories], fontsize=8, rotation=45,
                       ha="right", rotation_mode="anchor")
    ax.set_yticks(range(rows))
    ax.set_yticklabels([_row_label(country, risk.assessments[country]) for country in risk.countries], fontsize=9)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks([x - 0.5 for x in range(1, cols)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
    bar.ax.tick_params(labelsize=8)
    bar.set_label("severity-weighted share", fontsize=8)
    fig.text(0.01, 0.005, f"Cell text: share of the country's assessments with a finding in the category. "
             f"(n) assessments; * fewer than {FEW_ASSESSMENTS}, listed last.", fontsize=7, color="#555555")
    return fig


def _row_label(country: str, assessments: int) -> str:
    return f"{country} ({assessments}){' *' if assessments < FEW_ASSESSMENTS else ''}"
