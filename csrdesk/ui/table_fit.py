"""Tables without sideways scrolling, sized to their contents: a column of short values (dates, codes, statuses,
ratings) is as wide as its widest value, a column of long text (names, findings) as its widest text while there is
room, and ends in … (down to its title) when there is not; spare room goes to the long text, not to the numbers. A
table too narrow even for the titles keeps its columns and scrolls."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

LONG_TEXT_PX = 130  # a column whose texts are wider may end in … to fit the table's width
LONG_TEXT_CHARS = 24  # a column with texts longer than this (in average characters) holds names or findings
PADDING = 14  # the item margins around a cell's text, and a little air


def fit_to_width(view: QTableView) -> None:
    """Sizes the columns of `view` to their contents within its viewport (no sideways scroll bar): a column of
    short values (dates, codes, statuses, ratings, counts) as wide as its widest value or its title, a column of
    long text (names, findings) as wide as its widest text while there is room. When there is not, the long-text
    columns share what is left, each down to its title at most (its texts end in …, whole in the tooltip), the
    narrower ones whole first; when there is room to spare it goes to a stretching column, else to the first
    column of long text (the name, the finding), not to a column of short values. A column the user resized by
    hand keeps its width. A table too narrow even for the titles keeps them and scrolls."""
    header = view.horizontalHeader()
    available = view.viewport().width()
    if available <= 50 or view.model() is None or not view.isVisible():
        return
    sections = sorted((i for i in range(header.count()) if not header.isSectionHidden(i)), key=header.visualIndex)
    if not sections:
        return
    watch_user_resizes(view)
    stretched = {i for i in sections if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Stretch}
    last = sections[-1]
    floor, want = column_widths(view, sections)
    for i in stretched:
        floor[i] = max(floor[i], int(view.property("stretch_min") or 0))
    user = {i for i in getattr(view, "_user_sized", set()) if i in sections and i not in stretched}
    flexible = [i for i in sections if i not in stretched and i not in user]
    room = available - sum(header.sectionSize(i) for i in user) - sum(floor[i] for i in stretched)
    width = {i: max(want[i], floor[i]) for i in flexible}
    long = [i for i in flexible if width[i] > floor[i]]
    # A stretching column of long text (the partner's name) shares the room with the others' long texts: left
    # with what they did not take, it was squeezed to its title ("Dha…") beside a whole list of topics.
    squeezed = [i for i in stretched if want[i] > floor[i]]
    total = sum(width.values())
    if total > room and long:  # the long texts give way, the narrower ones stay whole longest
        sharing = sorted(long + squeezed, key=header.visualIndex)
        wants = {**{i: width[i] for i in long}, **{i: want[i] for i in squeezed}}
        budget = room + sum(floor[i] for i in squeezed) - sum(width[i] for i in flexible if i not in long)
        first = _first_text(view, sharing, wants)
        shares = _share(budget, {i: floor[i] for i in sharing}, wants, first)
        width.update({i: shares[i] for i in long})  # a stretching column takes what the others leave it
    elif total <= room and not stretched and flexible:
        text = [_first_text(view, long, width)] if long else [i for i in flexible if i != last and _is_text(view, i)]
        if text:  # the spare room goes to the name or the finding, not to a stretched column of numbers
            width[text[0]] += room - total
    view._fitting = True
    try:
        for i in flexible:
            if header.sectionSize(i) != width[i]:
                header.resizeSection(i, width[i])
        others = sum(header.sectionSize(i) for i in sections if i not in stretched)
        if header.stretchLastSection() and header.length() > available and last in flexible:
            # The stretching last column keeps its first width when the others leave it less: give it its share.
            header.resizeSection(last, max(floor[last], width[last] - (header.length() - available)))
        elif header.stretchLastSection() and last in stretched and header.length() > available:
            header.resizeSection(last, max(floor[last], available - others))
        view.updateGeometries()  # the sideways scroll bar goes now, not after the next layout pass
    finally:
        view._fitting = False


def _share(budget: int, floor: dict[int, int], want: dict[int, int], first: int) -> dict[int, int]:
    """Widths for the long-text columns within `budget` pixels: each as wide as the others (the `first`, the name
    or the finding, half as wide again), none narrower than its floor nor wider than its texts need."""
    def widths(level: float) -> dict[int, int]:
        return {i: int(min(want[i], max(floor[i], level * (1.5 if i == first else 1.0)))) for i in want}

    low, high = 0.0, float(max(want.values(), default=0))
    for _ in range(40):
        middle = (low + high) / 2
        if sum(widths(middle).values()) <= budget:
            low = middle
        else:
            high = middle
    return widths(low)


def _first_text(view: QTableView, long: list[int], width: dict[int, int]) -> int:
    """The column of long text that comes first for room: the first (from the left) whose texts are really long
    (a name, a finding, a reason: over LONG_TEXT_CHARS characters of the table's font), not a status or a rating
    a little wider than LONG_TEXT_PX."""
    really = view.fontMetrics().averageCharWidth() * LONG_TEXT_CHARS + PADDING
    return next((i for i in long if width[i] > really), long[0])


def _is_text(view: QTableView, column: int) -> bool:
    """Whether a column shows words (names, findings) rather than numbers, dates or nothing."""
    model = view.model()
    for row in range(min(model.rowCount(), 10)):
        value = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
        if value is not None and any(c.isalpha() for c in str(value)) and " " in str(value).strip():
            return True
    return False


class _HeaderDrag(QObject):
    """Knows whether the mouse is down on the header (the user dragging a column's edge)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.pressed = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonPress:
            self.pressed = True
        elif event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.Hide):
            self.pressed = False
        return False


def watch_user_resizes(view: QTableView) -> None:
    """Remembers (in view._user_sized) the columns the user resizes by hand on the header, so that fitting leaves
    them be."""
    if hasattr(view, "_header_drag"):
        return
    view._user_sized = getattr(view, "_user_sized", set())  # restored with the table's remembered widths
    view._fitting = False
    drag = _HeaderDrag(view)
    view.horizontalHeader().viewport().installEventFilter(drag)
    view._header_drag = drag

    def resized(section: int, _old: int, _new: int) -> None:
        if drag.pressed and not view._fitting:
            view._user_sized.add(section)

    view.horizontalHeader().sectionResized.connect(resized)


def column_widths(view: QTableView, sections: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """(floor, want) per column: how narrow it may get (see column_floors) and how wide its title and the widest
    of its first rows are."""
    widest = _widest_cells(view, sections)
    floors = column_floors(view, sections, widest)
    return floors, {i: max(floors[i], widest[i]) for i in sections}


def _widest_cells(view: QTableView, sections: list[int]) -> dict[int, int]:
    """The width the widest of the first rows of each column needs: its text in its own font (bold where it is
    bold), the item margins, a check box and an icon where it has them."""
    model = view.model()
    rows = min(model.rowCount(), 30)
    style = view.style()
    check = style.pixelMetric(style.PixelMetric.PM_IndicatorWidth, None, view) + 6
    plain = view.fontMetrics()
    widest = {}
    for i in sections:
        width = 0
        for row in range(rows):
            index = model.index(row, i)
            value = model.data(index, Qt.ItemDataRole.DisplayRole)
            font = model.data(index, Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else plain
            text = "" if value is None else str(value)
            needed = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + PADDING
            if model.data(index, Qt.ItemDataRole.CheckStateRole) is not None:
                needed += check
            if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
                needed += view.iconSize().width() + 4
            width = max(width, needed)
        widest[i] = width
    return widest


def column_floors(view: QTableView, sections: list[int], widest: dict[int, int] | None = None) -> dict[int, int]:
    """How narrow each column may get: its title, and for short values the widest of the first rows."""
    header = view.horizontalHeader()
    widest = _widest_cells(view, sections) if widest is None else widest
    floors = {}
    for i in sections:
        floor = max(title_width(header, i), header.minimumSectionSize())
        if widest[i] <= LONG_TEXT_PX:
            floor = max(floor, widest[i])
        floors[i] = max(floor, getattr(view, "column_floors", {}).get(i, 0))
    return floors


def title_width(header: QHeaderView, section: int) -> int:
    """The width a column's title needs in the header's font: with room for the sort arrow on the sorted column
    only (Qt's size hint keeps that room on every column, which made the columns of short values far too wide)."""
    if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
        return header.sectionSizeHint(section)
    model = header.model()
    title = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole) if model else ""
    margin = header.style().pixelMetric(header.style().PixelMetric.PM_HeaderMargin, None, header)
    return header.fontMetrics().horizontalAdvance(str(title or "")) + 2 * margin + 6


class _FitOnResize(QObject):
    """Fits the view when it or its viewport is resized (a vertical scroll bar coming narrows the viewport)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.schedule()
        return False

    def schedule(self, *_args) -> None:
        """Fits the view once the event loop is back (a slot of this child of the view, so a model that outlives
        the view, or one emitting while the view is being deleted, never reaches a deleted view)."""
        QTimer.singleShot(0, self, lambda: fit_to_width(self.view))


def keep_fitted(view: QTableView, stretch_min: int = 0, follow_model: bool = True) -> None:
    """For a plain QTableView: its columns fit its width whenever it is resized (see fit_to_width), and when its
    rows change if `follow_model` (else call fit_to_width once the rows are in); the stretching column keeps at
    least `stretch_min` pixels."""
    view.setProperty("stretch_min", stretch_min)
    fitter = _FitOnResize(view)
    view.installEventFilter(fitter)
    view.viewport().installEventFilter(fitter)
    view._fit_on_resize = fitter
    model = view.model()
    if model is not None and follow_model:
        for signal in (model.rowsInserted, model.modelReset, model.dataChanged):
            signal.connect(fitter.schedule)

