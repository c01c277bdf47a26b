"""A complainant's name and phone, Latin and Chinese, appear nowhere outside a reveal: not in the database file or
its WAL, not in a tracker, master tracker, letter, e-mail draft, report or publishable list, not in the log or a
search result; and they do appear, recorded, after a reveal with a reason. Old plaintext is sealed on first open."""
import email
import io
import logging
import shutil
import sqlite3
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from csrdesk.services import complaint_reports as figures
from csrdesk.services import complaints as svc
from csrdesk.services.identity_sealing import seal_old_identities

LATIN_NAME, LATIN_PHONE = "Trịnh Hồng Nhung", "+84 912 345 678"
CHINESE_NAME, CHINESE_PHONE = "王秀英", "+86 139 2468 1357"
SECRETS = (LATIN_NAME, LATIN_PHONE, CHINESE_NAME, CHINESE_PHONE, "Nhung", "秀英", "2468 1357", "912 345")
DATA = Path(__file__).resolve().parents[1] / "data"


def day(n: int) -> date:
    return date.today() - timedelta(days=n)


def _texts(data: bytes) -> list[bytes]:
    """The bytes to search: the file, every member of a zip (xlsx, docx) and every part of an e-mail, decoded."""
    out = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                out.extend(_texts(z.read(name)))
    elif b"MIME-Version" in data[:2000]:
        for part in email.message_from_bytes(data).walk():
            payload = part.get_payload(decode=True)
            if payload:
                out.extend(_texts(payload))
    return out


def assert_no_secret(path: Path) -> None:
    for blob in _texts(path.read_bytes()):
        for secret in SECRETS:
            for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert encoded not in blob, f"{secret!r} found in {path.name}"


@pytest.fixture
def log_file(tmp_path):
    """Everything csrdesk logs, at every level, into a file the test reads."""
    path = tmp_path / "all.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()
    root.setLevel(old_level)


@pytest.mark.sqlite_only  # reads the bytes of the database file and its write-ahead log
def test_identities_never_leave_except_by_a_recorded_reveal(db, supplier, tmp_path, log_file):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.history import history_for
    from csrdesk.services.letters import make_email_draft, render_cap_letter
    from csrdesk.services.search import build_search_index, search
    from csrdesk.services.settings import load_preferences, save_preferences
    from csrdesk.services.trackers import export_master, export_tracker

    prefs = load_preferences(db)
    prefs.user_name, prefs.company = "Mia Keller", "Brand Co"
    save_preferences(db, prefs)
    a = record_assessment(db, AssessmentInput("CN-0001", day(100), "periodic", findings=[
        FindingInput("Fire exit blocked", "major")]))
    ids = []
    for name, phone in ((LATIN_NAME, LATIN_PHONE), (CHINESE_NAME, CHINESE_PHONE)):
        c = svc.add_complaint(db, svc.ComplaintInput(
            day(40), "hotline", "wages", "Overtime paid at the normal rate.", supplier_code="CN-0001",
            complainant_name=name, contact=phone, retaliation_risk="high"))
        svc.acknowledge(db, c.id, day(39))
        svc.add_note(db, c.id, "Payroll checked.", day(30))
        svc.resolve(db, c.id, "substantiated", "Back pay of the premium.", day(20))
        svc.to_cap(db, c.id)
        ids.append(c.id)

    out = tmp_path / "out"
    files = [
        export_tracker(db, a.cap_id, out / "tracker.xlsx"),
        export_master(db, out / "master.xlsx"),
        render_cap_letter(db, a.cap_id, out / "letter.docx"),
        make_email_draft(db, a.cap_id, out / "draft.eml"),
        figures.write_report(db, out / "report.xlsx"),
        figures.write_publishable_list(figures.publishable_list(db), out / "public.xlsx"),
    ]
    for path in files:
        assert path.exists()
        assert_no_secret(path)
    for text in (LATIN_NAME, CHINESE_NAME, "Nhung", "秀英", "2468"):
        assert search(db, text) == []
        assert build_search_index(db).search(db, text) == []
    # The CAP item the complaint became is there for the factory, without the identity.
    assert any("Worker complaint" in h.title for h in search(db, "Worker complaint"))

    # The database file and its write-ahead log, while open and after closing.
    path = db.path
    for f in (path, path.with_name(path.name + "-wal")):
        if f.exists():
            assert_no_secret(f)

    shown = [svc.reveal_identity(db, cid, "Worker asked to be called back", user="Mia Keller") for cid in ids]
    assert [(s.name, s.contact) for s in shown] == [(LATIN_NAME, LATIN_PHONE), (CHINESE_NAME, CHINESE_PHONE)]
    records = [h for cid in ids for h in history_for(db, "complaint", cid) if h.field == "identity"]
    assert [(r.user, r.note) for r in records] == [("Mia Keller", "Worker asked to be called back")] * 2
    db.dispose()
    for f in (path, path.with_name(path.name + "-wal")):
        if f.exists():
            assert_no_secret(f)
    logged = log_file.read_text(encoding="utf-8")
    assert "revealed to Mia Keller" in logged  # the reveal is logged, the identity is not
    assert_no_secret(log_file)


def test_old_plaintext_is_sealed_when_the_database_is_first_opened(tmp_path):
    """A workspace from before sealing (names in clear, as the old demo wrote them) is migrated: the identities are
    sealed, no byte of them stays in the file, and a reveal gives them back."""
    from csrdesk.services.startup import open_workspace

    path = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "workspace-0001.sqlite3", path)
    con = sqlite3.connect(path)
    con.execute("UPDATE complaints SET complainant_name=?, complainant_contact=?, anonymous=0", (CHINESE_NAME,
                                                                                                 CHINESE_PHONE))
    con.execute("INSERT INTO complaints (reference, received_date, channel, provision, description, "
                "complainant_name, complainant_contact, anonymous, retaliation_risk, investigation_notes, "
                "resolution, outcome, status) VALUES ('GRV-OLD-2', '2025-01-10', 'in person', 'hours', "
                "'Sunday work', ?, ?, 0, 'high', '', '', '', 'received')", (LATIN_NAME, LATIN_PHONE))
    con.commit()
    con.close()
    db = open_workspace(str(path))
    try:
        rows = {r.reference: r for r in svc.list_complaints(db)}
        assert {r.identity for r in rows.values()} == {"hidden"}
        assert rows["GRV-OLD-2"].channel == "in_person"
        old = next(r for r in rows.values() if r.reference != "GRV-OLD-2")
        assert old.channel == "worker_organisation" and old.outcome == "partly_substantiated"
        kinds = [e.kind for e in svc.complaint_detail(db, old.id).timeline]
        assert "note" in kinds and "resolved" in kinds  # the old free-text notes kept as steps
        assert_no_secret(path)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            assert_no_secret(wal)
        assert svc.reveal_identity(db, rows["GRV-OLD-2"].id, "Migration check").contact == LATIN_PHONE
        assert seal_old_identities(db) == 0  # nothing left to seal on the next open
    finally:
        db.dispose()
    assert_no_secret(path)


@pytest.mark.sqlite_only  # reads the bytes of the database file and its write-ahead log
def test_demo_identities_are_sealed(db):
    """The demo's complainants (with Chinese and Vietnamese names) are sealed like real ones."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.demo_complaints import NAMES

    result = generate_demo(db, suppliers=12, findings_per_assessment=3)
    assert result.complaints == 3
    path = db.path
    db.dispose()
    data = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                                if path.with_name(path.name + "-wal").exists() else b"")
    for names in NAMES.values():
        for name in names:
            assert name.encode("utf-8") not in data
