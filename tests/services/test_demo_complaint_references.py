"""Demo complaints carry references as the app gives them: GRV-<year received>-<number>. The demo's used to read "GRV-1-0007" (the seed where the year goes), side by
side with the user's "GRV-2026-0001" in the complaints list."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select


def test_demo_complaint_references_name_the_year_received(db):
    from csrdesk.services.demo import generate_demo
    from csrdesk.storage.models import Complaint

    generate_demo(db, suppliers=8, findings_per_assessment=2, seed=1)
    generate_demo(db, suppliers=8, findings_per_assessment=2, seed=2)  # a second demo in the same workspace
    with db.reading() as s:
        rows = [(c.reference, c.received_date) for c in s.scalars(select(Complaint))]
    assert len(rows) >= 4
    refs = [r for r, _d in rows]
    assert len(set(refs)) == len(refs)
    for ref, received in rows:
        received = received if isinstance(received, date) else date.fromisoformat(str(received)[:10])
        assert re.fullmatch(r"GRV-\d{4}-\d{4}", ref) and ref.startswith(f"GRV-{received.year}-"), ref
