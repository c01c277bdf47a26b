"""Every dataclass in csrdesk has a class docstring.

Two reasons. On Python 3.11, `@dataclass` on a class without a docstring builds one from `inspect.signature(cls)`,
about 0.2 ms a class: with some sixty of them loaded at start that was about 12 ms of the window's start (the target
is a usable window in under 0.8 s), and the same again on each page's first open. And a one-line docstring saying
what the thing is for (a row of which page, the input of which action) is what a reader of the services needs first.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "csrdesk"


def _is_dataclass_decorator(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id == "dataclass"
    return isinstance(node, ast.Attribute) and node.attr == "dataclass"


def undocumented_dataclasses(root: Path = PACKAGE) -> list[str]:
    """`path:line: Name` for each dataclass under root whose body does not open with a string."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(_is_dataclass_decorator(d) for d in node.decorator_list):
                continue
            doc = ast.get_docstring(node)
            if not doc or not doc.strip():
                missing.append(f"{path.relative_to(root.parent)}:{node.lineno}: {node.name}")
    return missing


def test_the_walk_sees_dataclasses(tmp_path):
    """The check itself spots a dataclass without a docstring, in each spelling of the decorator, and passes one
    with a docstring, so a green run below means something."""
    pkg = tmp_path / "csrdesk"
    pkg.mkdir()
    (pkg / "m.py").write_text(
        "import dataclasses\n"
        "from dataclasses import dataclass\n"
        "@dataclass\nclass A:\n    x: int\n"
        "@dataclass(frozen=True)\nclass B:\n    x: int\n"
        "@dataclasses.dataclass\nclass C:\n    x: int\n"
        "@dataclass\nclass D:\n    \"\"\"A documented one.\"\"\"\n    x: int\n"
        "class E:\n    x: int\n",
        encoding="utf-8",
    )
    assert [line.rsplit(" ", 1)[1] for line in undocumented_dataclasses(pkg)] == ["A", "B", "C"]


def test_every_dataclass_has_a_docstring():
    """No dataclass in the package is left for `@dataclass` to document with inspect.signature at import."""
    missing = undocumented_dataclasses()
    assert not missing, "dataclasses without a docstring:\n" + "\n".join(missing)
