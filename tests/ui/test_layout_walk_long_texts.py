"""The layout walk of every page and dialog (see test_layout_walk) again, over demo data with long, realistic texts:
suppliers with names as long as real registered names and 296-character findings as auditors write them. What a
short demo name leaves room for (a decision, a status, a finding readable somewhere) must hold with these too."""
from __future__ import annotations

import pytest

from tests.ui.test_cut_texts_1360 import long_demo  # noqa: F401 - the fixture, shared
from tests.ui.test_layout_walk import (  # noqa: F401 - collected here, over the long texts
    test_caps_library_vetting_and_the_cap_review_fit_a_font_a_tenth_wider, test_every_dialog_shows_its_text_whole,
    test_every_page_shows_its_text_whole,
)


@pytest.fixture(scope="module")
def demo(long_demo):
    return long_demo
