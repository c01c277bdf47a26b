"""Vetting a prospect, as a new user does it: a supplier made from scratch (a prospect), a screen started for it,
decided, and its decision letter. The screen moves the supplier to vetting, and the letter to the factory states what
production still needs in words meant for the factory, never the app's own instruction to the user."""
from __future__ import annotations

from datetime import date

from csrdesk.services.history import history_for
from csrdesk.services.suppliers import SupplierInput, approval_gate, create_supplier, supplier_detail
from csrdesk.services.vetting import decide_screen, save_answers, start_screen, vetting_letter_context
from tests.services.test_vetting import SCREENING, good_answers


def _prospect(db, code="TR-0901"):
    return create_supplier(db, SupplierInput(name="Anatolia Socks Tekstil", code=code, country="Türkiye"))


def test_starting_a_supplier_screen_moves_a_prospect_to_vetting(db):
    """The supplier list and page show 'vetting' once a screen is started, and the history says why."""
    _prospect(db)
    screen = start_screen(db, SCREENING, supplier_code="TR-0901")
    assert supplier_detail(db, "TR-0901").row.status == "vetting"
    notes = [h.note for h in history_for(db, "supplier", supplier_detail(db, "TR-0901").row.id)
             if h.field == "status"]
    assert f"vetting screen {screen.id} started" in notes


def test_the_gate_of_a_decided_screen_names_only_what_is_missing(db):
    """After a positive decision the gate beside the screen no longer asks for a vetting decision: it names the
    missing pre-production assessment."""
    _prospect(db)
    screen = start_screen(db, SCREENING, supplier_code="TR-0901")
    save_answers(db, screen.id, good_answers(screen.template))
    decide_screen(db, screen.id, "approve", "Anna Berg")
    (reason,) = approval_gate(db, "TR-0901")
    assert "pre-production assessment" in reason
    assert "record a vetting decision" not in reason and "prospect" not in reason


def test_a_letter_to_a_prospect_never_carries_the_apps_instruction(db):
    """A supplier still a prospect (set back after its screen was started): the letter states the missing
    pre-production assessment, not 'move it to vetting and record a vetting decision' meant for the user."""
    from csrdesk.services.suppliers import change_status

    _prospect(db)
    screen = start_screen(db, SCREENING, supplier_code="TR-0901")
    save_answers(db, screen.id, good_answers(screen.template))
    decide_screen(db, screen.id, "approve", "Anna Berg", decided_on=date.today())
    change_status(db, "TR-0901", "prospect")
    gate = approval_gate(db, "TR-0901")
    assert gate[0] == "This supplier is still a prospect: move it to vetting before approving it."
    missing = vetting_letter_context(db, screen.id)["still_missing"]
    assert missing and all("move it to vetting" not in m and "prospect" not in m for m in missing)
    assert any("pre-production assessment" in m for m in missing)
