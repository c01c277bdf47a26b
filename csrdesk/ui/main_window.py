"""The main window: navigation between the pages, the search box, menus, shortcuts and the status bar."""
from __future__ import annotations

import logging
import platform
from datetime import date
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QFileDialog, QFrame, QHBoxLayout, QLabel, QLayout, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
    QSplitter, QStackedWidget, QVBoxLayout, QWidget,
)

from csrdesk import __version__, paths
from csrdesk.domain.reporting import plural
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, show_error, window_settings
from csrdesk.ui.pages.dashboard import DashboardPage
from csrdesk.ui.search_box import SearchBox
from csrdesk.ui.tables import TableView
from csrdesk.ui.widgets.shortcuts import standard_or
from csrdesk.ui.widgets.status_note import tell

log = logging.getLogger(__name__)

DATABASE_FILES = "csrdesk databases (*.sqlite3 *.sqlite *.db);;All files (*)"


def app_icon() -> QIcon:
    try:
        return QIcon(str(paths.resource("icons", "csrdesk.svg")))
    except FileNotFoundError:  # pragma: no cover - resources always ship
        return QIcon()


class _PageStack(QStackedWidget):
    """A stack as small as the page shown needs, not as the largest page needs (so the window can be narrow)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.currentChanged.connect(lambda _i: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()


class _LazyPages(dict):
    """The window's pages by key. A page given as a factory is built the first time it is asked for (by key, by
    get, or by values() and items(), which build every page); `built()` gives only the pages built so far."""

    def __init__(self, on_built) -> None:
        super().__init__()
        self._factories: dict[str, object] = {}
        self._on_built = on_built

    def add_factory(self, key: str, factory) -> None:
        self._factories[key] = factory

    def __missing__(self, key: str):
        factory = self._factories.pop(key, None)
        if factory is None:
            raise KeyError(key)
        page = factory()
        dict.__setitem__(self, key, page)
        self._on_built(key, page)
        return page

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self._factories

    def __iter__(self):
        return iter(list(dict.keys(self)) + list(self._factories))

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._factories)

    def keys(self):
        return list(self)

    def _build_all(self) -> None:
        for key in list(self._factories):
            self[key]

    def values(self):
        self._build_all()
        return dict.values(self)

    def items(self):
        self._build_all()
        return dict.items(self)

    def built(self) -> list:
        return list(dict.values(self))

    def built_items(self) -> list:
        return list(dict.items(self))


def _suppliers_page(ctx):
    from csrdesk.ui.pages.suppliers import SuppliersPage

    return SuppliersPage(ctx)


def _supplier_page(ctx):
    from csrdesk.ui.pages.supplier_page import SupplierPage

    return SupplierPage(ctx)


def _assessments_page(ctx):
    from csrdesk.ui.pages.assessments import AssessmentsPage

    return AssessmentsPage(ctx)


def _caps_page(ctx):
    from csrdesk.ui.pages.caps import CapsPage

    return CapsPage(ctx)


def _vetting_page(ctx):
    from csrdesk.ui.pages.vetting import VettingPage

    return VettingPage(ctx)


def _verification_page(ctx):
    from csrdesk.ui.pages.verification import VerificationPage

    return VerificationPage(ctx)


def _complaints_page(ctx):
    from csrdesk.ui.pages.complaints import ComplaintsPage

    return ComplaintsPage(ctx)


def _library_page(ctx):
    from csrdesk.ui.pages.library import LibraryPage

    return LibraryPage(ctx)


def _partners_page(ctx):
    from csrdesk.ui.pages.partners import PartnersPage

    return PartnersPage(ctx)


class MainWindow(QMainWindow):
    """Pages in a stack, chosen from the list on the left; the supplier page opens from lists and search."""

    database_changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(960, 600)
        self.pages = _LazyPages(self._page_built)
        self._nav_keys: list[str] = []

        # Pages: every one that exists in this build, in the order of the work. The dashboard is built now; the
        # others (and the modules behind them) the first time they are shown, so the window is quick to start.
        self.dashboard = DashboardPage(ctx)
        entries: list[tuple[str, str, object]] = [
            ("dashboard", "Dashboard", self.dashboard), ("suppliers", "Suppliers", _suppliers_page),
            ("assessments", "Assessments", _assessments_page), ("caps", "CAPs", _caps_page),
            ("vetting", "Vetting", _vetting_page), ("verification", "Verification", _verification_page),
            ("complaints", "Complaints", _complaints_page), ("library", "Library", _library_page),
            ("partners", "Partners", _partners_page),
        ]

        self.stack = _PageStack()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(18, 18))
        self.navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, (key, title, page) in enumerate(entries):
            self._nav_keys.append(key)
            if isinstance(page, QWidget):
                dict.__setitem__(self.pages, key, page)
                self.stack.addWidget(page)
            else:
                self.pages.add_factory(key, lambda factory=page: factory(ctx))
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{title}  (Ctrl+{i + 1})" if i < 9 else title)
            self.navigation.addItem(item)
        self.pages.add_factory("supplier", lambda: _supplier_page(ctx))
        self.navigation.currentRowChanged.connect(self._nav_changed)
        self.navigation.itemClicked.connect(self._nav_clicked)
        self.stack.currentChanged.connect(self._page_changed)

        # Sidebar: the app's name above the navigation.
        sidebar = QWidget()
        sidebar.setObjectName("sidebar")
        sidebar.setStyleSheet(f"QWidget#sidebar {{ background: {theme.SIDEBAR}; border-right: 1px solid {theme.BORDER}; }}")
        brand = QHBoxLayout()
        brand.setContentsMargins(18, 16, 12, 10)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(26, 26))
        name = QLabel("csrdesk")
        name.setStyleSheet(f"font-size: 13pt; font-weight: 700; color: {theme.TEXT};")
        brand.addWidget(logo)
        brand.addWidget(name)
        brand.addStretch(1)
        side_layout = QVBoxLayout(sidebar)
        side_layout.setContentsMargins(0, 0, 0, 8)
        side_layout.setSpacing(0)
        side_layout.addLayout(brand)
        side_layout.addWidget(self.navigation, 1)
        self.version_label = QLabel(f"version {__version__}")
        self.version_label.setObjectName("muted")
        self.version_label.setContentsMargins(18, 0, 0, 0)
        side_layout.addWidget(self.version_label)

        # Top bar: the search box, on every page.
        self.search_box = SearchBox(ctx, self)
        self.search_box.hit_chosen.connect(self.open_hit)
        top = QWidget()
        top.setObjectName("topBar")
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFixedHeight(1)
        rule.setStyleSheet(f"background: {theme.BORDER}; border: none;")
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(24, 10, 24, 10)
        top_layout.addWidget(self.search_box, 1)
        top_layout.addStretch(1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(top)
        content_layout.addWidget(rule)
        content_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(sidebar)
        self.splitter.addWidget(content)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([200, 1000])
        self.setCentralWidget(self.splitter)

        self.db_label = QLabel()
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.busy_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(400)
        self._busy_timer.timeout.connect(lambda: self.busy_label.setText("Working…" if self.ctx.busy else ""))
        ctx.busy_changed.connect(self._busy)

        theme.decorate(self)
        self._connect_pages()
        self._build_menus()
        self._page_changed()
        self._show_database()
        self.restore_state()
        if self.navigation.currentRow() < 0:
            self.navigation.setCurrentRow(0)

    # -- wiring -----------------------------------------------------------------------------------------------------
    # Pages built later, by the key they are shown under (the window's attributes read them through self.pages).
    suppliers = property(lambda self: self.pages["suppliers"])
    supplier_page = property(lambda self: self.pages["supplier"])
    assessments = property(lambda self: self.pages["assessments"])
    caps = property(lambda self: self.pages["caps"])
    vetting = property(lambda self: self.pages["vetting"])
    verification = property(lambda self: self.pages["verification"])
    complaints = property(lambda self: self.pages["complaints"])
    library = property(lambda self: self.pages["library"])

    def _connect_pages(self) -> None:
        from csrdesk.ui.dashboard_links import connect_dashboard

        connect_dashboard(self)  # a dashboard bar or tile opens the suppliers or items behind it
        self.dashboard.supplier_requested.connect(self.show_supplier)
        self.dashboard.first_start.details_requested.connect(lambda: self.open_settings())
        self.dashboard.first_start.import_requested.connect(lambda: self.import_suppliers())
        self.dashboard.first_start.demo_requested.connect(lambda: self.load_demo())
        for key, page in self.pages.built_items():
            if page is not self.dashboard:
                self._connect_page(key, page)

    def _connect_page(self, key: str, page: QWidget) -> None:
        if key == "supplier":
            page.back_requested.connect(lambda: self.go("suppliers"))
        for signal_name in ("navigate_requested", "navigate"):
            signal = getattr(page, signal_name, None)
            if signal is not None:
                try:
                    signal.connect(self.open_item)
                except (TypeError, RuntimeError):
                    pass
        signal = getattr(page, "supplier_requested", None)
        if signal is not None:
            signal.connect(self.show_supplier)

    def _page_built(self, key: str, page: QWidget) -> None:
        """A page built on first use joins the stack, styled and wired as the pages built at start were, with its
        splitters as the user left them."""
        self.stack.addWidget(page)
        theme.decorate(page)
        self._connect_page(key, page)
        settings = window_settings()
        for splitter_widget in page.findChildren(QSplitter):
            name = splitter_widget.objectName()
            value = settings.value(f"splitters/{name}") if name else None
            if isinstance(value, (QByteArray, bytes)):
                splitter_widget.restoreState(QByteArray(value))

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        # Ctrl+N makes what the page shows (an assessment on Assessments...), a supplier elsewhere.
        self.new_action = self._action("New supplier…", self.new_item, "Ctrl+N", "Add to the list on this page")
        self.new_supplier_action = self._action("New supplier…", self.new_supplier, "Ctrl+Shift+N", "Add a supplier")
        self.new_supplier_action.setVisible(False)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.new_supplier_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("New database…", self.new_database, tip="Create an empty database file"))
        file_menu.addAction(self._action("Open database…", self.open_database, "Ctrl+O", "Open another database"))
        file_menu.addAction(self._action("Connect to a shared database…", self.connect_shared_database,
                                         tip="Work on the team's PostgreSQL database"))
        file_menu.addAction(self._action("Move this workspace to a shared database…", self.move_to_shared_database,
                                         tip="Copy everything into an empty PostgreSQL database; this file is kept"))
        file_menu.addAction(self._action("Back up database…", self.backup_database, "Ctrl+Shift+B",
                                         "Copy the database file"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("Import suppliers…", self.import_suppliers,
                                         tip="Add suppliers from a spreadsheet (checked first)"))
        file_menu.addAction(self._action("Import auditor's findings…", self.import_findings,
                                         tip="Record an assessment from an auditor's findings file"))
        file_menu.addAction(self._action("Export CAP tracker…", self.export_cap_tracker, "Ctrl+Shift+E",
                                         tip="The Excel tracker of one CAP, for the factory to fill in"))
        file_menu.addAction(self._action("Import returned CAP tracker…", self.import_cap_tracker, "Ctrl+Shift+I",
                                         tip="Check a tracker a factory sent back and take its answers"))
        file_menu.addAction(self._action("Export master tracker…", self.export_master_tracker,
                                         tip="All suppliers, all open items, ratings and progress in one workbook"))
        file_menu.addAction(self._action("Letters and e-mail drafts…", self.open_letters, "Ctrl+L",
                                         "CAP letters, trackers and e-mail drafts for the chosen CAPs"))
        file_menu.addAction(self._action("Reports…", self.open_reports, "Ctrl+Shift+R",
                                         "Program report, supplier scorecard, public summary"))
        file_menu.addSeparator()
        self.settings_action = self._action("Settings…", self.open_settings,
                                            standard_or(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = self.quit_action = self._action("Quit", self.close,
                                                      standard_or(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        view_menu = bar.addMenu("&View")
        self.page_actions: list[QAction] = []
        for i, key in enumerate(self._nav_keys):
            title = self.navigation.item(i).text()
            action = self._action(title, lambda _c=False, k=key: self.go(k), f"Ctrl+{i + 1}" if i < 9 else None)
            view_menu.addAction(action)
            self.page_actions.append(action)
        view_menu.addSeparator()
        view_menu.addAction(self._action("Search…", self.focus_search, "Ctrl+K",
                                         "Find suppliers, assessments, vetting screens, complaints, findings and CAP items"))
        view_menu.addAction(self._action("Filter this list", self.focus_filter, "Ctrl+F"))
        view_menu.addAction(self._action("Refresh", self.refresh_page, "F5"))
        view_menu.addAction(self._action("Back", self.back, "Alt+Left"))

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("Guide", self.open_guide, "F1", "How to use csrdesk, step by step"))
        help_menu.addAction(self._action("Keyboard shortcuts", self.show_shortcuts))
        help_menu.addAction(self._action("Open log folder", self.open_log_folder))
        help_menu.addAction(self._action("Open data folder", self.open_data_folder))
        help_menu.addSeparator()
        about = self._action("About csrdesk", self.about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    # -- navigation -------------------------------------------------------------------------------------------------
    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def showing(self, key: str) -> bool:
        """True when the page `key` is the one shown (without building a page that was never shown)."""
        page = dict.get(self.pages, key)
        return page is not None and page is self.current_page()

    def _leave(self, then) -> bool:
        """Leaves the page shown: with unsaved edits the page asks, and `then` (the move) runs at once or once the
        edits are saved through the worker. False when the move did not start (Cancel, or the check failed)."""
        page = self.current_page()
        leave = getattr(page, "leave", None)
        if not callable(leave):
            then()
            return True
        try:
            return bool(leave(then))
        except Exception as exc:  # the check failed: stay, so unsaved edits are not lost, and say why
            log.exception("leaving the page failed")
            show_error(self, exc)
            return False

    def _select_nav(self, key: Optional[str]) -> None:
        """Marks a navigation entry without acting on it (the supplier page sits under Suppliers)."""
        key = "suppliers" if key == "supplier" else key
        self.navigation.blockSignals(True)
        if key in self._nav_keys:
            self.navigation.setCurrentRow(self._nav_keys.index(key))
        self.navigation.blockSignals(False)

    def _show_page(self, page: QWidget) -> None:
        self._select_nav(self._key_of(page))
        self.stack.setCurrentWidget(page)

    def _nav_changed(self, row: int) -> None:
        if row < 0 or row >= len(self._nav_keys):
            return
        page = self.pages[self._nav_keys[row]]
        if page is self.current_page():
            return
        self._select_nav(self._key_of(self.current_page()))  # the entry follows once the page is left
        self.statusBar().clearMessage()  # news of what was just done goes when the user moves on, as on the pages
        self._leave(lambda: self._show_page(page))

    def _nav_clicked(self, item: QListWidgetItem) -> None:
        """Suppliers clicked while a supplier's page is shown (its entry is already marked): back to the list."""
        if item.data(Qt.ItemDataRole.UserRole) == "suppliers" and self.showing("supplier"):
            self._leave(lambda: self._show_page(self.suppliers))

    def _key_of(self, page: QWidget) -> Optional[str]:
        for key, p in self.pages.built_items():
            if p is page:
                return key
        return None

    def go(self, key: str) -> bool:
        """Shows the page `key` ('dashboard', 'suppliers', ..., or 'supplier'); True when it is shown now (with
        unsaved edits saved first, it shows once they are saved)."""
        page = self.pages.get(key)
        if page is None:
            return False
        if page is not self.current_page():
            self._leave(lambda: self._show_page(page))
        return self.current_page() is page

    def show_supplier(self, supplier_id: int) -> None:
        if not self.showing("supplier") or self.supplier_page.supplier_id != int(supplier_id):
            self.statusBar().clearMessage()  # "Saved supplier CN-0041" is not news on another supplier's page

        def show() -> None:
            self._show_page(self.supplier_page)
            self.supplier_page.show_supplier(int(supplier_id))

        if self.showing("supplier"):
            show()
        else:
            self._leave(show)

    def open_item(self, kind: str, item_id) -> None:
        """Opens an item wherever it lives: a supplier, an assessment, a CAP or CAP item, a finding."""
        if kind == "supplier":
            if isinstance(item_id, int):
                self.show_supplier(item_id)
            return
        target = {"assessment": "assessments", "finding": "assessments", "cap": "caps", "cap_item": "caps",
                  "new_assessment": "assessments", "follow_up_assessment": "assessments", "new_screen": "vetting",
                  "violation_type": "library", "vetting_screen": "vetting",
                  "verification_visit": "verification", "complaint": "complaints",
                  "new_complaint": "complaints"}.get(kind)
        page = self.pages.get(target) if target else None
        if page is None or not self.go(target):
            return
        opener = getattr(page, "open_item", None)
        if callable(opener):
            opener(kind, item_id)

    def open_hit(self, hit) -> None:
        """Opens a search result: the supplier's page, the CAP item on the CAPs page, the finding's assessment."""
        if hit.kind == "supplier":
            self.show_supplier(hit.id)
        elif hit.kind in ("cap", "verification_visit", "assessment", "vetting_screen", "complaint"):
            self.open_item(hit.kind, hit.id)
        elif hit.kind == "cap_item" and self.pages.get("caps") is not None:
            self.open_item("cap_item", hit.id)
        elif hit.kind in ("finding", "cap_item") and hit.assessment_id is not None and self.pages.get("assessments"):
            self.open_item("assessment", hit.assessment_id)
        else:
            self.show_supplier(hit.supplier_id)

    def back(self) -> None:
        if self.showing("supplier"):
            self.go("suppliers")

    # -- actions ----------------------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.prepare()
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()
        if self.search_box.text().strip():
            self.search_box.search_now()

    def focus_filter(self) -> None:
        page = self.current_page()
        fn = getattr(page, "focus_filter", None)
        if callable(fn):
            fn()
            return
        box = getattr(page, "filter_box", None)
        if box is not None:
            box.setFocus()
            box.selectAll()

    def refresh_page(self) -> None:
        page = self.current_page()
        for name in ("refresh", "reload"):
            fn = getattr(page, name, None)
            if callable(fn):
                fn()
                return

    def _new_target(self):
        """What Ctrl+N calls on the current page, and its menu text; None means: a new supplier."""
        page = self.current_page()
        for name, label in (("new_item", None), ("new_assessment", "New assessment…"), ("new_screen", "New screen…"),
                            ("new_type", "New violation type…")):
            fn = getattr(page, name, None)
            if callable(fn) and page is not dict.get(self.pages, "suppliers"):
                return fn, getattr(page, "new_item_label", None) or label or "New…"
        return None, "New supplier…"

    def _page_changed(self, _index: int = -1) -> None:
        _fn, label = self._new_target()
        self.new_action.setText(label)
        self.new_supplier_action.setVisible(label != "New supplier…")

    def new_item(self):
        """Ctrl+N: a new entry of the page shown, or a new supplier."""
        fn, _label = self._new_target()
        if fn is None:
            return self.new_supplier()
        return fn()

    def new_supplier(self):
        if not self.showing("suppliers") and not self.go("suppliers"):
            return None
        return self.suppliers.new_supplier()

    def open_settings(self):
        from csrdesk.ui.settings_dialog import open_settings

        dialog = open_settings(self.ctx, self)
        dialog.accepted.connect(lambda: self._settings_saved(dialog.prefs))
        return dialog

    def _settings_saved(self, prefs) -> None:
        """Says the settings were kept, and what letters will now carry."""
        who = ", ".join(p for p in (prefs.user_name, prefs.company) if p) if prefs is not None else ""
        tell(self, f"Settings saved. Letters are signed by {who}." if who else "Settings saved.")

    def import_suppliers(self) -> None:
        from csrdesk.ui.import_dialogs import import_suppliers_flow

        import_suppliers_flow(self.ctx, self)

    def export_cap_tracker(self) -> None:
        from csrdesk.ui.dialogs.tracker_import import export_tracker_flow

        export_tracker_flow(self.ctx, self)

    def import_cap_tracker(self) -> None:
        from csrdesk.ui.dialogs.tracker_import import import_tracker_flow

        import_tracker_flow(self.ctx, self)

    def export_master_tracker(self) -> None:
        from csrdesk.ui.dialogs.tracker_import import export_master_flow

        export_master_flow(self.ctx, self)

    def open_reports(self) -> None:
        from csrdesk.ui.dialogs.reports import open_report_dialog

        code = self.supplier_page.bundle.detail.row.code if (
            self.showing("supplier") and getattr(self.supplier_page, "bundle", None)) else ""
        self._reports_dialog = open_report_dialog(self.ctx, self, code)

    def open_letters(self) -> None:
        from csrdesk.ui.dialogs.letters import LettersDialog

        chosen = getattr(self.current_page(), "selected_cap_ids", None)
        LettersDialog(self.ctx, chosen() if callable(chosen) else None, self).exec()

    def import_findings(self) -> None:
        from csrdesk.services.assessments import ASSESSMENT_TYPES
        from csrdesk.services.suppliers import list_suppliers
        from csrdesk.ui.import_dialogs import ImportFindingsDialog

        def ask(rows) -> None:
            dialog = ImportFindingsDialog(self.ctx, rows, self, assessment_types=ASSESSMENT_TYPES)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self._imported_assessment(dialog.result_detail))
            dialog.open()

        self.ctx.run(list_suppliers, self.ctx.db, on_done=ask, parent=self)

    def _imported_assessment(self, detail) -> None:
        if detail is None:
            return
        rating = getattr(detail, "rating", "")
        tell(self, f"Assessment recorded: {plural(len(getattr(detail, 'findings', ())), 'finding')}, "
                   f"score {getattr(detail, 'score', '?')}, {rating}.")
        if self.pages.get("assessments") is not None and getattr(detail, "id", None) is not None:
            self.open_item("assessment", detail.id)

    def _choose_database_file(self, title: str, save: bool) -> Optional[str]:
        start = str(self.ctx.db.path.parent) if self.ctx.db.path else str(paths.data_dir())
        if save:
            path, _ = QFileDialog.getSaveFileName(self, title, str(Path(start) / "csrdesk.sqlite3"), DATABASE_FILES)
        else:
            path, _ = QFileDialog.getOpenFileName(self, title, start, DATABASE_FILES)
        return path or None

    def new_database(self) -> None:
        path = self._choose_database_file("New database", save=True)
        if not path:
            return
        target = Path(path)
        if target.exists() and target.stat().st_size > 0:
            QMessageBox.warning(self, "csrdesk", f"{target.name} already exists. Use Open database to open it, "
                                                 "or choose a new file name.")
            return
        self.switch_database(str(target))

    def open_database(self) -> None:
        path = self._choose_database_file("Open database", save=False)
        if path:
            self.switch_database(path)

    def connect_shared_database(self) -> None:
        from csrdesk.ui.dialogs.connect import ConnectDialog

        dialog = ConnectDialog(self.ctx, self)

        def chosen() -> None:
            if dialog.chosen_url:
                self.switch_database(dialog.chosen_url)
                if dialog.told:
                    tell(self, dialog.told)

        dialog.accepted.connect(chosen)
        dialog.open()

    def move_to_shared_database(self) -> None:
        """Copies this workspace into an empty shared database (chosen and tested in the connect dialog), reports
        the counts checked, and offers to open it; the local file stays as it is."""
        from csrdesk.services.team_move import move_workspace
        from csrdesk.ui.dialogs.connect import ConnectDialog

        if self.ctx.db.path is None:
            QMessageBox.information(self, "csrdesk", "This is already a shared database.")
            return
        dialog = ConnectDialog(self.ctx, self)
        dialog.setWindowTitle("Move this workspace to a shared database")

        def moved(result) -> None:
            box = QMessageBox(QMessageBox.Icon.Question, "Workspace moved",
                              f"{result.rows:,} rows were copied into {result.target} and checked table by table; "
                              f"{result.files:,} evidence files and audit reports"
                              + (f" and {len(result.templates)} templates" if result.templates else "")
                              + " are now kept in it for every member. "
                              + (f"Not found on this computer (attach them again): {', '.join(result.files_missing)}. "
                                 if result.files_missing else "")
                              + f"Your file {result.kept_file} is unchanged.\n\nOpen the shared database now?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.buttonClicked.connect(lambda button: self.switch_database(url_of[0])
                                      if box.standardButton(button) == QMessageBox.StandardButton.Yes else None)
            box.open()

        url_of: list[str] = []

        def chosen() -> None:
            if dialog.chosen_url:
                url_of.append(dialog.chosen_url)
                self.ctx.run(move_workspace, self.ctx.db, dialog.chosen_url, on_done=moved,
                             label="Copying the workspace to the shared database…", parent=self)

        dialog.accepted.connect(chosen)
        dialog.open()

    def switch_database(self, url: str) -> None:
        """Opens (creating or upgrading) another database on the worker, then every page reloads from it."""
        from csrdesk.services.startup import open_workspace

        def opened(db) -> None:
            self.ctx.set_database(db)
            self._show_database()
            settings = window_settings()
            settings.setValue("database/last", db.url)
            tell(self, f"Opened {db.display_name}")
            self.database_changed.emit(db.url)

        self._leave(lambda: self.ctx.run(open_workspace, url, on_done=opened, label="Opening the database…",
                                         parent=self))

    def backup_database(self) -> None:
        from csrdesk.services.backup import backup_database

        server = self.ctx.db.path is None  # a shared database: a pg_dump file
        default = paths.backups_dir() / f"csrdesk-backup-{date.today():%Y-%m-%d}.{'pgdump' if server else 'sqlite3'}"
        path, _ = QFileDialog.getSaveFileName(self, "Back up database", str(default),
                                              "PostgreSQL dump (*.pgdump)" if server else DATABASE_FILES)
        if not path:
            return
        self.ctx.run(backup_database, self.ctx.db, Path(path),
                     on_done=lambda p: tell(self, f"Backed up to {p}"),
                     label="Backing up the database…", parent=self)

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    def guide_path(self) -> Path:
        """The guide bundled with the app (resources/help/guide.html)."""
        return paths.resource("help", "guide.html")

    def open_guide(self) -> bool:
        """F1: the guide, in the system's browser; where none opens, says where the guide file is."""
        path = self.guide_path()
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            return True
        QMessageBox.information(self, "Guide", f"The guide could not be opened in a browser here. Open this file "
                                               f"in any web browser:\n\n{path}")
        return False

    def load_demo(self) -> None:
        """The first start's "load demo data": invented suppliers with three years of work, to look around."""
        from csrdesk.services.demo import generate_demo

        def done(result) -> None:
            self.ctx.notify("all")
            tell(self, result.summary())

        self.ctx.run(generate_demo, self.ctx.db, on_done=done, label="Adding demo data…", cancellable=True,
                     parent=self)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """The keys of the Keyboard shortcuts box, as the menus carry them (Settings and Quit differ by platform)."""
        native = QKeySequence.SequenceFormat.NativeText
        rows = [("Ctrl+K", "Search suppliers, assessments, vetting screens, complaints, findings and CAP items"),
                ("Ctrl+F", "Filter the list on this page"),
                ("Ctrl+N", "New entry on this page (a supplier, an assessment…)"), ("Ctrl+Shift+N", "New supplier"),
                ("F5", "Refresh this page"), ("Alt+Left", "Back to the suppliers list"), ("F1", "The guide"),
                ("Ctrl+O", "Open another database"), ("Ctrl+Shift+B", "Back up the database"),
                ("Ctrl+L", "Letters and e-mail drafts"), ("Ctrl+Shift+R", "Reports"),
                ("Ctrl+Shift+E", "Export a CAP tracker for the factory"),
                ("Ctrl+Shift+I", "Import a CAP tracker the factory sent back"),
                (self.settings_action.shortcut().toString(native), "Settings"),
                (self.quit_action.shortcut().toString(native), "Quit")]
        rows += [(f"Ctrl+{i + 1}", self.navigation.item(i).text()) for i in range(min(9, self.navigation.count()))]
        return rows

    def show_shortcuts(self) -> None:
        rows = self.shortcut_rows()
        table = "".join(f"<tr><td style='padding-right:18px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{table}</table>")

    def about(self) -> None:
        from PySide6 import __version__ as qt_version

        from csrdesk.logsetup import log_file

        QMessageBox.about(
            self, "About csrdesk",
            f"<h3>csrdesk {__version__}</h3>"
            "<p>Suppliers, audits, corrective action plans, vetting, verification and worker complaints for a "
            "brand's CSR team, on one laptop.</p>"
            f"<p>Database: {self.ctx.db.display_name}<br>Data folder: {paths.data_dir()}<br>"
            f"Log file: {log_file()}</p>"
            f"<p style='color:{theme.MUTED}'>Python {platform.python_version()} · PySide6 {qt_version}</p>",
        )

    # -- status bar -------------------------------------------------------------------------------------------------
    def _show_database(self) -> None:
        db = self.ctx.db
        name = db.display_name
        kind = "SQLite file" if db.path is not None else "shared database"
        if db.read_only:
            kind += ", read only" if db.path is not None else ", read-only member"
        self.db_label.setText(f"Database: {name}  ({kind})")
        self.db_label.setToolTip(name)
        short = db.path.name if db.path is not None else name
        self.setWindowTitle(f"{short} — csrdesk")

    def _busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()  # only say "Working" when the work is not instant
        else:
            self._busy_timer.stop()
            self.busy_label.setText("")

    # -- remembered state -------------------------------------------------------------------------------------------
    def restore_state(self) -> None:
        settings = window_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, (QByteArray, bytes)):
            self.restoreGeometry(QByteArray(geometry))
        else:
            screen = QApplication.primaryScreen()
            if screen is not None:
                available = screen.availableGeometry()
                self.resize(min(1360, available.width() - 40), min(840, available.height() - 60))
        state = settings.value("window/state")
        if isinstance(state, (QByteArray, bytes)):
            self.restoreState(QByteArray(state))
        page = settings.value("window/page")
        if isinstance(page, str) and page in self._nav_keys:
            self.navigation.setCurrentRow(self._nav_keys.index(page))
        # Splitters are restored once the window has its real size, or their proportions drift.
        self._pending_splitters = {}
        splitter = settings.value("window/splitter")
        if isinstance(splitter, (QByteArray, bytes)):
            self._pending_splitters[self.splitter] = QByteArray(splitter)
        for splitter_widget in self.findChildren(QSplitter):
            name = splitter_widget.objectName()
            if name and splitter_widget is not self.splitter:
                value = settings.value(f"splitters/{name}")
                if isinstance(value, (QByteArray, bytes)):
                    self._pending_splitters[splitter_widget] = QByteArray(value)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        pending, self._pending_splitters = getattr(self, "_pending_splitters", {}), {}
        for splitter_widget, state in pending.items():
            splitter_widget.restoreState(state)

    def save_state(self) -> None:
        settings = window_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        row = self.navigation.currentRow()
        if 0 <= row < len(self._nav_keys):
            settings.setValue("window/page", self._nav_keys[row])
        for splitter_widget in self.findChildren(QSplitter):
            name = splitter_widget.objectName()
            if name and splitter_widget is not self.splitter:
                settings.setValue(f"splitters/{name}", splitter_widget.saveState())
        for table in self.findChildren(TableView):
            table.save_state()
        settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802
        # A page with unsaved edits is shown and asked; once its edits are saved (or thrown away) the window tries
        # to close again, so each page is asked in turn; Cancel, or a failed save, keeps the window open.
        for page in self.pages.built():  # a page never shown has nothing unsaved
            unsaved = getattr(page, "has_unsaved_changes", None)
            if callable(unsaved) and unsaved():
                event.ignore()
                self._show_page(page)
                self._leave(lambda: QTimer.singleShot(0, self, lambda: self.close()))
                return
        self.save_state()
        self.search_box.results.hide()
        super().closeEvent(event)
