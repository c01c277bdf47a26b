"""Renders every page of the window offscreen to PNG on a demo workspace, for the README.

    python -m csrdesk.bench.screenshots [--out docs/screenshots] [--suppliers 40] [--width 1440 --height 900]

The workspace is a temporary folder (CSRDESK_HOME); nothing of the user's is read or written.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]


def _wait(app, ctx, seconds: float = 30.0, settle: float = 0.15) -> None:
    """Lets queued work finish and the screen settle."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if not ctx.busy:
            break
        time.sleep(0.01)
    end = time.monotonic() + settle
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _pick_font(app) -> None:
    """A UI font like the ones users have (Segoe UI, SF, Noto Sans), not the wide DejaVu of bare Linux images."""
    from PySide6.QtGui import QFont, QFontDatabase

    families = set(QFontDatabase.families())
    for family in ("Segoe UI", "Noto Sans", "Inter", "Ubuntu", "Cantarell", "Liberation Sans"):
        if family in families:
            font = QFont(family)
            font.setPointSizeF(9.5)
            app.setFont(font)
            return


def render(out: Path, suppliers: int = 40, width: int = 1440, height: int = 900,
           only: Optional[Sequence[str]] = None) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="csrdesk-shots-"))
    os.environ["CSRDESK_HOME"] = str(home)
    os.environ.setdefault("MPLCONFIGDIR", str(home / "mpl"))

    from csrdesk.services.settings import Preferences, save_preferences
    from csrdesk.services.startup import open_workspace
    from csrdesk.ui.app import ensure_application, open_window
    from csrdesk.ui import theme

    app = ensure_application()
    _pick_font(app)
    db = open_workspace(str(home / "demo.sqlite3"))
    try:
        from csrdesk.services.demo import generate_demo
    except ImportError:  # pragma: no cover - the demo generator ships with csrdesk
        raise SystemExit("csrdesk.services.demo is missing: the screenshots need the demo data")
    generate_demo(db, suppliers=suppliers, seed=7)
    save_preferences(db, Preferences(user_name="Anna Berg", company="Northwind Apparel",
                                     signature="Kind regards,\nAnna Berg\nCSR Manager, Northwind Apparel"))
    ctx, window = open_window(db, install_hooks=False)
    window.show()
    window.resize(width, height)
    window.splitter.setSizes([210, width - 210])
    _wait(app, ctx)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shot(name: str, widget=None) -> None:
        if only and name not in only:
            return
        _wait(app, ctx)
        target = out / f"{name}.png"
        (widget or window).grab().save(str(target))
        written.append(target)
        print(target, flush=True)

    def page(key: str, prepare: Optional[Callable[[], None]] = None) -> bool:
        if window.pages.get(key) is None:
            return False
        window.go(key)
        _wait(app, ctx)
        if prepare is not None:
            prepare()
            _wait(app, ctx)
        return True

    page("dashboard")
    shot("01-dashboard")
    page("suppliers")
    rows = window.suppliers.model.visible_rows()
    # The supplier page of a factory with history: several assessments, open items, certificates.
    from csrdesk.services.suppliers import supplier_detail

    def richness(row):
        d = supplier_detail(db, row.id)
        return (len(d.assessments) >= 3, 3 <= row.open_items <= 25, row.overdue_items > 0,
                any(c.state != "valid" for c in d.certifications), len(d.certifications) > 1,
                row.rating in ("Needs Improvement", "Unsatisfactory"), len(d.assessments))

    interesting = max((r for r in rows if r.status in ("active", "approved")), key=richness)
    window.suppliers.view.select_id(interesting.id)
    shot("02-suppliers")
    window.show_supplier(interesting.id)
    _wait(app, ctx)
    shot("03-supplier")
    window.supplier_page.tabs.setCurrentIndex(1)
    window.supplier_page.chart_button.setChecked(True)
    window.supplier_page.assess_splitter.setSizes([260, 420])
    shot("04-supplier-assessments")
    window.supplier_page.chart_button.setChecked(False)
    window.supplier_page.tabs.setCurrentIndex(0)

    def assessments_prepare() -> None:
        p = window.pages["assessments"]
        view = getattr(p, "list_view", None) or getattr(p, "table", None) or getattr(p, "view", None)
        model = getattr(p, "list_model", None) or getattr(p, "model", None)
        if model is not None and model.visible_count:
            target = max(model.visible_rows(), key=lambda a: (getattr(a, "findings", 0) or 0) < 30
                         and getattr(a, "rating", "") == "Needs Improvement")
            opener = getattr(p, "open_item", None)
            if opener:
                opener("assessment", target.id)

    if page("assessments", assessments_prepare):
        shot("05-assessments")

    def caps_prepare() -> None:
        p = window.pages["caps"]
        table = getattr(p, "table", None)
        if table is not None and p.model.visible_count:
            table.selectRow(0)

    if page("caps", caps_prepare):
        shot("06-caps")
    if page("library"):
        shot("07-library")
    def first_row(key: str) -> Callable[[], None]:
        def prepare() -> None:  # a page with a list and a detail: show the detail of the first entry
            from csrdesk.ui.tables import TableView

            for view in window.pages[key].findChildren(TableView):
                if view.isVisible() and view.model() is not None and view.model().rowCount():
                    if not view.selectionModel().hasSelection():
                        view.selectRow(0)
                        view.row_activated.emit(view.row_model().row_at(0)) if view.row_model() else None
                    return
        return prepare

    for key, number in (("vetting", "08"), ("verification", "09"), ("complaints", "10")):
        if page(key, first_row(key)):
            shot(f"{number}-{key}")

    window.go("suppliers")
    _wait(app, ctx)
    box = window.search_box
    box.setFocus()
    box.setText("overtime")
    box.search_now()
    _wait(app, ctx, settle=0.4)
    shot("11-search")
    box.clear()

    dialog = window.suppliers.new_supplier()
    dialog.name_edit.setText("Anatolia Socks Tekstil A.Ş.")
    dialog.country_combo.setCurrentText("Türkiye")
    dialog.sector_edit.setText("hosiery")
    shot("12-new-supplier", dialog)
    dialog.reject()
    settings = window.open_settings()
    _wait(app, ctx)
    shot("13-settings", settings)
    settings.reject()
    # The CAP review of a factory's answer: the CAP back from the factory with the most items answered.
    from sqlalchemy import func, select

    from csrdesk.storage.models import Cap, CapItem
    from csrdesk.ui.pages.cap_review import CapReviewDialog

    with db.reading() as s:
        cap_id = s.scalar(select(Cap.id).join(CapItem, CapItem.cap_id == Cap.id)
                          .where(Cap.status == "response received", CapItem.root_cause != "")
                          .group_by(Cap.id).order_by(func.count(CapItem.id).desc(), Cap.id).limit(1))
    if cap_id is not None:
        review = CapReviewDialog(ctx, cap_id, window)
        review.show()
        _wait(app, ctx, settle=0.3)
        shot("14-cap-review", review)
        review.reject()
    theme  # noqa: B018 - imported for its side effects on the look
    ctx.wait_idle()
    window.close()
    db.dispose()
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csrdesk.bench.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--suppliers", type=int, default=40)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--only", nargs="*", help="names of the shots to render (e.g. 01-dashboard)")
    args = parser.parse_args(argv)
    written = render(args.out, args.suppliers, args.width, args.height, args.only)
    print(f"{len(written)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
