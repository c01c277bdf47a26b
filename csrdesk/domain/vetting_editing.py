"""Editing a vetting checklist template: add, change, move and remove questions and sections.

Each edit returns a new Template (templates are immutable values); validate re-reads an edited template by the same
rules as a loaded one, so the checklist editor can refuse a change before it is saved.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from csrdesk.domain.vetting import Question, Section, Template, TemplateError, parse_template, template_to_dict


def _rebuild(t: Template, sections: list[Section]) -> Template:
    return replace(t, sections=tuple(sections))


def new_question_id(t: Template, base: str = "q") -> str:
    """An id not used yet in the template (ids stay stable across versions so answers keep their meaning)."""
    taken = {q.id for q in t.questions()}
    stem = re.sub(r"[^A-Za-z0-9_]+", "_", base).strip("_") or "q"
    if not stem[0].isalpha():
        stem = "q_" + stem
    stem = stem[:70]
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}_{n}" in taken:
        n += 1
    return f"{stem}_{n}"


def add_question(t: Template, section_id: str, question: Question, position: Optional[int] = None) -> Template:
    if any(q.id == question.id for q in t.questions()):
        raise TemplateError(f"A question with the id {question.id!r} exists already.")
    sections = []
    found = False
    for s in t.sections:
        if s.id == section_id:
            found = True
            items = list(s.questions)
            items.insert(len(items) if position is None else max(0, min(position, len(items))), question)
            s = replace(s, questions=tuple(items))
        sections.append(s)
    if not found:
        raise TemplateError(f"There is no section {section_id!r}.")
    return _rebuild(t, sections)


def replace_question(t: Template, question_id: str, question: Question) -> Template:
    if question.id != question_id and any(q.id == question.id for q in t.questions()):
        raise TemplateError(f"A question with the id {question.id!r} exists already.")
    t.question(question_id)
    return _rebuild(t, [replace(s, questions=tuple(question if q.id == question_id else q for q in s.questions))
                        for s in t.sections])


def remove_question(t: Template, question_id: str) -> Template:
    section = t.section_of(question_id)
    if len(section.questions) == 1:
        raise TemplateError(f"The section {section.title!r} needs at least one question; remove the section instead.")
    return _rebuild(t, [replace(s, questions=tuple(q for q in s.questions if q.id != question_id))
                        for s in t.sections])


def move_question(t: Template, question_id: str, delta: int) -> Template:
    """Moves a question up (delta < 0) or down; past the end of its section it goes to the neighbouring section."""
    flat = [(si, q) for si, s in enumerate(t.sections) for q in s.questions]
    index = next(i for i, (_si, q) in enumerate(flat) if q.id == question_id)
    si, question = flat[index]
    section = t.sections[si]
    pos = [q.id for q in section.questions].index(question_id)
    target = pos + delta
    lists = [list(s.questions) for s in t.sections]
    if 0 <= target < len(section.questions):
        lists[si].pop(pos)
        lists[si].insert(target, question)
    elif target < 0 and si > 0 and len(section.questions) > 1:
        lists[si].pop(pos)
        lists[si - 1].append(question)
    elif target >= len(section.questions) and si < len(t.sections) - 1 and len(section.questions) > 1:
        lists[si].pop(pos)
        lists[si + 1].insert(0, question)
    else:
        return t
    return _rebuild(t, [replace(s, questions=tuple(items)) for s, items in zip(t.sections, lists)])


def add_section(t: Template, section: Section) -> Template:
    if any(s.id == section.id for s in t.sections):
        raise TemplateError(f"A section with the id {section.id!r} exists already.")
    return _rebuild(t, [*t.sections, section])


def validate(t: Template) -> Template:
    """Checks an edited template by the same rules as a loaded one; returns it re-read."""
    return parse_template(template_to_dict(t))
