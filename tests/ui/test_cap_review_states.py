"""The CAP review as a CSR manager meets it from the CAPs page, over the demo data: it opens on the item chosen there,
says in plain words where a CAP that cannot be reviewed stands (not the green "a review decision is possible once
the factory's response is in" for a CAP already approved and in remediation), keeps the per-item choice off
whenever Approve and Return are off, and says what happens to an item left unchosen."""
from __future__ import annotations

import pytest

from csrdesk.ui import theme
from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def demo(ui_db):
    from csrdesk.services.demo import generate_demo

    return generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)


def _cap_in(db, status: str) -> int:
    from csrdesk.services import review
    from csrdesk.services.caps import list_items

    for cap_id in sorted({i.cap_id for i in list_items(db)}):
        if review.check_cap(db, cap_id).status == status:
            return cap_id
    pytest.fail(f"the demo has no CAP {status}")


def _open(qtbot, window, cap_id: int, **kwargs):
    from csrdesk.ui.pages.cap_review import CapReviewDialog

    dialog = CapReviewDialog(window.ctx, cap_id, window, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loads >= 1 and not window.ctx.busy)
    return dialog


@pytest.mark.parametrize("status, words", [
    ("in remediation", ["approved", "in remediation", "carrying out its actions", "Nothing to review"]),
    ("sent", ["with the factory", "not come in yet", "response received"]),
    ("draft", ["draft", "not been sent"]),
])
def test_a_cap_that_cannot_be_reviewed_says_where_it_stands(qtbot, window, demo, ui_db, status, words):
    """A CAP in remediation says its answer was approved and the factory is carrying out its actions (nothing to
    review), in grey, not in the green of a success; a sent or draft CAP says what it waits for. Approve, Return,
    the item's Accept / Return choice and its comment are all off, and no note about an unchosen item shows."""
    dialog = _open(qtbot, window, _cap_in(ui_db, status))
    text = dialog.message.text()
    for word in words:
        assert word in text, text
    assert "once the factory's response is in" not in text
    assert theme.MUTED in dialog.message.styleSheet() and theme.OK not in dialog.message.styleSheet()
    assert not dialog.approve_button.isEnabled() and not dialog.return_button.isEnabled()
    for widget in (dialog.accept_item, dialog.return_item, dialog.comment):
        assert not widget.isEnabled(), widget
    assert dialog.decision_note.text() == ""
    dialog.reject()


def test_the_unchosen_note_says_what_a_return_does_to_the_item(qtbot, window, demo, ui_db):
    """In a CAP under review: an item with open warnings left unchosen 'goes back to the factory too, because of
    its open warnings' on a return; one without is 'accepted as it is'; a comment typed on it sends it back (the
    note follows at once); a choice made hides the note. The choice and comment are on with Return."""
    dialog = _open(qtbot, window, _cap_in(ui_db, "under review"))
    assert dialog.return_button.isEnabled()
    assert dialog.accept_item.isEnabled() and dialog.return_item.isEnabled() and dialog.comment.isEnabled()
    warned = next(i for i in dialog.check.items if i.open_warnings)
    clean = next(i for i in dialog.check.items if not i.open_warnings)
    dialog.select_item(warned.id)
    assert dialog.decision_note.text() == ("Neither chosen: if you return the CAP, this item goes back to the "
                                           "factory too, because of its open warnings.")
    dialog.select_item(clean.id)
    assert "this item is accepted as it is" in dialog.decision_note.text()
    assert "Not chosen" not in dialog.decision_note.text()
    qtbot.keyClicks(dialog.comment, "Show the new procedure")
    assert "goes back to the factory too, because of your comment" in dialog.decision_note.text()
    dialog.accept_item.setChecked(True)
    assert dialog.decision_note.text() == ""
    dialog.reject()


def test_review_cap_opens_on_the_item_chosen_on_the_caps_page(qtbot, window, demo, ui_db):
    """Choosing the third item of a CAP on the CAPs page and pressing Review CAP… opens the review on that item
    (selected in its table, its answer beside it), not on item 1."""
    from csrdesk.services import review

    cap_id = _cap_in(ui_db, "under review")
    chosen = review.check_cap(ui_db, cap_id).items[2]
    window.resize(1360, 840)
    window.go("caps")
    page = window.pages["caps"]
    qtbot.waitUntil(lambda: page.first_rows_shown() and not window.ctx.busy)
    assert page.open_item("cap_item", chosen.id)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.id == chosen.id)
    wait_idle(qtbot, window.ctx)
    page.review_button.click()
    dialog = page.review_dialog
    qtbot.waitUntil(lambda: dialog.loads >= 1 and not window.ctx.busy)
    assert dialog.table.current_row() is not None and dialog.table.current_row().id == chosen.id
    assert dialog.item_title.text().startswith(f"3. {chosen.finding}")
    dialog.reject()


def test_the_review_names_the_cap_as_the_rest_of_the_app_does(qtbot, window, demo, ui_db):
    """'CAP #10' in the review's title and heading, as on the CAPs page, the letters and the search (it said
    'CAP 10' here only)."""
    cap_id = _cap_in(ui_db, "response received")
    dialog = _open(qtbot, window, cap_id)
    assert dialog.windowTitle() == f"Review CAP #{cap_id}"
    assert dialog.heading.text().startswith(f"CAP #{cap_id} — ")
    dialog.reject()
