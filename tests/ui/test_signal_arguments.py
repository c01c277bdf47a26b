"""No signal that carries arguments (a button's clicked(bool), toggled, triggered(bool), currentIndexChanged(int),
textChanged(str), ...) is connected straight to a slot whose first parameter is optional: Qt would hand the bool or
index to that parameter (the vetting screen's "Import answers..." crashed on every click because clicked(False)
became the file path). Such slots are connected through a lambda or a slot with no parameters.

The check reads the syntax tree of every module in csrdesk/ui, so a new connection is guarded the day it is written.
"""
from __future__ import annotations

import ast
from pathlib import Path

import csrdesk.ui

UI = Path(csrdesk.ui.__file__).parent

# Qt signals that pass at least one argument to their slot (names as the widgets csrdesk uses spell them).
QT_SIGNALS_WITH_ARGUMENTS = {
    "clicked", "toggled", "triggered", "hovered", "currentIndexChanged", "currentTextChanged", "textChanged",
    "textEdited", "textActivated", "valueChanged", "stateChanged", "checkStateChanged", "activated", "highlighted",
    "dateChanged", "dateTimeChanged", "timeChanged", "itemChanged", "itemClicked", "itemDoubleClicked",
    "itemActivated", "itemSelectionChanged_", "doubleClicked", "currentChanged", "currentRowChanged",
    "currentItemChanged", "sectionClicked", "sortIndicatorChanged", "customContextMenuRequested", "linkActivated",
    "linkHovered", "anchorClicked", "finished", "idClicked", "buttonClicked", "buttonToggled", "rowsInserted",
    "rowsRemoved", "dataChanged", "layoutChanged_", "sliderMoved", "tabCloseRequested", "tabBarClicked",
    "selectionChanged", "cursorPositionChanged", "modificationChanged", "undoAvailable", "redoAvailable",
    "copyAvailable", "visibilityChanged", "windowTitleChanged", "entered",
}


def _custom_signals_with_arguments(trees) -> set[str]:
    """csrdesk's own Signal(...) declarations that carry arguments (e.g. `opened = Signal(str, int)`)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and getattr(node.value.func, "id", getattr(node.value.func, "attr", "")) == "Signal"
                    and node.value.args):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _first_parameter_is_optional(func: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> bool:
    args = func.args
    positional = args.posonlyargs + args.args
    if method:
        positional = positional[1:]
    if not positional or positional[0].arg.startswith("_"):
        return False  # no parameter, *args, or one named as ignored (`_index=-1`): the signal's value harms nothing
    with_defaults = positional[len(positional) - len(args.defaults):] if args.defaults else []
    return positional[0] in with_defaults


def _offences() -> list[str]:
    modules = {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(UI.rglob("*.py"))}
    signals = QT_SIGNALS_WITH_ARGUMENTS | _custom_signals_with_arguments(modules.values())
    # Every class of csrdesk/ui by name, with its methods and bases, to resolve self.x through inheritance.
    classes: dict[str, ast.ClassDef] = {}
    for tree in modules.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, node)

    def method(class_name: str, name: str, seen=()) -> ast.FunctionDef | None:
        cls = classes.get(class_name)
        if cls is None or class_name in seen:
            return None
        for item in cls.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
                return item
        for base in cls.bases:
            base_name = getattr(base, "id", getattr(base, "attr", None))
            if base_name:
                found = method(base_name, name, seen + (class_name,))
                if found is not None:
                    return found
        return None

    # Helpers that connect one of their parameters to such a signal (`def _action(self, text, slot): ...
    # action.triggered.connect(slot)`): a call handing them self.x is checked as a connection too. Qt's own
    # addAction(text, slot) connects triggered(bool) the same way.
    relays: dict[str, tuple[int, str]] = {"addAction": (1, "slot")}
    for tree in modules.values():
        for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            params = [a.arg for a in func.args.posonlyargs + func.args.args]
            is_method = bool(params) and params[0] == "self"
            for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
                f = call.func
                if (isinstance(f, ast.Attribute) and f.attr == "connect" and isinstance(f.value, ast.Attribute)
                        and f.value.attr in signals and call.args and isinstance(call.args[0], ast.Name)
                        and call.args[0].id in params):
                    name = call.args[0].id
                    relays[func.name] = (params.index(name) - (1 if is_method else 0), name)

    def connected(call: ast.Call) -> tuple[str, ast.expr] | None:
        """The signal name (or relay) and the slot expression this call connects, if it connects one."""
        f = call.func
        if (isinstance(f, ast.Attribute) and f.attr == "connect" and isinstance(f.value, ast.Attribute)
                and f.value.attr in signals and call.args):
            return f.value.attr, call.args[0]
        name = getattr(f, "attr", getattr(f, "id", None))
        if name in relays:
            index, keyword = relays[name]
            for kw in call.keywords:
                if kw.arg == keyword:
                    return name, kw.value
            if len(call.args) > index:
                return name, call.args[index]
        return None

    offences = []
    for path, tree in modules.items():
        # each class's methods, and the module's own functions (with a stand-in class that has no methods)
        owners = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
        owners.append(ast.ClassDef(name="<module>", bases=[], body=[n for n in tree.body
                                   if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))], decorator_list=[]))
        for cls in owners:
            for func in [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
                local_defs = {n.name: n for n in ast.walk(func)
                              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n is not func}
                for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
                    found = connected(call)
                    if found is None:
                        continue
                    signal, target = found
                    slot, is_method = None, True
                    if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                            and target.value.id == "self"):
                        slot = method(cls.name, target.attr)
                    elif isinstance(target, ast.Name) and target.id in local_defs:
                        slot, is_method = local_defs[target.id], False
                    elif isinstance(target, ast.Attribute):
                        # another object's method (self.flow.set_leader, page.open_item): every csrdesk method of
                        # that name is checked, since the object's class is not known from the syntax alone
                        same_name = [m for c in classes for m in [method(c, target.attr)] if m is not None]
                        slot = next((m for m in same_name if _first_parameter_is_optional(m, True)), None)
                    if slot is not None and _first_parameter_is_optional(slot, is_method):
                        where = f"{path.relative_to(UI.parent)}:{call.lineno}"
                        offences.append(f"{where}: {signal} -> {ast.unparse(target)}{ast.unparse(slot.args)!r}")
    return offences


def test_no_signal_argument_reaches_an_optional_slot_parameter():
    """A click, toggle or index change never fills a slot's optional parameter (a path, a flag, an id)."""
    offences = _offences()
    assert not offences, "connect these through a lambda or a slot without parameters:\n" + "\n".join(offences)


def test_the_check_catches_the_import_answers_bug(tmp_path, monkeypatch):
    """The guard itself works: the vetting screen's old connection would be reported."""
    bad = tmp_path / "ui"
    bad.mkdir()
    (bad / "__init__.py").write_text("")
    (bad / "form.py").write_text(
        "class Form:\n"
        "    def build(self):\n"
        "        self.import_button.clicked.connect(self.import_questionnaire)\n"
        "        self.box.toggled.connect(self.show_rows)\n"
        "        self._action('Import', self.import_questionnaire)\n"
        "    def _action(self, text, slot):\n"
        "        self.action.triggered.connect(slot)\n"
        "    def import_questionnaire(self, path=None):\n"
        "        pass\n"
        "    def show_rows(self, checked):\n"
        "        pass\n")
    monkeypatch.setattr(f"{__name__}.UI", bad)
    offences = _offences()
    assert len(offences) == 2 and all("import_questionnaire" in o for o in offences)
