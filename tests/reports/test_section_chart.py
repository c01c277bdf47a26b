"""Report charts: the five ratings in the same colours everywhere, top N with "Others", a readable empty chart."""
from matplotlib.colors import to_hex

from csrdesk.domain import reporting as rp
from csrdesk.domain.scoring import RATING_COLOURS, Rating
from csrdesk.reports.charts import NOT_ASSESSED_COLOUR, rating_colour
from csrdesk.reports.section_chart import chart_png, draw_chart


def test_rating_bars_use_the_one_palette():
    """A ratings chart colours each bar with its rating's colour from domain.scoring (as the dashboard does)."""
    chart = rp.counts_chart(rp.RATINGS, "Assessments", [(r.value, n + 1) for n, r in enumerate(Rating)], "n")
    bars = draw_chart(chart).axes[0].patches
    assert [to_hex(b.get_facecolor()) for b in bars] == [RATING_COLOURS[r].lower() for r in Rating]
    assert rating_colour("Not assessed") == NOT_ASSESSED_COLOUR


def test_stacked_chart_by_rating_and_not_assessed_in_grey():
    """Ratings stacked per quarter: each series in its rating colour, "Not assessed" grey, totals on top."""
    chart = rp.ChartData(rp.STACKED, "Trend", ("2026 Q1", "2026 Q2"),
                         (("Satisfactory", (3.0, 4.0)), ("Not assessed", (2.0, 1.0))), "suppliers")
    ax = draw_chart(chart).axes[0]
    colours = {to_hex(p.get_facecolor()) for p in ax.patches}
    assert colours == {RATING_COLOURS[Rating.SATISFACTORY].lower(), NOT_ASSESSED_COLOUR.lower()}
    assert [t.get_text() for t in ax.texts] == ["5", "5"]


def test_top_n_keeps_charts_readable():
    """600 labels become the eight largest and one "Others" bar holding the rest."""
    counts = {f"Factory {i}": i for i in range(1, 601)}
    top = rp.top_n(counts)
    assert len(top) == 9 and top[0] == ("Factory 600", 600) and top[-1][0] == rp.OTHERS
    assert sum(v for _k, v in top) == sum(counts.values())


def test_empty_chart_says_so_and_png_is_written():
    """A chart with nothing to show says so instead of drawing empty axes; charts render to PNG bytes."""
    empty = rp.counts_chart(rp.BARH, "Escalations", [("Reminder", 0)], "steps")
    assert empty.empty
    fig = draw_chart(empty)
    assert any("Nothing to show" in t.get_text() for t in fig.axes[0].texts)
    full = rp.counts_chart(rp.BARH, "Escalations", [("Reminder", 3), ("Warning letter", 1)], "steps")
    assert chart_png(full)[:8] == b"\x89PNG\r\n\x1a\n"
