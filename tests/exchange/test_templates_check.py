"""Template checking: a broken or unsafe user template is refused with a message naming the bad tag and where it is."""
from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from csrdesk import paths
from csrdesk.exchange import letters
from csrdesk.exchange.letter_context import KINDS_WITH_SAMPLES, sample_context, variable_paths
from csrdesk.errors import UserError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def user_docx(name: str, *paragraphs: str) -> Path:
    """A user template in the templates folder with these paragraphs."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = paths.user_templates_dir() / name
    document.save(str(path))
    return path


def check(path: Path, kind: str = "cap_letter") -> None:
    letters.check_template(letters.load_template(path), sample_context(kind))


def refusal(path: Path, kind: str = "cap_letter") -> str:
    with pytest.raises(letters.TemplateRefused) as info:
        check(path, kind)
    return str(info.value)


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).resolve().parents[2] / "resources" /
                                                           "templates").iterdir() if p.suffix in (".docx", ".j2")))
def test_every_default_template_passes_its_check(name):
    """The templates csrdesk ships are all usable as they are."""
    from csrdesk.services.letters import check_template_file

    info = check_template_file(name)
    assert info.source == "default" and info.kind == letters.kind_of(name)


def test_a_misspelt_variable_is_named(tmp_path):
    """{{ supplier.nmae }} is refused, naming the variable and the text around it."""
    path = user_docx("cap_letter_mine.docx", "Dear {{ supplier.contact.name }},", "To {{ supplier.nmae }} today")
    message = refusal(path)
    assert "unknown variable supplier.nmae" in message
    assert 'in the text "To {{ supplier.nmae }} today"' in message
    assert "cap_letter_mine.docx" in message


def test_an_unclosed_if_is_named(tmp_path):
    """An {% if %} never closed is refused, quoting the tag and where it stands."""
    path = user_docx("cap_letter_unclosed.docx", "Hello", "{% if rating.blocks_production %}Blocked!", "Bye")
    message = refusal(path)
    assert "the tag {% if rating.blocks_production %}" in message
    assert "is never closed with {% endif %}" in message
    assert '"{% if rating.blocks_production %}Blocked!"' in message


def test_typo_and_unclosed_if_together_are_refused(tmp_path):
    """The brief's example: {{ supplier.nmae }} and an unclosed {% if %}; the syntax error is reported first."""
    path = user_docx("cap_letter_both.docx", "{{ supplier.nmae }}", "{% if rating.requires_follow_up %}Follow-up")
    message = refusal(path)
    assert "{% if rating.requires_follow_up %}" in message and "never closed" in message


def test_a_mismatched_end_tag_is_named(tmp_path):
    """{% for %} closed by {% endif %} names both tags."""
    path = user_docx("cap_letter_mismatch.docx", "{% for f in findings %}{{ f.title }}{% endif %}")
    message = refusal(path)
    assert "{% endif %}" in message and "does not match the open tag {% for f in findings %}" in message


@pytest.mark.parametrize("expression", [
    "{{ ''.__class__.__mro__ }}",
    "{{ supplier.name.__class__.__init__.__globals__ }}",
    "{{ findings[0].__class__ }}",
    "{{ (supplier|attr('__class__')).__name__ }}",
    "{{ supplier|attr('__class__') }}",
    "{{ self }}",
])
def test_sandbox_escapes_are_refused(expression):
    """Templates cannot reach Python internals: the check refuses them before any letter is written."""
    path = user_docx("cap_letter_escape.docx", "Text " + expression)
    message = refusal(path)
    assert "cannot be used" in message
    assert re.search(r"internal attribute|sandbox|unknown variable self|not allowed|unsafe", message), message


def test_the_sandbox_refuses_at_render_time_too():
    """Even past the check, rendering in the sandbox refuses internal attributes of values."""
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        letters.TEXT_ENV.from_string("{{ x.__class__.__subclasses__() }}").render(x="")


def test_an_unknown_filter_is_refused():
    """A filter that does not exist is named."""
    path = user_docx("cap_letter_filter.docx", "{{ supplier.name|shout }}")
    assert "shout" in refusal(path)


def test_the_safe_filter_is_not_available():
    """Outside text cannot be marked safe and put raw into the Word XML."""
    path = user_docx("cap_letter_safe.docx", "{{ supplier.name|safe }}")
    assert "the filter |safe is not allowed" in refusal(path)


@pytest.mark.parametrize("tag", ["{% autoescape false %}", "{% autoescape true %}"])
def test_switching_escaping_is_refused(tag):
    """{% autoescape false %} around a factory's text is refused, naming the tag; nothing reaches the Word XML."""
    path = user_docx("cap_letter_raw.docx", "Dear " + tag + "{{ supplier.name }}{% endautoescape %},")
    message = refusal(path)
    assert "the tag " + tag + " is not allowed" in message
    assert 'in the text "Dear ' + tag in message


def test_switching_escaping_is_refused_in_an_email_text_too():
    """E-mail templates are held to the same rule, with the line named."""
    path = paths.user_templates_dir() / "email_cap_raw.j2"
    path.write_text("Subject: CAP\n{% autoescape false %}{{ supplier.name }}{% endautoescape %}\n", encoding="utf-8")
    message = refusal(path, "email_cap")
    assert "the tag {% autoescape false %} is not allowed" in message and "on line 2" in message


def test_a_factory_text_cannot_inject_word_xml_past_the_check(tmp_path):
    """Even rendering without the check, a template that switches escaping off is refused and writes nothing."""
    import copy

    path = user_docx("cap_letter_inject.docx", "Dear {% autoescape false %}{{ supplier.name }}{% endautoescape %},")
    context = copy.deepcopy(sample_context("cap_letter"))
    context["supplier"]["name"] = "R&D <w:br/> Garments"
    with pytest.raises(letters.TemplateRefused, match="autoescape false"):
        letters.render_docx(letters.load_template(path), context, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_the_safe_filter_is_named_in_a_filter_block():
    """{% filter safe %} is refused like |safe, with the filter named."""
    path = user_docx("cap_letter_safe2.docx", "{% filter safe %}{{ supplier.name }}{% endfilter %}")
    assert "the filter |safe is not allowed" in refusal(path)


def test_loop_variables_are_checked_against_the_list_items():
    """Inside {% for f in findings %}, f.title is fine and f.titel is named."""
    ok = user_docx("cap_letter_loop.docx", "{%p for f in findings %}", "{{ f.no }}. {{ f.title }} due {{ f.due_date }}",
                   "{%p endfor %}")
    check(ok)
    bad = user_docx("cap_letter_loop2.docx", "{%p for f in findings %}", "{{ f.titel }}", "{%p endfor %}")
    assert "unknown variable f.titel" in refusal(bad)


def test_tags_that_cut_across_word_structure_are_refused():
    """An {% if %} opened in a paragraph and closed inside a table cell would damage the document: refused."""
    document = docx.Document()
    document.add_paragraph("{% if not supplier.name %}gone")
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "{% endif %}cell"
    path = paths.user_templates_dir() / "cap_letter_cut.docx"
    document.save(str(path))
    message = refusal(path)
    assert "damaged document" in message


def test_a_file_that_is_not_a_word_document_is_refused():
    """A text file named .docx is refused as not a Word document."""
    path = paths.user_templates_dir() / "cap_letter_fake.docx"
    path.write_bytes(b"this is not a zip file")
    assert "not a Word document" in refusal(path)


def test_a_text_template_error_gives_its_line():
    """E-mail templates are checked too: the bad line is quoted with its number."""
    path = paths.user_templates_dir() / "email_cap_en.j2"
    path.write_text("Subject: CAP {{ letter.reference }}\nDear {{ supplier.contact.nam }},\n", encoding="utf-8")
    message = refusal(path, "email_cap")
    assert "unknown variable supplier.contact.nam" in message and 'on line 2: "Dear {{ supplier.contact.nam }},"' in message


def test_a_broken_user_copy_stops_the_letter_with_its_message(db, tmp_path):
    """A broken user copy that overrides a default is refused when a letter is made, naming it; nothing is written."""
    from letter_support import add_supplier, make_cap

    from csrdesk.services.letters import render_cap_letter

    add_supplier(db, "CN-0001")
    cap_id = make_cap(db, "CN-0001")
    user_docx("cap_letter_en.docx", "Dear {{ supplier.nmae }}")
    with pytest.raises(UserError, match=r"cap_letter_en.docx.*unknown variable supplier.nmae"):
        render_cap_letter(db, cap_id, tmp_path / "letter.docx", lang="en")
    assert not (tmp_path / "letter.docx").exists()


def test_a_fixed_template_is_checked_again():
    """The check result is kept per file version: fixing the file makes it usable without restarting."""
    import os

    path = user_docx("cap_letter_fix.docx", "{{ supplier.nmae }}")
    refusal(path)
    user_docx("cap_letter_fix.docx", "{{ supplier.name }}")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    check(path)


def test_template_names_must_say_what_they_are_for():
    """A template whose name does not start with a kind is refused with the kinds listed."""
    path = user_docx("my_letter.docx", "Hello")
    with pytest.raises(letters.TemplateRefused, match="must start with one of cap_letter"):
        letters.load_template(path)


def test_docs_describe_every_variable():
    """docs/templates.md names every variable a template may use, for every kind of template."""
    text = DOCS.read_text(encoding="utf-8")
    missing = []
    for kind in KINDS_WITH_SAMPLES:
        for path in variable_paths(sample_context(kind)):
            # overdue reminders and evidence requests list findings with the same variables as findings[]
            path = path.replace("overdue.findings[].", "findings[].").replace("evidence.findings[].", "findings[].")
            path = path.replace("returned.findings[].", "findings[].").replace("returned.accepted[].", "findings[].")
            if f"`{path}`" not in text:
                missing.append(f"{kind}: {path}")
    assert not missing, "undocumented: " + ", ".join(missing)


def test_no_context_key_hides_behind_a_dict_method():
    """A key like 'items' would print the dict method instead of the value in Jinja; none is used."""
    def walk(value, where):
        if isinstance(value, dict):
            for key, sub in value.items():
                assert not hasattr(dict, key), f"{where}.{key} is also a dict method"
                walk(sub, f"{where}.{key}")
        elif isinstance(value, list) and value:
            walk(value[0], where + "[]")

    for kind in KINDS_WITH_SAMPLES:
        walk(sample_context(kind), kind)
