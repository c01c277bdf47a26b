"""The first start: an empty workspace shows a short start instead of a dashboard of zeros: your details, your
supplier list, or demo data to look around."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from csrdesk.ui.widgets.buttons import primary_button


class FirstStartPanel(QFrame):
    """Three ways to begin; the window connects them (settings, supplier import, demo data)."""

    details_requested = Signal()
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Welcome to csrdesk")
        title.setObjectName("sectionTitle")
        text = QLabel("The workspace is empty. Start with your details and your suppliers, or load demo data to "
                      "look around first (better in a separate workspace: File > New database). F1 opens the guide.")
        text.setWordWrap(True)
        row = QHBoxLayout()
        self.details_button = primary_button("Your name, company and signature…")
        self.import_button = QPushButton("Import your supplier list…")
        self.demo_button = QPushButton("Load demo data to look around")
        self.demo_button.setToolTip("Forty invented suppliers with three years of assessments, CAPs, vetting "
                                    "screens and complaints")
        for b in (self.details_button, self.import_button, self.demo_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(row)
        self.details_button.clicked.connect(lambda: self.details_requested.emit())
        self.import_button.clicked.connect(lambda: self.import_requested.emit())
        self.demo_button.clicked.connect(lambda: self.demo_requested.emit())
