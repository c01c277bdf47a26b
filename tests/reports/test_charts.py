"""Charts render to real PNG files from plain data, without a GUI."""
from datetime import date

from csrdesk.reports import charts


def test_rating_distribution_png(tmp_path):
    """The rating chart has one bar per rating, in the rating colours, and writes a PNG."""
    fig = charts.rating_distribution({"Satisfactory": 3, "Needs Improvement": 5, "Denied": 1})
    bars = fig.axes[0].patches
    assert [round(b.get_height()) for b in bars] == [3, 5, 0, 0, 1]
    out = charts.save_png(fig, tmp_path / "ratings.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_score_history_empty_and_full(tmp_path):
    """A supplier with no assessments gets a readable empty chart; with some, one point per assessment."""
    empty = charts.score_history([])
    assert any("No assessments" in t.get_text() for t in empty.axes[0].texts)
    full = charts.score_history([(date(2025, 1, 1), 40, "Unsatisfactory"), (date(2025, 6, 1), 5, "Satisfactory")])
    assert len(full.axes[0].collections[-1].get_offsets()) == 2
    assert charts.save_png(full, tmp_path / "h.png").stat().st_size > 1000


def test_matplotlib_not_loaded_by_domain_or_services():
    """Starting the services does not import matplotlib (it is loaded when a chart is first drawn)."""
    import subprocess
    import sys

    code = "import csrdesk.services.startup, csrdesk.reports.charts, sys; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
