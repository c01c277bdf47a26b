"""The risk heat map draws from plain data to a real PNG, one row per country and one column per category."""
from csrdesk.domain.risk import build_risk_map
from csrdesk.reports.charts import save_png
from csrdesk.reports.risk_chart import risk_heat_map


def test_heat_map_rows_columns_and_labels(tmp_path):
    """Each country is a row labelled with its number of assessments, each category a column titled in words, and
    each cell with a finding shows its share."""
    risk = build_risk_map([(1, "China"), (2, "China"), (3, "Vietnam")],
                          [(1, "wages", "critical"), (3, "hours", "minor")], ["wages", "hours"])
    fig = risk_heat_map(risk, {"wages": "Wages and benefits", "hours": "Working hours"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["China (2) *", "Vietnam (1) *"]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == ["Wages and benefits", "Working hours"]
    assert sorted(t.get_text() for t in ax.texts) == ["100%", "50%"]
    out = save_png(fig, tmp_path / "risk.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5000


def test_empty_heat_map_says_so():
    fig = risk_heat_map(build_risk_map([], [], ["wages"]))
    assert any("No assessments yet" in t.get_text() for t in fig.axes[0].texts)
