"""The assessment editor's audit report line: the PDF kept with the assessment, Open it again, Attach or replace it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from csrdesk.services import audit_report as service
from csrdesk.ui import theme
from csrdesk.ui.widgets.elided_label import ElidedLabel


def open_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AuditReportBar(QWidget):
    """Shows the assessment's audit report (or that there is none) with Open and Attach buttons.

    An assessment not saved yet has no report: the buttons wait for the first save."""

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessment_id: Optional[int] = None
        self.report: Optional[service.AuditReport] = None
        self.opener = open_file  # tests replace it
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = ElidedLabel()
        self.label.setStyleSheet(f"color: {theme.MUTED};")
        self.open_button = QPushButton("Open report")
        self.open_button.setToolTip("Open the audit report (PDF) kept with this assessment")
        self.attach_button = QPushButton("Attach report…")
        self.attach_button.setToolTip("Keep the auditor's report (PDF) with this assessment; a copy goes into the "
                                      "data folder, like evidence files")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.attach_button)
        self.open_button.clicked.connect(lambda: self.open_report())
        self.attach_button.clicked.connect(lambda: self.attach())
        self._show()

    def set_assessment(self, assessment_id: Optional[int]) -> None:
        """Follows the assessment the editor shows; reads its report on the database worker."""
        self.assessment_id = assessment_id
        self.report = None
        self._show()
        if assessment_id is not None:
            self.ctx.run(service.audit_report, self.ctx.db, assessment_id,
                         on_done=lambda r, wanted=assessment_id: self._loaded(wanted, r), parent=self)

    def _loaded(self, wanted: int, report: Optional[service.AuditReport]) -> None:
        if wanted == self.assessment_id:
            self.report = report
            self._show()

    def _show(self, note: str = "") -> None:
        r = self.report
        if self.assessment_id is None:
            text = "Audit report: save the assessment first, then attach the auditor's PDF."
        elif r is None:
            text = "Audit report: none attached yet."
        elif not r.exists:
            text = f"Audit report: {r.name} is missing from the data folder; attach it again."
        else:
            text = f"Audit report: {r.name} ({max(1, round(r.size / 1024))} KB)"
        self.label.set_full_text(note or text)
        self.label.setStyleSheet(f"color: {theme.MUTED};")
        self.open_button.setEnabled(r is not None and r.exists)
        self.attach_button.setEnabled(self.assessment_id is not None)
        self.attach_button.setText("Replace report…" if r is not None else "Attach report…")

    def open_report(self) -> None:
        r = self.report
        if r is None or not r.exists:
            return
        if r.path.is_file():
            self.opener(r.path)
            return
        # A shared database's report this computer has not opened yet: brought on the worker, then opened.
        self.ctx.run(service.audit_report_copy, self.ctx.db, r.assessment_id, on_done=self.opener,
                     on_error=self._failed, label=f"Opening {r.name}…", parent=self)

    def attach(self, path: Optional[str] = None) -> None:
        if self.assessment_id is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Audit report", str(Path.home()), "PDF document (*.pdf)")
            if not path:
                return
        wanted = self.assessment_id

        def done(report: service.AuditReport) -> None:
            if wanted == self.assessment_id:
                self.report = report
                self._show()

        self.ctx.run(service.attach_audit_report, self.ctx.db, wanted, Path(path), on_done=done,
                     on_error=self._failed, label="Attaching the audit report…", parent=self)

    def _failed(self, exc: BaseException) -> None:
        from csrdesk.errors import UserError

        if isinstance(exc, UserError):
            self._show(" ".join(str(exc).split()))
            self.label.setStyleSheet(f"color: {theme.OVERDUE};")
        else:
            self.ctx.show_error(self, exc)
