"""Guided root cause and preventive action: the data of an entry, its JSON form, and the quality checks.

A root cause names the management-system failure behind a violation, not the violation restated. The checks here
turn that rule (and the others of DOMAIN.md) into explained warnings, each with a stable code, that a reviewer can
override with a reason. They work on English and Chinese text: words for alphabetic scripts, character bigrams for
CJK. Pure Python: no Qt, no SQLAlchemy. The parts: vocabularies, entry (the data and its forms), words (the word
lists), text (analysis of answers), checks, validation.
"""
from csrdesk.domain.rootcause.vocabularies import (
    CATEGORY_BY_KEY, CAUSE_CATEGORIES, ELEMENT_BY_KEY, MAX_WHYS, NO_ELEMENT_TITLE, SEVERE, SYSTEM_ELEMENTS,
    VICTIM_MEASURE_BY_KEY, VICTIM_MEASURES, CauseCategory, RiskSource, SystemElement,
    VictimMeasure,
)
from csrdesk.domain.rootcause.entry import (
    CHECK_TITLES, JSON_VERSION, SAME_CAUSE_SIMILARITY, analysis_from_text, Check, current_analysis, EarlierAnswer,
    FindingFacts, from_json, iso_date, Override, parse_preventive_action, PreventiveAction, QualityWarning,
    render_preventive_action, render_root_cause, RootCauseAnalysis, to_json,
)
from csrdesk.domain.rootcause.text import (
    CJK_RUN, clean, clean_block, infer_categories, infer_elements, infer_victim_measures, keyword_hits, restatement,
    similarity, tokens,
)
from csrdesk.domain.rootcause.checks import (
    ANSWER_PARTS, SAME_ANSWER_MIN_KINDS, SAME_ANSWER_SIMILARITY, answer_similarity, cap_quality, check_answer,
    fingerprint, item_answer, ItemAnswer, near_identical_groups, needs_victim_protection, normalise_answer,
    open_warnings, shared_answers, SharedAnswer, with_override, without_override,
)
from csrdesk.domain.rootcause.validation import (
    LEADER_MAX, validate, validate_actions, validate_categories, validate_leader_and_date, validate_text_answer,
    validate_whys,
)

__all__ = [
    "CATEGORY_BY_KEY", "CAUSE_CATEGORIES", "ELEMENT_BY_KEY", "MAX_WHYS", "NO_ELEMENT_TITLE", "SEVERE",
    "SYSTEM_ELEMENTS", "VICTIM_MEASURE_BY_KEY", "VICTIM_MEASURES", "CauseCategory",
    "RiskSource", "SystemElement", "VictimMeasure", "CHECK_TITLES", "JSON_VERSION", "SAME_CAUSE_SIMILARITY",
    "analysis_from_text", "Check", "current_analysis", "EarlierAnswer", "FindingFacts", "from_json", "iso_date",
    "Override", "parse_preventive_action", "PreventiveAction", "QualityWarning", "render_preventive_action",
    "render_root_cause", "RootCauseAnalysis", "to_json", "CJK_RUN", "clean", "clean_block", "infer_categories",
    "infer_elements", "infer_victim_measures", "keyword_hits", "restatement", "similarity", "tokens",
    "ANSWER_PARTS", "SAME_ANSWER_MIN_KINDS", "SAME_ANSWER_SIMILARITY", "answer_similarity", "cap_quality",
    "check_answer", "fingerprint", "item_answer", "ItemAnswer", "near_identical_groups", "needs_victim_protection",
    "normalise_answer", "open_warnings", "shared_answers", "SharedAnswer", "with_override", "without_override",
    "LEADER_MAX", "validate", "validate_actions", "validate_categories", "validate_leader_and_date",
    "validate_text_answer", "validate_whys",
]
