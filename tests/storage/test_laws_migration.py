"""Migration 0006_laws: the user's old free-text law references and suppliers come through, with regions guessed."""
import sqlite3

from alembic import command

from csrdesk.storage.db import _alembic_config, make_engine, open_database


def test_old_law_references_and_suppliers_are_migrated(tmp_path):
    """A workspace of schema 0002 with a law reference per country and topic opens: the reference is kept as the
    user's own whole-country entry, a second one for the same topic can now be added, and a Shanghai supplier gets
    its region from the address."""
    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    command.upgrade(_alembic_config(engine), "0002_item_status_index")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO law_references (country, topic, requirement, source, last_checked) "
                "VALUES ('China', 'working hours', 'China law on working hours', 'Labour Law', '2024-01-05')")
    con.execute("INSERT INTO suppliers (code, name, local_name, country, address, supplier_type, sector, status, "
                "os_id, sourcing_owner, sourcing_owner_email, other_brands, notes) VALUES "
                "('CN-0001', 'Pudong Knit', '', 'China', 'No. 8 Jinqiao Road, Shanghai', 'factory', '', 'active', "
                "'', '', '', '', '')")
    con.commit()
    con.close()

    db = open_database(str(path))
    db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT country, region, topic, requirement, last_checked, builtin_key, user_edited "
                       "FROM law_references").fetchall() == [
        ("China", "", "working hours", "China law on working hours", "2024-01-05", None, 0)]
    con.execute("INSERT INTO law_references (country, region, topic, requirement, source, unit, currency, link, "
                "notes, user_edited) VALUES ('China', 'Shanghai', 'working hours', 'x', '', '', '', '', '', 0)")
    assert con.execute("SELECT region FROM suppliers").fetchone() == ("Shanghai",)
    con.close()
