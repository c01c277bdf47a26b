"""Word letters and text e-mails from templates: a Jinja sandbox with autoescape, template checking, fast rendering.

Every template is checked before it is used: its tags must parse, every variable it names must be one the letter
context provides (see docs/templates.md), nothing may reach for Python internals, nothing may switch escaping off
({% autoescape false %} and the |safe filter are refused: root causes and comments come back from factories and must
never become Word XML), and a test render on sample data must give a valid document. A template that fails is refused with a message naming the bad tag and where it is.
The check is cached per file version, and compiled templates are kept, so a batch of hundreds of letters pays for
parsing and compiling once.
"""
from __future__ import annotations

import ctypes
import functools
import html
import io
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, Undefined, nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from csrdesk.exchange.files import write_atomically
from csrdesk.errors import UserError

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# A template's kind decides which context it gets; user templates are named after the kind they render.
KINDS = ("cap_letter", "overdue_reminder", "verification_result", "vetting_decision", "email_cap",
         "evidence_request", "onsite_report", "escalation_letter", "email_evidence_request", "email_escalation",
         "cap_returned", "email_cap_returned")
# Rendered as plain text (e-mail bodies); every other kind is a Word document.
TEXT_KINDS = ("email_cap", "email_evidence_request", "email_escalation", "email_cap_returned")


class TemplateRefused(UserError):
    """A template that cannot be used: the message says which tag or variable is wrong and where."""


def kind_of(name: str) -> Optional[str]:
    """The kind a template name stands for ('cap_letter_zh-en.docx' -> 'cap_letter'), or None."""
    stem = Path(name).name.lower()
    # the longest kind that fits: 'email_cap_returned_en.j2' is a returned-CAP e-mail, not a CAP e-mail
    return max((kind for kind in KINDS if stem.startswith(kind)), key=len, default=None)


# --- the Jinja environments --------------------------------------------------------------------------------------

def _finalize(value: Any) -> Any:
    # A missing optional value prints as nothing rather than the word "None" in a letter.
    return "" if value is None else value


# --- bounds on what a template may cost -----------------------------------------------------------------------
# A user's template is code: `{{ 'A' * 2000000000 }}` or nested loops over range(100000) once took the machine down
# (12.7 GB, over a minute). Every render of these environments is bounded in output, time and memory, and the
# operations that could build a huge value in one step are checked before they run.

MAX_OUTPUT_CHARS = 20_000_000  # a letter with hundreds of findings is a few MB of Word XML
RENDER_SECONDS = 10.0  # a real letter renders in well under a second
MAX_RENDER_MEMORY = 512 * 1024 * 1024  # growth of the process while one template renders
_MAX_EXPONENT = 1_000
_MAX_NUMBER_BITS = 100_000
_WIDTH = re.compile(r"\d{7,}")  # a field width of a million characters or more in a format string


class RenderLimit(SecurityError):
    """A template that went past a bound (output, time, memory, one huge value); the message names which."""


def _size(value: Any) -> Optional[int]:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _too_big(what: str, size: int) -> RenderLimit:
    return RenderLimit(f"{what} would make a value of {size:,} characters or items; a template may make at most "
                       f"{MAX_OUTPUT_CHARS:,}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(times, int) and size * max(times, 0) > MAX_OUTPUT_CHARS:
                raise _too_big(f"repeating a text or list {times:,} times", size * times)
        if isinstance(left, int) and isinstance(right, int) and \
                abs(left).bit_length() + abs(right).bit_length() > _MAX_NUMBER_BITS:
            raise RenderLimit("a multiplication of numbers too large for a letter")
    elif operator == "+":
        a, b = _size(left), _size(right)
        if a is not None and b is not None and a + b > MAX_OUTPUT_CHARS:
            raise _too_big("joining two texts or lists", a + b)
    elif operator == "**":
        if isinstance(right, (int, float)) and abs(right) > _MAX_EXPONENT and \
                isinstance(left, (int, float)) and abs(left) not in (0, 1):
            raise RenderLimit(f"a power with exponent {right:,} (at most {_MAX_EXPONENT:,})")
    elif operator == "%" and isinstance(left, str):
        _check_format(left, right if isinstance(right, tuple) else (right,), {})


def _check_format(fmt: str, args: tuple, kwargs: dict) -> None:
    if _WIDTH.search(fmt):
        raise RenderLimit("a format with a field width of a million characters or more")
    _check_widths(args, kwargs, "a format")


def _check_widths(args: tuple, kwargs: dict, what: str) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT_CHARS:
            raise RenderLimit(f"{what} with the number {value:,} (widths and counts up to {MAX_OUTPUT_CHARS:,})")


_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


def _check_call(obj: Any, args: tuple, kwargs: dict) -> None:
    """Calls of text methods that can build a huge text in one step."""
    obj = getattr(obj, "__wrapped__", obj)  # the sandbox hands out str.format wrapped
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _WIDTH_METHODS:
        _check_widths(args, kwargs, f"the text method {name}")
    elif name in ("format", "format_map"):
        _check_format(owner, args, kwargs)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = owner.count(args[0]) if args[0] else len(owner) + 1
        grown = len(owner) + count * max(len(args[1]) - len(args[0]), 0)
        if grown > MAX_OUTPUT_CHARS:
            raise _too_big("replace", grown)
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        joined = sum(len(x) for x in args[0] if isinstance(x, str)) + len(owner) * max(len(args[0]) - 1, 0)
        if joined > MAX_OUTPUT_CHARS:
            raise _too_big("join", joined)


def _bounded_filter(name: str, func):
    """A filter whose width-like arguments are checked before it runs (center, indent, format, join...)."""
    @functools.wraps(func)
    def checked(*args, **kwargs):
        values = [a for a in args if not isinstance(a, (EvalContext, Context, Environment))]
        if name == "format" and values and isinstance(values[0], str):
            _check_format(values[0], tuple(values[1:]), kwargs)
        elif name == "join" and values and isinstance(values[0], (list, tuple)):
            sep = values[1] if len(values) > 1 and isinstance(values[1], str) else kwargs.get("d", "")
            _check_call(str(sep).join, (list(values[0]),), {})
        else:
            _check_widths(tuple(values[1:]), kwargs, f"the filter |{name}")
        return func(*args, **kwargs)
    return checked


class _Stopped(BaseException):
    """Raised inside a render by its watchdog (a BaseException, so no `except Exception` on the way swallows it)."""


def _memory_in_use() -> Optional[int]:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):  # Windows: time and output bounds only
        return None


class _Watchdog:
    """Stops the render running in the thread that made it once it takes too long or the process grows too much:
    an exception is put into that thread, which Python raises at its next step of template code."""

    def __init__(self) -> None:
        self.thread_id = threading.get_ident()
        self.reason = ""
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._active = True
        self._fired = False

    def __enter__(self) -> "_Watchdog":
        self._start_memory = _memory_in_use()
        self._deadline = time.monotonic() + RENDER_SECONDS
        self._thread = threading.Thread(target=self._watch, name="template watchdog", daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._done.wait(0.05):
            if time.monotonic() > self._deadline:
                self._stop(f"it ran for more than {RENDER_SECONDS:g} seconds (a loop that does not end, or one "
                           "far too long for a letter)")
                return
            used = _memory_in_use()
            if used is not None and self._start_memory is not None and used - self._start_memory > MAX_RENDER_MEMORY:
                self._stop(f"it used more than {MAX_RENDER_MEMORY >> 20:,} MB of memory")
                return

    def _stop(self, reason: str) -> None:
        with self._lock:
            if self._active:
                self.reason = reason
                self._fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), ctypes.py_object(_Stopped))

    def __exit__(self, *exc_info) -> None:
        with self._lock:
            self._active = False
            if self._fired and exc_info[0] is None:  # fired as the render ended: take back what was not raised
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), None)
        self._done.set()
        self._thread.join()


class _BoundedTemplate(Template):
    """A template whose render stops past MAX_OUTPUT_CHARS of output, RENDER_SECONDS or MAX_RENDER_MEMORY."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = self.new_context(dict(*args, **kwargs))
        watchdog = _Watchdog()
        try:
            with watchdog:
                try:
                    out = io.StringIO()  # about one byte per character, where a list of chunks costs fifty
                    size = 0
                    for chunk in self.root_render_func(context):
                        size += len(chunk)
                        if size > MAX_OUTPUT_CHARS:
                            raise RenderLimit(f"its output grew past {MAX_OUTPUT_CHARS:,} characters")
                        out.write(chunk)
                    return out.getvalue()
                except Exception:
                    self.environment.handle_exception()
        except _Stopped:
            raise RenderLimit(watchdog.reason or "it was stopped") from None


class _LetterEnvironment(SandboxedEnvironment):
    """The sandbox, keeping compiled templates (docxtpl compiles the same document XML for every letter), with
    every render bounded (see _BoundedTemplate) and the operators and calls that build big values checked."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})
    template_class = _BoundedTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: "OrderedDict[str, Any]" = OrderedDict()
        self._lock = threading.Lock()
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}

    def call_binop(self, context, operator, left, right):
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def _generate(self, source, name, filename, defer_init=False):
        # The check refuses these with a clear message; this stops them at compile time too, whatever calls render.
        for node in source.find_all((nodes.ScopedEvalContextModifier, nodes.EvalContextModifier)):
            raise SecurityError(f"the tag {_modifier_tag(node)} is not allowed in csrdesk templates")
        return super()._generate(source, name, filename, defer_init=defer_init)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's own name)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            found = self._compiled.get(source)
            if found is not None:
                self._compiled.move_to_end(source)
                return found
        compiled = super().from_string(source)
        with self._lock:
            self._compiled[source] = compiled
            while len(self._compiled) > 64:
                self._compiled.popitem(last=False)
        return compiled


def _environment(*, autoescape: bool, strict: bool) -> _LetterEnvironment:
    env = _LetterEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined if strict else Undefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    # Nothing a letter needs: keeps the surface small, and a template cannot loop for ever with these.
    for name in ("cycler", "joiner", "lipsum"):
        env.globals.pop(name, None)
    # Outside text marked safe would go into the document XML unescaped and could break the file (or inject Word
    # XML: root causes and comments come back from factories). No letter needs raw markup, so it is refused in
    # every template, e-mail text included, and the check names it.
    env.filters.pop("safe", None)
    return env


DOCX_ENV = _environment(autoescape=True, strict=False)
_DOCX_CHECK_ENV = _environment(autoescape=True, strict=True)
TEXT_ENV = _environment(autoescape=False, strict=False)
_TEXT_CHECK_ENV = _environment(autoescape=False, strict=True)


class _Docx(DocxTemplate):
    """docxtpl, with the XML clean-up it does before Jinja remembered across letters made from one template."""

    _patched: "OrderedDict[str, str]" = OrderedDict()
    _patched_lock = threading.Lock()

    def patch_xml(self, src_xml: str) -> str:
        cache = _Docx._patched
        with _Docx._patched_lock:
            found = cache.get(src_xml)
        if found is not None:
            return found
        patched = super().patch_xml(src_xml)
        with _Docx._patched_lock:
            cache[src_xml] = patched
            while len(cache) > 64:
                cache.popitem(last=False)
        return patched

    def resolve_listing(self, xml: str) -> str:
        # docxtpl turns tabs and line breaks in values into Word's own by running regular expressions over every
        # paragraph and run of the document: most of a long letter's render time. Only paragraphs holding such a
        # character need it, and they are handed to docxtpl one by one, with the same paragraph pattern it uses.
        if not any(c in xml for c in "\t\n\a\f"):
            return xml
        out = []
        last = 0
        for m in _PARAGRAPH.finditer(xml):
            text = m.group(0)
            if any(c in text for c in "\t\n\a\f"):
                out.append(xml[last:m.start()])
                out.append(super().resolve_listing(text))
                last = m.end()
        out.append(xml[last:])
        return "".join(out)


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


# --- templates ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TemplateFile:
    """A template as read from disk; `data` is its bytes so a batch reads the file once."""

    path: Path
    kind: str
    data: bytes
    version: tuple

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_docx(self) -> bool:
        return self.path.suffix.lower() == ".docx"


_loaded: dict[Path, TemplateFile] = {}
_checked: dict[tuple, Optional[str]] = {}
_cache_lock = threading.Lock()


def load_template(path: Path, kind: Optional[str] = None) -> TemplateFile:
    """Reads a template file (cached while the file is unchanged)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise TemplateRefused(f"The template {path} does not exist.") from None
    version = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    kind = kind or kind_of(path.name)
    if kind not in KINDS:
        raise TemplateRefused(
            f"Template {path.name!r}: its name must start with one of {', '.join(KINDS)} so csrdesk knows what it is for."
        )
    wants_text = kind in TEXT_KINDS
    if wants_text == (path.suffix.lower() == ".docx"):
        form = "a text file (.j2 or .txt)" if wants_text else "a Word document (.docx)"
        raise TemplateRefused(f"Template {path.name!r}: a {kind.replace('_', ' ')} template must be {form}.")
    with _cache_lock:
        found = _loaded.get(path)
    if found is not None and found.version == version and found.kind == kind:
        return found
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateRefused(f"The template {path} cannot be read: {exc.strerror or exc}.") from None
    loaded = TemplateFile(path=path, kind=kind, data=data, version=version)
    with _cache_lock:
        _loaded[path] = loaded
    return loaded


def check_template(template: TemplateFile, sample_context: Mapping[str, Any]) -> None:
    """Refuses a broken template with one message naming what is wrong; a passing check is remembered."""
    key = (template.version, template.kind)
    with _cache_lock:
        if key in _checked:
            problem = _checked[key]
            if problem:
                raise TemplateRefused(problem)
            return
    problems = find_problems(template, sample_context)
    message = None
    if problems:
        shown = problems[:5]
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        message = f"Template {template.name!r} cannot be used: " + "; ".join(shown) + more + "."
    with _cache_lock:
        _checked[key] = message
    if message:
        raise TemplateRefused(message)


def find_problems(template: TemplateFile, sample_context: Mapping[str, Any]) -> list[str]:
    """Every problem of a template, each naming the tag or variable and where it is; empty when it is usable."""
    if template.is_docx:
        try:
            doc = _Docx(io.BytesIO(template.data))
            doc.init_docx()
        except Exception as exc:  # python-docx raises many kinds on a file that is not a Word document
            return [f"it is not a Word document that can be read ({type(exc).__name__}: {exc})"]
        parts = list(_docx_sources(doc))
        env, check_env = DOCX_ENV, _DOCX_CHECK_ENV
    else:
        try:
            text = template.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ["it is not UTF-8 text"]
        parts = [("the text", text, False)]
        env, check_env = TEXT_ENV, _TEXT_CHECK_ENV

    problems: list[str] = []
    parsed: list[tuple[str, str, bool, nodes.Template]] = []
    for label, source, is_xml in parts:
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(_describe_syntax_error(exc, source, label, is_xml))
            continue
        parsed.append((label, source, is_xml, tree))
    if problems:
        return problems

    for label, source, is_xml, tree in parsed:
        checker = _VariableChecker(sample_context, env)
        checker.visit(tree)
        for lineno, message in checker.problems:
            problems.append(f"{message} {_where(source, lineno, label, is_xml)}")
    if problems:
        return problems

    # The test render: sample data, strict about undefined values, every part must still be well-formed XML.
    for label, source, is_xml, _tree in parsed:
        try:
            rendered = check_env.from_string(source).render(dict(sample_context))
        except RenderLimit as exc:
            problems.append(f"the test render was stopped: {exc} {_where_exc(exc, source, label, is_xml)}")
            continue
        except SecurityError as exc:
            problems.append(f"the sandbox refused it ({exc}) {_where_exc(exc, source, label, is_xml)}")
            continue
        except UndefinedError as exc:
            problems.append(f"a value is missing in the test render ({exc}) {_where_exc(exc, source, label, is_xml)}")
            continue
        except Exception as exc:  # any failure of a user's template on sample data is the template's fault
            problems.append(f"the test render failed ({type(exc).__name__}: {exc}) {_where_exc(exc, source, label, is_xml)}")
            continue
        if is_xml:
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", rendered)
            try:
                etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError:
                problems.append(
                    f"its tags cut across Word's structure in {label} and the test render gives a damaged document "
                    "(put {%p ...%}, {%tr ...%} or {%tc ...%} tags in paragraphs, rows or cells of their own)"
                )
    if problems or not template.is_docx:
        return problems
    try:
        doc = _Docx(io.BytesIO(template.data))
        doc.render(dict(sample_context), jinja_env=_DOCX_CHECK_ENV, autoescape=True)
        doc.save(io.BytesIO())
    except RenderLimit as exc:
        problems.append(f"the test render of the whole document was stopped: {exc}")
    except Exception as exc:
        problems.append(f"the test render of the whole document failed ({type(exc).__name__}: {exc})")
    return problems


def _docx_sources(doc: _Docx) -> Iterable[tuple[str, str, bool]]:
    # The exact text docxtpl gives Jinja: cleaned XML with one paragraph per line.
    def lines(xml: str) -> str:
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(xml))

    yield "the body", lines(doc.get_xml()), True
    for uri, label in ((doc.HEADER_URI, "a page header"), (doc.FOOTER_URI, "a page footer")):
        for _rel, part in doc.get_headers_footers(uri):
            yield label, lines(doc.get_part_xml(part)), True
    props = doc.docx.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name) or ""
        if "{" in value:
            yield f"the document property {name!r}", value, False


def _line_text(source: str, lineno: Optional[int], is_xml: bool) -> str:
    if not lineno:
        return ""
    all_lines = source.splitlines()
    if not 1 <= lineno <= len(all_lines):
        return ""
    line = all_lines[lineno - 1]
    if is_xml:
        line = html.unescape(re.sub(r"<[^>]+>", "", line))
    line = " ".join(line.split())
    return line if len(line) <= 90 else line[:87] + "..."


def _where(source: str, lineno: Optional[int], label: str, is_xml: bool) -> str:
    text = _line_text(source, lineno, is_xml)
    if is_xml:
        return f'in {label}, in the text "{text}"' if text else f"in {label}"
    return f'on line {lineno}: "{text}"' if text else f"in {label}"


def _where_exc(exc: Exception, source: str, label: str, is_xml: bool) -> str:
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        # Runtime errors carry the template line in their traceback, in the frame Jinja marks with the source.
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<template>":
                lineno = tb.tb_lineno
            tb = tb.tb_next
    return _where(source, lineno, label, is_xml)


_TAG = re.compile(r"{%-?\s*(\w+)(.*?)-?%}", re.DOTALL)
_BLOCK_TAGS = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans", "raw"}


def _describe_syntax_error(exc: TemplateSyntaxError, source: str, label: str, is_xml: bool) -> str:
    """Names the tag at fault: an unclosed or mismatched block tag where there is one, else Jinja's own words."""
    stack: list[tuple[str, str, int]] = []
    for m in _TAG.finditer(source):
        word, rest = m.group(1), m.group(2)
        line = source.count("\n", 0, m.start()) + 1
        tag = "{% " + " ".join((word + " " + rest).split()) + " %}"
        if word == "set" and "=" not in rest:
            stack.append(("set", tag, line))
        elif word in _BLOCK_TAGS:
            stack.append((word, tag, line))
        elif word.startswith("end"):
            opened = word[3:]
            if not stack:
                return f"the tag {tag} closes nothing {_where(source, line, label, is_xml)}"
            top_word, top_tag, top_line = stack[-1]
            if top_word != opened:
                return (f"the tag {tag} {_where(source, line, label, is_xml)} does not match the open tag "
                        f"{top_tag} {_where(source, top_line, label, is_xml)}")
            stack.pop()
    if stack and "end of template" in str(exc.message or "").lower():
        word, tag, line = stack[-1]
        return f"the tag {tag} {_where(source, line, label, is_xml)} is never closed with {{% end{word} %}}"
    message = " ".join(str(exc.message or exc).split())
    return f"the tags do not parse ({message}) {_where(source, exc.lineno, label, is_xml)}"


# --- variable checking -------------------------------------------------------------------------------------------

class _Any:
    """A value whose shape the checker cannot know (a loop over a filter's result, a macro argument...)."""


ANY = _Any()
_REFUSED = _Any()  # below an attribute already reported as unsafe: not reported again


class _VariableChecker:
    """Walks a parsed template and reports every variable path the context does not have, and unsafe names."""

    def __init__(self, context: Mapping[str, Any], env: SandboxedEnvironment) -> None:
        self.context = context
        self.env = env
        self.scopes: list[dict[str, Any]] = [{}]
        self.problems: list[tuple[Optional[int], str]] = []
        self._seen: set[str] = set()

    def report(self, node: nodes.Node, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.problems.append((getattr(node, "lineno", None), message))

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.context:
            return self.context[name]
        if name in self.env.globals:
            return ANY
        raise KeyError(name)

    def bind(self, target: nodes.Node, value: Any) -> None:
        if isinstance(target, nodes.Name):
            self.scopes[-1][target.name] = value
        elif isinstance(target, (nodes.Tuple, nodes.List)):
            for item in target.items:
                self.bind(item, ANY)
        elif isinstance(target, nodes.NSRef):
            pass

    def visit_children(self, node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            self.visit(child)

    def visit(self, node: nodes.Node) -> Any:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is not None:
            return method(node)
        self.visit_children(node)
        return ANY

    # expressions
    def visit_Const(self, node: nodes.Const) -> Any:
        return node.value

    def visit_Name(self, node: nodes.Name) -> Any:
        if node.ctx != "load":
            return ANY
        if node.name.startswith("_"):
            self.report(node, f"the name {node.name} is not allowed (names starting with _ are refused)")
            return ANY
        try:
            return self.lookup(node.name)
        except KeyError:
            self.report(node, f"unknown variable {node.name}")
            return ANY

    def _member(self, node: nodes.Node, base: Any, key: Any, path: str) -> Any:
        if base is _REFUSED:
            return _REFUSED
        if isinstance(key, str) and key.startswith("_"):
            self.report(node, f"{path} reaches for an internal attribute ({key}) and is refused by the sandbox")
            return _REFUSED
        if isinstance(base, _Any):
            return ANY
        if isinstance(base, Mapping):
            if key in base:
                return base[key]
            if isinstance(key, str) and hasattr(dict, key):
                return ANY  # a dict method such as items or get
            self.report(node, f"unknown variable {path}")
            return ANY
        if isinstance(base, (list, tuple)):
            if isinstance(key, int):
                return base[0] if base else ANY
            if isinstance(key, str) and hasattr(base, key):
                return ANY
            self.report(node, f"unknown variable {path}")
            return ANY
        if isinstance(key, str) and hasattr(base, key):
            return ANY  # a string method such as upper
        self.report(node, f"unknown variable {path}")
        return ANY

    def visit_Getattr(self, node: nodes.Getattr) -> Any:
        base = self.visit(node.node)
        return self._member(node, base, node.attr, _path(node))

    def visit_Getitem(self, node: nodes.Getitem) -> Any:
        base = self.visit(node.node)
        if isinstance(node.arg, nodes.Const):
            return self._member(node, base, node.arg.value, _path(node))
        self.visit(node.arg)
        if isinstance(base, (list, tuple)) and base:
            return base[0]
        return ANY

    # escaping: every value a template prints is escaped in Word XML; nothing may switch that off
    def visit_ScopedEvalContextModifier(self, node: nodes.ScopedEvalContextModifier) -> Any:
        self.report(node, f"the tag {_modifier_tag(node)} is not allowed (outside text must stay escaped: a "
                          "factory's answer could otherwise change the document)")
        self.visit_children(node)
        return ANY

    visit_EvalContextModifier = visit_ScopedEvalContextModifier

    def visit_Filter(self, node: nodes.Filter) -> Any:
        if node.name in _REFUSED_FILTERS:
            self.report(node, f"the filter |{node.name} is not allowed (outside text must stay escaped: a "
                              "factory's answer could otherwise change the document)")
        self.visit_children(node)
        return ANY

    # statements with scopes
    def visit_For(self, node: nodes.For) -> Any:
        iterated = self.visit(node.iter)
        element = iterated[0] if isinstance(iterated, (list, tuple)) and iterated else ANY
        self.scopes.append({"loop": ANY})
        self.bind(node.target, element)
        if node.test is not None:
            self.visit(node.test)
        for child in node.body:
            self.visit(child)
        self.scopes.pop()
        for child in node.else_:
            self.visit(child)
        return ANY

    def visit_Assign(self, node: nodes.Assign) -> Any:
        value = self.visit(node.node)
        self.bind(node.target, value)
        return ANY

    def visit_AssignBlock(self, node: nodes.AssignBlock) -> Any:
        if node.filter is not None:
            self.visit(node.filter)
        for child in node.body:
            self.visit(child)
        self.bind(node.target, ANY)
        return ANY

    def _scoped(self, names: Iterable[str], body: Iterable[nodes.Node]) -> None:
        self.scopes.append({name: ANY for name in names})
        for child in body:
            self.visit(child)
        self.scopes.pop()

    def visit_Macro(self, node: nodes.Macro) -> Any:
        self.scopes[-1][node.name] = ANY
        for default in node.defaults:
            self.visit(default)
        self._scoped([a.name for a in node.args] + ["varargs", "kwargs", "caller"], node.body)
        return ANY

    def visit_CallBlock(self, node: nodes.CallBlock) -> Any:
        self.visit(node.call)
        self._scoped([a.name for a in node.args] + ["caller"], node.body)
        return ANY

    def visit_With(self, node: nodes.With) -> Any:
        values = [self.visit(v) for v in node.values]
        self.scopes.append({})
        for target, value in zip(node.targets, values):
            self.bind(target, value)
        for child in node.body:
            self.visit(child)
        self.scopes.pop()
        return ANY


_REFUSED_FILTERS = ("safe",)


def _modifier_tag(node: nodes.Node) -> str:
    """The tag as a user wrote it, e.g. {% autoescape false %}."""
    words = []
    for option in getattr(node, "options", ()):
        value = option.value
        shown = str(value.value).lower() if isinstance(value, nodes.Const) else "..."
        words.append(shown if option.key == "autoescape" else f"{option.key}={shown}")
    return "{% autoescape " + " ".join(words) + " %}" if words else "{% autoescape %}"


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Const):
            value = node.arg.value
            return f"{_path(node.node)}.{value}" if isinstance(value, str) else f"{_path(node.node)}[{value}]"
        return f"{_path(node.node)}[...]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "(expression)"


# --- rendering ---------------------------------------------------------------------------------------------------

def render_docx(template: TemplateFile, context: Mapping[str, Any], out_path: Path,
                sample_context: Optional[Mapping[str, Any]] = None) -> Path:
    """Renders a checked Word template to out_path, written whole or not at all."""
    if sample_context is not None:
        check_template(template, sample_context)
    doc = _Docx(io.BytesIO(template.data))
    with _refused_as(template):
        doc.render(dict(context), jinja_env=DOCX_ENV, autoescape=True)
    return write_atomically(Path(out_path), doc.save)


def render_text(template: TemplateFile, context: Mapping[str, Any],
                sample_context: Optional[Mapping[str, Any]] = None) -> str:
    """Renders a checked text template (an e-mail subject and body) with no HTML escaping."""
    if sample_context is not None:
        check_template(template, sample_context)
    text = template.data.decode("utf-8-sig")
    with _refused_as(template):
        return TEXT_ENV.from_string(text).render(dict(context))


@contextmanager
def _refused_as(template: TemplateFile) -> Iterator[None]:
    """A render stopped by a limit, refused by the sandbox or failing in the template is a TemplateRefused that
    names the template: the user's file is at fault, not csrdesk."""
    try:
        yield
    except RenderLimit as exc:
        raise TemplateRefused(f"Template {template.name!r} was stopped: {exc}.") from None
    except SecurityError as exc:
        raise TemplateRefused(f"Template {template.name!r}: the sandbox refused it ({exc}).") from None
    except TemplateError as exc:
        raise TemplateRefused(f"Template {template.name!r} failed: {exc}.") from None


def clear_caches() -> None:
    """Forgets loaded and checked templates (tests, and the settings page after a template folder change)."""
    with _cache_lock:
        _loaded.clear()
        _checked.clear()
