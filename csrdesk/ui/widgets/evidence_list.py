"""The evidence files of a CAP item: attach (button or drop), open with the system viewer, missing files marked."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from csrdesk.services.caps import EvidenceInfo

INFO_ROLE = Qt.ItemDataRole.UserRole + 1


def open_file(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


class EvidenceList(QWidget):
    """Lists evidence files. `attach_requested(paths)` asks the page to copy files in. A file on this computer opens
    here; one a shared database holds and this computer has not opened yet is asked for by `fetch_requested(info)`
    (the page brings it on the database worker, then calls `open_path`)."""

    attach_requested = Signal(list)
    fetch_requested = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.opener = open_file  # tests replace it
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        self.list.setMinimumHeight(60)
        self.list.setToolTip("Double-click a file to open it; drop files here to attach them.")
        self.list.itemActivated.connect(self._open_item)
        self.empty = QLabel("No evidence files yet. Drop files here or use Attach.", self)
        self.empty.setStyleSheet("color: #757575;")
        buttons = QHBoxLayout()
        self.attach_button = QPushButton("Attach files…", self)
        self.open_button = QPushButton("Open", self)
        self.attach_button.clicked.connect(self._choose_files)
        self.open_button.clicked.connect(self._open_selected)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.set_files(())

    def set_files(self, files: Iterable[EvidenceInfo]) -> None:
        self.list.clear()
        files = list(files)
        for e in files:
            label = f"{e.original_name}  ({human_size(e.size)})"
            if e.note:
                label += f" — {e.note}"
            if not e.exists:
                label += "  [missing from the data folder]"
            item = QListWidgetItem(label)
            item.setData(INFO_ROLE, e)
            item.setToolTip(str(e.path) if e.path.exists() else f"{e.original_name}: double-click to open")
            if not e.exists:
                item.setForeground(QBrush(QColor("#c62828")))
            self.list.addItem(item)
        self.list.setVisible(bool(files))
        self.empty.setVisible(not files)
        self.open_button.setEnabled(bool(files))

    def files(self) -> list[EvidenceInfo]:
        return [self.list.item(i).data(INFO_ROLE) for i in range(self.list.count())]

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Attach evidence files")
        if names:
            self.attach_requested.emit([Path(n) for n in names])

    def _open_selected(self) -> None:
        item = self.list.currentItem() or (self.list.item(0) if self.list.count() == 1 else None)
        if item is not None:
            self._open_item(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        info: EvidenceInfo = item.data(INFO_ROLE)
        if not info.exists:
            return
        if info.path.is_file():
            self.opener(info.path)
        else:
            self.fetch_requested.emit(info)

    def open_path(self, path: Path) -> None:
        self.opener(Path(path))

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and self.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        paths = [p for p in paths if p.is_file()]
        if paths:
            self.attach_requested.emit(paths)
            event.acceptProposedAction()
