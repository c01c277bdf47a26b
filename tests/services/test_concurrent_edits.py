"""Two people on one database, each through their own connection: a save never silently undoes the other's work,
the history's old values follow each other, and a status move re-checks the state inside its own transaction."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import pytest

from csrdesk.errors import UserError
from csrdesk.services.startup import open_workspace


@pytest.fixture
def other(db):
    """A second person: the same database through a second engine and connection, with their own name."""
    second = open_workspace(db.url)
    second.person = "Ayşe Demir"
    db.person = "Li Na"
    yield second
    second.dispose()


def _item(db, supplier):
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.caps import cap_detail

    a = record_assessment(db, AssessmentInput(supplier.row.code, date(2026, 1, 10), findings=[
        FindingInput("Fire exit locked during working hours", "critical")]))
    return cap_detail(db, a.cap_id).items[0]


def test_saving_a_supplier_someone_changed_since_is_refused_not_lost(db, other, supplier):
    """Li Na opens the supplier, Ayşe saves a note on it, Li Na saves her phone change: refused, naming Ayşe and the
    notes; Ayşe's note is still there (before row versions, Li Na's save silently put the old notes back)."""
    from csrdesk.services.suppliers import supplier_detail, supplier_input_from_detail, update_supplier

    mine = supplier_input_from_detail(supplier_detail(db, supplier.row.code))
    theirs = supplier_input_from_detail(supplier_detail(other, supplier.row.code))
    update_supplier(other, supplier.row.code, replace(theirs, notes="Owner agreed to a follow-up visit in May."))
    mine.contacts[0].phone = "+86 20 5555 0101"
    with pytest.raises(UserError) as refused:
        update_supplier(db, supplier.row.code, mine)
    message = str(refused.value)
    assert "changed by someone else" in message and "Ayşe Demir" in message and "notes" in message
    after = supplier_detail(db, supplier.row.code)
    assert after.notes == "Owner agreed to a follow-up visit in May."
    assert after.contacts[0].phone == ""
    # Reloading and saving again goes through.
    again = supplier_input_from_detail(after)
    again.contacts[0].phone = "+86 20 5555 0101"
    assert update_supplier(db, supplier.row.code, again).contacts[0].phone == "+86 20 5555 0101"


def test_cap_item_save_with_an_old_version_is_refused_with_who_what_when(db, other, supplier):
    """Two people answer the same CAP item: the second save, made on the version both opened, is refused with the
    first person's name, the field and the time; the window lists the difference (old and new value)."""
    from csrdesk.errors import ConcurrentEdit
    from csrdesk.services.caps import item_detail, update_item

    seen = _item(db, supplier)
    update_item(other, seen.row.id, seen_version=seen.version, root_cause="No one checks the exits each morning.")
    with pytest.raises(ConcurrentEdit) as refused:
        update_item(db, seen.row.id, seen_version=seen.version, root_cause="Keys kept by the security guard.")
    exc = refused.value
    assert exc.entity == "cap_item" and exc.entity_id == seen.row.id
    who, field, at, old, new = exc.changes[0]
    assert (who, field, old, new) == ("Ayşe Demir", "root cause", "", "No one checks the exits each morning.")
    assert f"{at:%Y-%m-%d %H:%M}" in str(exc)
    assert item_detail(db, seen.row.id).row.root_cause == "No one checks the exits each morning."


def test_complaint_and_assessment_saves_check_the_version_seen(db, other, supplier):
    """The complaint and assessment editors hand back the version they showed; a stale one is refused."""
    from csrdesk.errors import ConcurrentEdit
    from csrdesk.services.assessments import AssessmentInput, FindingInput, assessment_detail, record_assessment, update_assessment
    from csrdesk.services.complaints import ComplaintInput, add_complaint, update_complaint

    c = add_complaint(db, ComplaintInput(date(2026, 2, 1), "hotline", "wages", "Overtime unpaid for March.",
                                         supplier_code=supplier.row.code))
    update_complaint(other, c.id, seen_version=c.version, retaliation_risk="high")
    with pytest.raises(ConcurrentEdit, match="Ayşe Demir changed the retaliation risk"):
        update_complaint(db, c.id, seen_version=c.version, summary="Overtime unpaid for March and April.")

    a = record_assessment(db, AssessmentInput(supplier.row.code, date(2026, 1, 10), findings=[
        FindingInput("No rest day in 14 days", "major")]))
    stale = AssessmentInput(supplier.row.code, a.date, notes="first", seen_version=a.version,
                            findings=[FindingInput("No rest day in 14 days", "major")])
    update_assessment(other, a.id, replace(stale, notes="second person's note"))
    with pytest.raises(ConcurrentEdit):
        update_assessment(db, a.id, stale)
    assert assessment_detail(db, a.id).notes == "second person's note"


def test_racing_saves_keep_the_history_chain_whole(db, other, supplier):
    """Two connections change the same item at the same moment: each history row's old value is the value the
    row before it set (never a value already gone), and the item ends as the last recorded change says; a save
    that crossed the other is refused with a message, never recorded wrongly."""
    from sqlalchemy import select

    from csrdesk.services.caps import item_detail, update_item
    from csrdesk.services.history import history_for, record_change
    from csrdesk.storage.models import CapItem

    seen = _item(db, supplier)
    outcome = {}

    def second_person():
        try:
            update_item(other, seen.row.id, project_leader="Mr Chen (maintenance)")
            outcome["other"] = "saved"
        except UserError as exc:
            outcome["other"] = str(exc)

    try:
        with db.transaction() as s:
            item = s.scalars(select(CapItem).where(CapItem.id == seen.row.id)).one()
            old = item.project_leader  # read first, written after the other connection tried its change
            thread = threading.Thread(target=second_person)
            thread.start()
            time.sleep(0.5)
            record_change(s, "cap_item", item.id, "project_leader", old, "Ms Wang (HR)", source="app")
            item.project_leader = "Ms Wang (HR)"
        outcome["mine"] = "saved"
    except UserError as exc:
        outcome["mine"] = str(exc)
    thread.join(20)
    assert "saved" in outcome.values(), outcome
    for who, said in outcome.items():
        assert said == "saved" or "nothing was saved" in said.lower() or "try again" in said.lower(), (who, said)
    chain = [h for h in reversed(history_for(db, "cap_item", seen.row.id)) if h.field == "project_leader"]
    assert len(chain) == list(outcome.values()).count("saved")
    previous = None
    for h in chain:
        assert (h.old or None) == previous, [(c.old, c.new) for c in chain]
        previous = h.new
    assert item_detail(db, seen.row.id).row.project_leader == previous


def test_status_move_rechecks_the_state_inside_its_transaction(db, other, supplier):
    """Both people see a supplier in vetting and send it back to prospect: the second move is refused by the state
    read in its own transaction (it is a prospect already), and the history holds one move, not two; with the
    version the window showed, the refusal names who moved it."""
    from csrdesk.errors import ConcurrentEdit
    from csrdesk.services.history import history_for
    from csrdesk.services.suppliers import change_status, supplier_detail

    seen = supplier_detail(db, supplier.row.code)
    change_status(other, supplier.row.code, "prospect", note="vetting paused")
    with pytest.raises(UserError, match="prospect"):
        change_status(db, supplier.row.code, "prospect", note="vetting paused")
    with pytest.raises(ConcurrentEdit, match="Ayşe Demir changed the status"):
        change_status(db, supplier.row.code, "exited", seen_version=seen.version)
    moves = [h for h in history_for(db, "supplier", supplier.row.id) if h.field == "status" and h.new == "prospect"]
    assert len(moves) == 1 and moves[0].user == "Ayşe Demir"
    assert supplier_detail(db, supplier.row.code).row.status == "prospect"


def test_every_change_record_names_the_person(db, other, supplier):
    """Each change record carries who made it: the display name set on this computer, else on PostgreSQL the
    database role, else the name in Settings."""
    from csrdesk.services.caps import update_item
    from csrdesk.services.history import history_for
    from csrdesk.services.settings import load_preferences, save_preferences

    item = _item(db, supplier)
    update_item(other, item.row.id, root_cause="Keys kept by the guard.")
    db.person = ""
    save_preferences(db, replace(load_preferences(db), user_name="Maria Lopez"))
    update_item(db, item.row.id, project_leader="Mr Chen")
    users = {h.field: h.user for h in history_for(db, "cap_item", item.row.id)}
    assert users["root_cause"] == "Ayşe Demir"
    expected = "csrdesk" if db.engine.dialect.name == "postgresql" else "Maria Lopez"
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        with db.engine.connect() as c:
            expected = c.execute(text("SELECT current_user")).scalar()
    assert users["project_leader"] == expected


def test_vetting_screen_and_law_reference_saves_check_the_version_seen(db, other, supplier):
    """Two people on one vetting screen: the second save of answers, and a decision recorded on the version both
    opened, are refused naming the first person; the first person's answer stays. The same for a law reference
    two people edit (before, the second save silently put the first one's figure back)."""
    from csrdesk.errors import ConcurrentEdit
    from csrdesk.services import laws
    from csrdesk.services.laws import LawInput
    from csrdesk.services.vetting import AnswerInput, save_and_decide, save_answers, screen_detail, start_screen

    screen = start_screen(db, "new_supplier_screening", supplier_code=supplier.row.code)
    seen = screen_detail(db, screen.id)
    first, second = [q.id for q in seen.template.questions() if q.type == "yesno"][:2]
    save_answers(other, screen.id, {first: AnswerInput(True, comment="checked on site")}, seen_version=seen.version)
    with pytest.raises(ConcurrentEdit, match="Ayşe Demir changed the answer"):
        save_answers(db, screen.id, {first: AnswerInput(False)}, seen_version=seen.version)
    with pytest.raises(ConcurrentEdit):
        save_and_decide(db, screen.id, {second: AnswerInput(True)}, "reject", "Li Na", seen_version=seen.version)
    after = screen_detail(db, screen.id)
    assert after.answers[first].value == "yes" and second not in after.answers and not after.decided
    save_answers(db, screen.id, {second: AnswerInput(True)}, seen_version=after.version)  # reloaded: goes through

    entry = laws.save_law(db, LawInput(country="Viet Nam", region="Region I", topic="minimum wage",
                                       requirement="Pay at least the regional minimum.", value=4960000,
                                       unit="VND/month", effective=date(2027, 1, 1))).entry
    edit = LawInput(country="Viet Nam", region="Region I", topic="minimum wage", requirement=entry.requirement,
                    value=4960000, unit="VND/month", effective=date(2027, 1, 1))
    laws.save_law(other, replace(edit, notes="Decree 293/2025 checked"), entry.id, seen_version=entry.version)
    with pytest.raises(ConcurrentEdit, match="Ayşe Demir changed the notes"):
        laws.save_law(db, replace(edit, value=5000000), entry.id, seen_version=entry.version)
    kept = next(e for e in laws.list_laws(db) if e.id == entry.id)
    assert kept.value == 4960000 and kept.notes == "Decree 293/2025 checked"
