"""The architecture holds: the domain loads neither Qt nor SQLAlchemy; nothing outside ui imports ui."""
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "csrdesk"


def test_domain_imports_neither_qt_nor_sqlalchemy():
    """Importing every domain module leaves PySide6 and sqlalchemy unloaded."""
    code = (
        "import pkgutil, importlib, sys, csrdesk.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('csrdesk.domain.' + m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'sqlalchemy', 'shiboken6')]\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"domain loaded: {result.stdout} {result.stderr}"


def test_only_ui_imports_ui_and_qt():
    """No module outside csrdesk/ui imports csrdesk.ui or PySide6 at module level (cli may start the GUI lazily)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "ui":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("import ", "from ")) and ("csrdesk.ui" in line or "PySide6" in line):
                offenders.append(f"{rel}: {line}")
    assert offenders == []
