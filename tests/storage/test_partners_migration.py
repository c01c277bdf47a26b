"""Migration 0007_partners: the free-text 'other brands' of each supplier becomes one record per brand."""
import sqlite3

from alembic import command

from csrdesk.storage.db import _alembic_config, make_engine, open_database


def test_other_brands_text_becomes_records(tmp_path):
    """A workspace of schema 0006 whose suppliers list other brands as text opens with one record per brand, shares
    kept where the text gave them, and no free-text column left; its assessments and CAPs are all still there."""
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(_alembic_config(engine), "0006_laws")
    engine.dispose()
    con = sqlite3.connect(path)
    cols = "code, name, local_name, country, region, address, supplier_type, sector, status, os_id, " \
           "sourcing_owner, sourcing_owner_email, other_brands, notes"
    con.execute(f"INSERT INTO suppliers ({cols}) VALUES ('CN-1', 'Knit', '', 'China', '', '', 'factory', '', "
                "'active', '', 'Ann', '', 'Acme (30%), Brandy; acme', '')")
    con.execute(f"INSERT INTO suppliers ({cols}) VALUES ('CN-2', 'Weave', '', 'China', '', '', 'factory', '', "
                "'active', '', '', '', '', '')")
    con.execute("INSERT INTO assessments (supplier_id, assessment_type, date, audit_firm, auditor, standard, denied, "
                "score, rating, notes) VALUES (1, 'periodic', '2026-01-05', '', '', '', 0, 8, 'Needs Improvement', '')")
    con.commit()
    con.close()

    db = open_database(str(path))
    db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT supplier_id, brand, share, position FROM supplier_brands ORDER BY id").fetchall() == [
        (1, "Acme", 30.0, 0), (1, "Brandy", None, 1)]
    columns = {r[1] for r in con.execute("PRAGMA table_info('suppliers')")}
    assert "other_brands" not in columns
    assert con.execute("SELECT count(*) FROM assessments").fetchone() == (1,)
    con.close()
