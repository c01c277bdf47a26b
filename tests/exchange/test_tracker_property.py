"""Property: whatever a factory types into its columns, the import reports exactly those edits and applies them."""
from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from csrdesk.exchange.tracker import FACTORY_FIELDS, STATUS_ZH, canonical_text
from csrdesk.services.caps import item_detail
from csrdesk.errors import UserError
from csrdesk.services.startup import open_workspace
from csrdesk.services.trackers import apply_tracker_import, export_tracker, preview_tracker_import
from csrdesk.storage.db import backup_sqlite
from tracker_support import FactoryEdit, dump, item_ids, make_cap

TEXT_FIELDS = ("root_cause", "preventive_action", "project_leader", "evidence_notes")
EXCEL_EPOCH = date(1899, 12, 30)

plain_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x30FF, blacklist_categories=("Cs", "Cc", "Cn", "Co")),
    max_size=40,
)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=20)
tricky = st.sampled_from(["=1+1", '=HYPERLINK("http://x","y")', "+cmd", "-3", "@SUM(A1)", "  padded  ",
                          "line one\nline two", "", "   ", "1.5", "2026-03-05"])
text_answer = st.one_of(plain_text, chinese, tricky, st.integers(0, 10**6))


@st.composite
def date_answer(draw):
    """A planned date as a factory may type it, with the date it means (None for a blank cell)."""
    if draw(st.booleans()) and draw(st.booleans()):
        return None, None
    d = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
    form = draw(st.sampled_from(["date", "iso", "chinese", "dotted", "serial", "serial-text", "slashed", "ymd"]))
    typed = {
        "date": datetime(d.year, d.month, d.day),
        "iso": d.isoformat(),
        "chinese": f"{d.year}年{d.month}月{d.day}日",
        "dotted": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "serial": (d - EXCEL_EPOCH).days,
        "serial-text": str((d - EXCEL_EPOCH).days),
        "slashed": f"{d.day}/{d.month}/{d.year}",  # day first, as the instructions' region writes it
        "ymd": f"{d.year}/{d.month}/{d.day}",
    }[form]
    return typed, d


status_answer = st.sampled_from(
    [s for s in ("open", "action planned", "evidence submitted")]
    + [STATUS_ZH[s] for s in ("open", "action planned", "evidence submitted")]
    + ["ACTION PLANNED", "Evidence Submitted", "action planned / 已制定计划", "Open"]
)


@st.composite
def edits(draw, ids):
    """Random edits: a few items, a few factory fields each, last edit of a field wins."""
    chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    result = {}
    for item_id in chosen:
        fields = draw(st.lists(st.sampled_from(FACTORY_FIELDS), min_size=1, max_size=4, unique=True))
        for name in fields:
            if name == "planned_date":
                result[(item_id, name)] = draw(date_answer())
            elif name == "status":
                value = draw(status_answer)
                result[(item_id, name)] = (value, _status(value))
            else:
                value = draw(text_answer)
                result[(item_id, name)] = (value, canonical_text(value))
    return result


def _status(label: str) -> str:
    from csrdesk.exchange.tracker_import import parse_status

    return parse_status(label)


@pytest.mark.sqlite_only  # each example starts from a copy of the workspace file
def test_random_factory_edits_are_reported_exactly(db, supplier, tmp_path):
    """Random edits of the factory columns: preview lists exactly them, and applying stores exactly them."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    tracker = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    base = tmp_path / "base.sqlite3"
    backup_sqlite(db.path, base)
    outcomes: list[str] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits(ids), st.randoms(use_true_random=False))
    def check(answers, rnd):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            f = FactoryEdit(tracker)
            order = list(ids)
            rnd.shuffle(order)
            f.reorder(order)
            for (item_id, name), (typed, _meaning) in answers.items():
                f.set(item_id, name, typed)
            returned = f.save(tmp / "returned.xlsx")

            expected = set()
            for (item_id, name), (_typed, meaning) in answers.items():
                old = "open" if name == "status" else ("" if name != "planned_date" else None)
                if meaning != old:
                    expected.add((item_id, name, meaning))

            copy = tmp / "ws.sqlite3"
            backup_sqlite(base, copy)
            ws = open_workspace(str(copy))
            try:
                preview = preview_tracker_import(ws, returned)
                assert {(c.item_id, c.field, c.new) for c in preview.changes} == expected
                assert preview.conflicts == ()
                outcomes.append("refused" if preview.problems else "applied")
                if preview.problems:
                    before = dump(ws)
                    with pytest.raises(UserError):
                        apply_tracker_import(ws, returned)
                    assert dump(ws) == before
                    return
                apply_tracker_import(ws, returned)
                for (item_id, name), (_typed, meaning) in answers.items():
                    detail = item_detail(ws, item_id)
                    stored = detail.evidence_notes if name == "evidence_notes" else getattr(detail.row, name)
                    assert stored == meaning, (item_id, name, stored, meaning)
                assert preview_tracker_import(ws, returned).empty
            finally:
                ws.dispose()

    check()
    # both paths were exercised: answers applied, and answers the item lifecycle refused
    assert outcomes.count("applied") >= 5 and "refused" in outcomes, outcomes
