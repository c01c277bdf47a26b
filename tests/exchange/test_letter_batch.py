"""Batches of letters, trackers and drafts: progress, cancel, one failing factory reported while the rest go on."""
from __future__ import annotations

import email
from email import policy

import docx
import pytest

from csrdesk.services.letters import run_batch, run_batch_for_suppliers
from csrdesk.errors import UserError
from csrdesk.progress import Progress

from letter_support import add_supplier, brand_settings, docx_text, make_cap


@pytest.fixture
def three_caps(db):
    brand_settings(db)
    ids = []
    for n, code in enumerate(("CN-0001", "CN-0002", "CN-0003")):
        add_supplier(db, code, email=None if code == "CN-0002" else f"qa{n}@example.com", name=f"Factory {n}")
        ids.append(make_cap(db, code))
    return ids


def test_batch_writes_every_file_and_reports_the_failing_factory(db, three_caps, tmp_path):
    """Letters, trackers and drafts for three CAPs: the factory without an e-mail is reported, the others complete."""
    seen = []
    result = run_batch(db, three_caps, tmp_path / "out", letters=True, trackers=True, drafts=True,
                       progress=Progress(lambda done, total, msg: seen.append((done, total))))
    assert result.done == 3 and not result.cancelled
    assert [(f.supplier_code, "e-mail" in f.message) for f in result.failures] == [("CN-0002", True)]
    kinds = sorted((o.supplier_code, o.what) for o in result.outputs)
    assert kinds == [("CN-0001", "e-mail"), ("CN-0001", "letter"), ("CN-0001", "tracker"),
                     ("CN-0002", "letter"), ("CN-0002", "tracker"),
                     ("CN-0003", "e-mail"), ("CN-0003", "letter"), ("CN-0003", "tracker")]
    for o in result.outputs:
        assert o.path.is_file() and o.path.parent == tmp_path / "out"
    letter = next(o.path for o in result.outputs if o.what == "letter" and o.supplier_code == "CN-0003")
    assert "Factory 2" in docx_text(letter)
    draft = next(o.path for o in result.outputs if o.what == "e-mail")
    assert email.message_from_bytes(draft.read_bytes(), policy=policy.default)["X-Unsent"] == "1"
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert "1 problem" in result.summary()


def test_cancel_stops_the_batch_and_keeps_whole_files(db, three_caps, tmp_path):
    """Cancelling after the first letter stops there: one complete letter, no half-written file."""
    progress = Progress()

    def step(done, total, message):
        if done == 1:
            progress.cancel()

    progress._callback = step
    result = run_batch(db, three_caps, tmp_path / "out", progress=progress)
    assert result.cancelled and result.done == 1
    files = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in files] == [result.outputs[0].path.name]
    docx.Document(str(files[0]))  # a whole Word file


def test_a_broken_template_stops_the_batch_before_writing(db, three_caps, tmp_path):
    """A template that fails its check is reported once, and no letter is written."""
    from csrdesk import paths
    from csrdesk.exchange.letters import TemplateRefused

    document = docx.Document()
    document.add_paragraph("{% if rating.blocks_production %}never closed")
    document.save(str(paths.user_templates_dir() / "cap_letter_broken.docx"))
    with pytest.raises(TemplateRefused, match="never closed"):
        run_batch(db, three_caps, tmp_path / "out", template="cap_letter_broken")
    assert not any((tmp_path / "out").iterdir())


def test_batch_by_supplier_takes_the_newest_open_cap(db, three_caps, tmp_path):
    """Choosing suppliers picks each one's newest open CAP; an unknown supplier is reported."""
    from datetime import date

    newer = make_cap(db, "CN-0001", on=date(2026, 2, 1))
    result = run_batch_for_suppliers(db, ["CN-0001", "XX-9999"], tmp_path / "out")
    assert [o.cap_id for o in result.outputs] == [newer]
    assert [(f.supplier_code, f.message) for f in result.failures] == [("XX-9999", "XX-9999: no open CAP")]


def test_batch_refuses_empty_choices(db, tmp_path):
    """No CAPs or nothing to write: a clear message."""
    with pytest.raises(UserError, match="No CAPs were chosen"):
        run_batch(db, [], tmp_path)
    with pytest.raises(UserError, match="at least one"):
        run_batch(db, [1], tmp_path, letters=False)


def test_command_line_batch(db, three_caps, tmp_path, capsys):
    """`csrdesk letters --all-open` writes a letter per CAP and reports the files as JSON."""
    import json

    from csrdesk.cli import main

    code = main(["--db", db.url, "letters", "--all-open", "--drafts", "-o", str(tmp_path / "out"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2  # one factory has no e-mail address
    assert report["total"] == 3 and len(report["files"]) == 2
    assert report["failures"][0]["supplier"] == "CN-0002"
