"""Two imports at once (two windows, or a window and a script): both finish, no code is given twice."""
from __future__ import annotations

import threading
from pathlib import Path

from csrdesk.services.supplier_import import import_suppliers
from csrdesk.services.suppliers import list_suppliers

LISTS = Path(__file__).resolve().parents[1] / "data" / "open-supply-hub"


def test_two_supplier_imports_racing_for_the_next_codes_both_finish(db):
    """Each import plans its new codes inside its own write transaction, so the second one waits and numbers
    after the first (before, both took the same next code and one died on the database's unique constraint)."""
    files = [LISTS / "summer-2019-compliance-list.csv", LISTS / "winter-2019-compliance-list.csv"]
    reports, errors = [], []
    barrier = threading.Barrier(len(files))

    def run(path: Path) -> None:
        barrier.wait()
        try:
            reports.append(import_suppliers(db, path))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    created = [c.code for r in reports for c in r.created]
    rows = list_suppliers(db)
    assert len(rows) == len(created) > 40
    assert len({r.code for r in rows}) == len(rows)
