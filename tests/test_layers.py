"""The architecture holds: every import of every module (inside functions too) runs along an allowed arrow of
STYLE.md's table, and no two modules import each other, directly or round a loop."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "csrdesk"

# The small base modules at the package root that every layer may use.
BASE = {"errors", "progress", "paths", "logsetup", "__init__"}
# layer -> the layers it may import (besides itself and BASE)
ALLOWED = {
    "domain": set(),
    "storage": {"domain"},
    "exchange": {"domain"},
    "reports": {"domain"},
    "services": {"domain", "storage", "exchange", "reports"},
    "ui": {"services", "domain", "reports"},
    "cli": {"services", "domain", "ui"},
    "bench": {"domain", "storage", "exchange", "reports", "services", "ui", "cli"},
}
# Third-party packages a layer must not load.
FORBIDDEN = {
    "domain": {"PySide6", "shiboken6", "sqlalchemy", "alembic", "openpyxl", "docxtpl", "docx", "matplotlib"},
    "storage": {"PySide6", "shiboken6"},
    "exchange": {"PySide6", "shiboken6", "sqlalchemy", "alembic"},
    "reports": {"PySide6", "shiboken6", "sqlalchemy", "alembic"},
    "services": {"PySide6", "shiboken6"},
    "ui": {"sqlalchemy", "alembic"},
    "cli": {"sqlalchemy", "alembic"},
}
# Modules at the package root that belong to a layer.
ROOT_LAYER = {"__main__": "cli"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    top = parts[1]
    if top in ALLOWED:
        return top
    if top in BASE:
        return "base"
    return ROOT_LAYER.get(top, top)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (top level or inside a function), as absolute names with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from csrdesk.services import caps` imports the module csrdesk.services.caps (as `import
            # csrdesk.services.caps` would); a name that is no module is taken from the package itself.
            modules = [f"{target}.{a.name}" for a in node.names
                       if f"{target}.{a.name}".startswith("csrdesk.") and _is_module(f"{target}.{a.name}")]
            if len(modules) < len(node.names):
                found.append((node.lineno, target))
            found.extend((node.lineno, m) for m in modules)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == \
                "import_module" and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def internal_edges() -> dict[str, set[str]]:
    modules = all_modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for _line, target in imports_of(path):
            # the deepest csrdesk module named by the import
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts and parts[0] == "csrdesk" and ".".join(parts) != name:
                edges[name].add(".".join(parts))
    return edges


def test_every_import_follows_an_allowed_arrow():
    """No module imports a layer above it or beside it that the table does not allow; nothing imports bench."""
    wrong = []
    for name, path in all_modules().items():
        mine = layer_of(name)
        for line, target in imports_of(path):
            top = target.split(".")[0]
            if top == "csrdesk":
                theirs = layer_of(target)
                if theirs in ("base", mine):
                    continue
                if mine == "base" and name == "csrdesk":
                    continue
                if theirs not in ALLOWED.get(mine, set()):
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} {mine} -> {target}")
            elif top in FORBIDDEN.get(mine, set()):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} {mine} loads {top}")
    assert wrong == []


def test_base_modules_import_no_layer():
    """errors, progress, paths and the log set-up sit below every layer: they import none."""
    wrong = [f"{name} -> {target}" for name, targets in internal_edges().items() if layer_of(name) == "base"
             and name != "csrdesk" for target in targets if layer_of(target) != "base"]
    assert wrong == []


def test_no_import_loops():
    """No two modules import each other, directly or through others, not even from inside a function."""
    edges = internal_edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert loops == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    """The walker finds an import inside a function, a relative import and `from package import module`."""
    probe = PACKAGE / "domain" / "_layer_probe_.py"
    probe.write_text("def f():\n    from ..storage import models\n    import csrdesk.ui.app\n", encoding="utf-8")
    try:
        targets = {t for _l, t in imports_of(probe)}
    finally:
        probe.unlink()
    assert {"csrdesk.storage.models", "csrdesk.ui.app"} <= targets


def test_domain_imports_neither_qt_nor_sqlalchemy():
    """Importing every domain module leaves PySide6 and sqlalchemy unloaded."""
    code = (
        "import pkgutil, importlib, sys, csrdesk.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'csrdesk.domain.'): importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"domain loaded: {result.stdout} {result.stderr}"


def test_readme_layout_table_states_the_arrows_the_check_enforces():
    """README's Layout section is the map a new developer reads: its table of allowed arrows must be the one this
    test enforces, so the two cannot drift apart."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1]
    stated: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] not in ALLOWED:
            continue
        words = cells[1].split("(")[0].replace(";", ",")
        if cells[1].startswith("anything"):
            stated[cells[0]] = set(ALLOWED) - {"bench"}
        else:
            stated[cells[0]] = {w.strip() for w in words.split(",") if w.strip() in ALLOWED}
    assert stated == {layer: set(allowed) for layer, allowed in ALLOWED.items()}
