"""Backups before bulk changes: one, named for the change, when it is made; none left when it fails."""
from __future__ import annotations

import pytest

from csrdesk import paths
from csrdesk.errors import UserError


def _backups():
    # File copies (SQLite) and pg_dump files (PostgreSQL) alike.
    return sorted(p.name for p in paths.backups_dir().glob("csrdesk-*") if not p.name.endswith(".part"))


def _findings(tmp_path):
    path = tmp_path / "findings.csv"
    path.write_text("Finding,Severity\nNo fire drill in 12 months,major\nPayslips not given,minor\n", encoding="utf-8")
    return path


def test_assessments_import_backs_up_first(db, supplier, tmp_path):
    """`assessments import` is a bulk change: a copy of the database is taken before it, named for it."""
    from datetime import date

    from csrdesk.services.findings_import import import_assessment

    import_assessment(db, _findings(tmp_path), supplier_code=supplier.row.code, on=date(2026, 3, 1),
                      assessment_type="periodic")
    names = _backups()
    assert len(names) == 1 and "before-assessment-import" in names[0]


def test_a_failed_assessments_import_leaves_no_backup(db, supplier, tmp_path):
    """An import refused inside its transaction (an unknown assessment type) changes nothing and leaves no copy."""
    from datetime import date

    from csrdesk.services.findings_import import import_assessment

    with pytest.raises(UserError):
        import_assessment(db, _findings(tmp_path), supplier_code=supplier.row.code, on=date(2026, 3, 1),
                          assessment_type="teleported")
    assert _backups() == []


def test_a_supplier_import_failing_inside_its_transaction_leaves_no_backup(db, tmp_path, monkeypatch):
    """The backup taken before the import is removed when the import then fails: the database is that copy."""
    import csrdesk.services.supplier_import as supplier_import

    path = tmp_path / "list.csv"
    path.write_text("Facility name,Country\nDhaka Knit Ltd,Bangladesh\nSaigon Stitch,Vietnam\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise UserError("refused half-way")

    real = supplier_import.apply_supplier_input
    monkeypatch.setattr(supplier_import, "apply_supplier_input", refuse)
    with pytest.raises(UserError, match="half-way"):
        supplier_import.import_suppliers(db, path)
    assert _backups() == []
    monkeypatch.setattr(supplier_import, "apply_supplier_input", real)
    report = supplier_import.import_suppliers(db, path)
    assert len(report.created) == 2 and report.backup is not None and len(_backups()) == 1
