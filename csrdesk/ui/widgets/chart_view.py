"""Charts in the window: a matplotlib Figure at a readable size, and for every chart (matplotlib or painted) a context
menu that copies it or saves it as PNG or SVG. matplotlib is imported only when a figure is first shown.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QSizePolicy, QVBoxLayout, QWidget

from csrdesk.ui.widgets.shortcuts import shortcut

MIN_CHART_HEIGHT = 240  # px: below this the axes of a titled chart collapse (matplotlib warns and draws a strip)


def save_widget_image(widget: QWidget, path: Path) -> Path:
    """A painted widget (a bar list) as PNG or SVG, by the file's extension."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(widget.size())
        gen.setViewBox(QRect(QPoint(0, 0), widget.size()))
        gen.setTitle(widget.objectName() or "csrdesk chart")
        painter = QPainter(gen)
        widget.render(painter, QPoint(0, 0))
        painter.end()
    else:
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
    return path


def save_figure_image(figure, path: Path) -> Path:
    """A matplotlib Figure as PNG or SVG, by the file's extension."""
    path = Path(path)
    figure.savefig(str(path), format="svg" if path.suffix.lower() == ".svg" else "png", dpi=150)
    return path


def add_image_menu(widget: QWidget, save: Callable[[Path], Path], copy: Callable[[], None],
                   name: Callable[[], str] = lambda: "chart") -> None:
    """Right-click on widget (or the Menu key while it has the focus): Copy chart, Save as PNG…, Save as SVG…;
    Ctrl+C copies it."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def ask_and_save(suffix: str) -> None:
        start = str(Path.home() / f"{name()}{suffix}")
        kind = "PNG image (*.png)" if suffix == ".png" else "SVG drawing (*.svg)"
        path, _ = QFileDialog.getSaveFileName(widget, "Save chart", start, kind)
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        try:
            save(Path(path))
        except OSError as exc:
            QMessageBox.warning(widget, "Save chart", f"The chart could not be saved: {exc}")

    def show_menu(pos) -> None:
        menu = QMenu(widget)
        copy_action = QAction("Copy chart", menu)
        copy_action.triggered.connect(lambda: copy())
        png = QAction("Save as PNG…", menu)
        png.triggered.connect(lambda: ask_and_save(".png"))
        svg = QAction("Save as SVG…", menu)
        svg.triggered.connect(lambda: ask_and_save(".svg"))
        for action in (copy_action, png, svg):
            menu.addAction(action)
        menu.exec(widget.mapToGlobal(pos))

    widget.customContextMenuRequested.connect(show_menu)  # the Menu key and Shift+F10 open it too, once focused
    shortcut(QKeySequence.StandardKey.Copy, widget, copy, Qt.ShortcutContext.WidgetShortcut)  # Ctrl+C on the chart


def add_widget_image_menu(widget: QWidget, name: str) -> None:
    """The image menu of a painted widget (the dashboard's bars)."""
    add_image_menu(widget, lambda path: save_widget_image(widget, path),
                   lambda: QGuiApplication.clipboard().setPixmap(widget.grab()), lambda: name)


class ChartView(QWidget):
    """A matplotlib Figure in the window, never shorter than MIN_CHART_HEIGHT; a click on a bar emits its index
    (the bars carry it as their gid), the context menu copies or saves the chart."""

    bar_clicked = Signal(int)

    def __init__(self, name: str = "chart", min_height: int = MIN_CHART_HEIGHT,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.name = name
        self.figure = None
        self.canvas = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        add_image_menu(self, self.save_image, self.copy_image, lambda: self.name)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(640, max(self.minimumHeight(), 300))

    def set_figure(self, figure) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setMinimumHeight(self.minimumHeight())
        # The canvas takes right clicks itself: hand them to this widget's menu.
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(
            lambda pos: self.customContextMenuRequested.emit(self.canvas.mapTo(self, pos)))
        self.canvas.mpl_connect("button_press_event", self._pressed)
        self._layout.addWidget(self.canvas)
        self.canvas.draw_idle()

    def _pressed(self, event) -> None:
        if event.button != 1 or event.inaxes is None:
            return
        for patch in event.inaxes.patches:
            gid = patch.get_gid()
            if gid is not None and patch.contains(event)[0]:
                self.bar_clicked.emit(int(gid))
                return

    def save_image(self, path: Path) -> Path:
        if self.figure is None:
            raise OSError("there is no chart to save yet")
        return save_figure_image(self.figure, path)

    def copy_image(self) -> None:
        if self.canvas is not None:
            QGuiApplication.clipboard().setPixmap(self.canvas.grab())
