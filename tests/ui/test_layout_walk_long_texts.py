"""The layout walk of every page and dialog (see test_layout_walk) again, over demo data with long, realistic texts:
suppliers with names as long as real registered names and 296-character findings as auditors write them. What a
short demo name leaves room for (a decision, a status, a finding readable somewhere) must hold with these too."""
from __future__ import annotations

import pytest

from tests.ui.test_cut_texts_1360 import LONG_FINDING, LONG_NAME_TAIL
from tests.ui.test_layout_walk import (  # noqa: F401 - collected here, over the long texts
    test_caps_library_vetting_and_the_cap_review_fit_a_font_a_tenth_wider, test_every_dialog_shows_its_text_whole,
    test_every_page_shows_its_text_whole,
)


@pytest.fixture(scope="module")
def demo(ui_db):
    from sqlalchemy import text

    from csrdesk.services.demo import generate_demo

    result = generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)
    with ui_db.engine.begin() as connection:
        connection.execute(text("UPDATE suppliers SET name = substr(name, 1, instr(name, ' ') - 1) || :tail"),
                           {"tail": LONG_NAME_TAIL})
        connection.execute(text("UPDATE findings SET title = :title WHERE position IN (0, 1)"),
                           {"title": LONG_FINDING})
    return result
