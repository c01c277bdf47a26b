"""A user template cannot take the machine down: output, time, memory and one-step giants are bounded, and a
template past a bound is refused naming the cause (templates check, letters and e-mail bodies alike)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import docx
import pytest

from csrdesk import paths
from csrdesk.cli import main
from csrdesk.exchange import letters
from csrdesk.exchange.letter_context import sample_context


@pytest.fixture(autouse=True)
def small_bounds(monkeypatch):
    """The bounds scaled down so each hostile case is refused in a fraction of a second."""
    monkeypatch.setattr(letters, "RENDER_SECONDS", 0.5)
    monkeypatch.setattr(letters, "MAX_OUTPUT_CHARS", 200_000)
    letters.clear_caches()
    yield
    letters.clear_caches()


def email_template(body: str) -> Path:
    path = paths.user_templates_dir() / "email_cap_hostile.j2"
    path.write_text("Subject: CAP {{ cap.id }}\n\n" + body + "\n", encoding="utf-8")
    return path


HOSTILE = [
    ("{{ 'A' * 2000000000 }}", "repeating a text or list 2,000,000,000 times"),
    ("{{ ['x'] * 2000000000 }}", "repeating a text or list"),
    ("{% set s = 'x' * 150000 %}{{ s + s }}", "joining two texts"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}", "output grew past"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "ran for more than"),
    ("{% set s = 'x' * 1000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}",
     "ran for more than"),
    ("{{ 'x'|center(2000000000) }}", "the filter |center with the number 2,000,000,000"),
    ("{{ 'x'|indent(2000000000, true) }}", "the filter |indent"),
    ("{{ '%2000000000s'|format(1) }}", "field width"),
    ("{{ '%2000000000s' % 1 }}", "field width"),
    ("{{ '{:>2000000000}'.format(1) }}", "field width"),
    ("{{ '{:>{w}}'.format(1, w=2000000000) }}", "the number 2,000,000,000"),
    ("{{ 'x'.rjust(2000000000) }}", "the text method rjust"),
    ("{{ 2 ** 10000000 }}", "a power with exponent 10,000,000"),
    ("{{ ('x' * 100000).replace('', 'yyyy') }}", "replace would make"),
    ("{{ (['x' * 100000] * 3)|join('') }}", "join would make"),
    ("{{ range(100000000) }}", "Range too big"),
]


@pytest.mark.parametrize("body, cause", HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_templates_check_refuses_a_template_past_a_bound_naming_it(capsys, body, cause):
    """`templates check` answers in bounded time with exit 2 and one line naming the bound (before: 60 s and
    12.7 GB for 'A' * 2000000000)."""
    path = email_template(body)
    started = time.monotonic()
    code = main(["templates", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1, err
    assert cause in err
    assert time.monotonic() - started < 30


def test_a_word_template_past_a_bound_is_refused_too():
    """The same bounds hold for Word letters (the body, rendered by docxtpl through the same sandbox)."""
    document = docx.Document()
    document.add_paragraph("Dear {{ supplier.contact.name }},")
    document.add_paragraph("{{ 'A' * 2000000000 }}")
    path = paths.user_templates_dir() / "cap_letter_hostile.docx"
    document.save(str(path))
    with pytest.raises(letters.TemplateRefused, match="repeating a text or list 2,000,000,000 times"):
        letters.check_template(letters.load_template(path), sample_context("cap_letter"))


def test_a_render_past_a_bound_with_real_data_is_refused_when_writing(tmp_path):
    """A template that passes its check on sample data but loops too long on the real data is stopped while
    rendering, with the same kind of message, and no file is written."""
    document = docx.Document()
    document.add_paragraph("{% for item in items %}{% for i in range(100000) %}{% for j in range(100000) %}"
                           "{% endfor %}{% endfor %}{% endfor %}")
    path = paths.user_templates_dir() / "cap_letter_slow.docx"
    document.save(str(path))
    template = letters.load_template(path)
    context = dict(sample_context("cap_letter"))
    context["items"] = [object()]
    out = tmp_path / "letter.docx"
    with pytest.raises(letters.TemplateRefused, match="was stopped: it ran for more than"):
        letters.render_docx(template, context, out)
    assert not out.exists()


def test_a_stopped_render_leaves_nothing_behind():
    """After a render is stopped, the next renders work and no late stop reaches the thread."""
    slow = email_template("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    with pytest.raises(letters.TemplateRefused):
        letters.check_template(letters.load_template(slow), sample_context("email_cap"))
    good = paths.user_templates_dir() / "email_cap_good.j2"
    good.write_text("Subject: CAP {{ cap.id }}\n\nDear {{ supplier.name }}\n", encoding="utf-8")
    for _ in range(20):
        assert "Dear" in letters.render_text(letters.load_template(good), sample_context("email_cap"))
    time.sleep(0.7)  # longer than the render bound: a watchdog left running would have fired by now
    assert not any(t.name == "template watchdog" for t in threading.enumerate())
