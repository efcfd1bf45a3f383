"""The start screen: what the window shows when no map is open.

The app's name and what it is for, big buttons to start a new map, open a
file or import a spreadsheet, the sample maps (each with its title and a one-line description read
from its ``void:Dataset`` node) and the maps opened recently. It only emits
signals; the main window opens files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.resources import sample_maps
from explorer.core.text import one_line
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import dim_colour
from explorer.ui.panels.tour import TourStrip, tour_done

TAGLINE = (
    "Map the people, units, routines, norms and forces of an organisation, and see where a change will meet resistance."
)
#: Widest the start screen's column grows, in logical pixels.
MAX_WIDTH = 760

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DATASET = "http://rdfs.org/ns/void#Dataset"
_TITLE = "http://purl.org/dc/terms/title"
_DESCRIPTION = "http://purl.org/dc/terms/description"
_PATH_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_SUBTITLE_ROLE = int(Qt.ItemDataRole.UserRole) + 2
_MISSING_ROLE = int(Qt.ItemDataRole.UserRole) + 3


def _pretty_stem(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.name


def describe_map(path: Path) -> tuple[str, str]:
    """The ``dct:title`` and ``dct:description`` of the ``void:Dataset`` in Turtle file ``path``.

    Stops reading once both are found; never raises: a broken or undescribed
    file gives its file name made readable and an empty description.

    Examples
    --------
    >>> describe_map(Path("/nowhere/ward-7-map.ttl"))
    ('Ward 7 map', '')
    """
    path = Path(path)
    best: dict = {}  # subject -> {"dataset": bool, "title": (rank, text), "description": (rank, text)}

    def rank(term) -> int:
        language = getattr(term, "language", None)
        return 0 if language in (None, "", "en") or str(language).startswith("en-") else 1

    try:
        for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            if predicate not in (_RDF_TYPE, _TITLE, _DESCRIPTION):
                continue
            info = best.setdefault(str(subject), {})
            if predicate == _RDF_TYPE:
                if isinstance(obj, pyoxigraph.NamedNode) and obj.value == _DATASET:
                    info["dataset"] = True
            elif isinstance(obj, pyoxigraph.Literal):
                key = "title" if predicate == _TITLE else "description"
                candidate = (rank(obj), obj.value)
                if key not in info or candidate[0] < info[key][0]:
                    info[key] = candidate
            if info.get("dataset") and info.get("title", (1,))[0] == 0 and info.get("description", (1,))[0] == 0:
                break
    except Exception:  # noqa: BLE001 - a broken sample must not break the start screen
        pass
    for info in best.values():
        if info.get("dataset") and "title" in info:
            title = one_line(info["title"][1], 120) or _pretty_stem(path)
            return title, one_line(info.get("description", (0, ""))[1], 300)
    return _pretty_stem(path), ""


def sample_catalogue() -> list[tuple[Path, str, str]]:
    """The sample maps as ``(path, title, description)``, in file-name order.

    Examples
    --------
    >>> [title for _, title, _ in sample_catalogue()][:1]
    ['Action Schools! BC']
    """
    return [(path, *describe_map(path)) for path in sample_maps()]


class _TwoLineDelegate(QStyledItemDelegate):
    """Items with a title and a dimmer second line, both drawn as plain text and elided."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.height() * 2 + 18)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        title, opt.text = opt.text, ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        subtitle = index.data(_SUBTITLE_ROLE) or ""
        enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        main = palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        second = main if selected else dim_colour(palette)
        if not enabled:
            main = dim_colour(palette)
        rect = opt.rect.adjusted(14, 8, -14, -8)
        bold = QFont(opt.font)
        bold.setWeight(QFont.Weight.DemiBold)
        line = QFontMetrics(opt.font).height()
        painter.save()
        painter.setFont(bold)
        painter.setPen(main)
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(opt.font)
        painter.setPen(second)
        mode = Qt.TextElideMode.ElideMiddle if index.data(_MISSING_ROLE) is not None else Qt.TextElideMode.ElideRight
        painter.drawText(
            QRect(rect.left(), rect.top() + line + 2, rect.width(), line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(opt.font).elidedText(subtitle, mode, rect.width()),
        )
        painter.restore()


class _MapList(QListWidget):
    """A list of maps sized to its rows (no inner scrolling); click or Enter chooses one."""

    chosen = Signal(Path)

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_TwoLineDelegate(self))
        self.setAccessibleName(name)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setUniformItemSizes(True)
        self.setMouseTracking(True)
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.itemClicked.connect(self._choose)

    def add(self, path: Path, title: str, subtitle: str, tooltip: str, *, missing: bool = False) -> QListWidgetItem:
        item = QListWidgetItem(title, self)
        item.setData(_PATH_ROLE, str(path))
        item.setData(_SUBTITLE_ROLE, subtitle)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, subtitle)
        item.setToolTip(tooltip)
        if missing:
            item.setData(_MISSING_ROLE, True)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.fit()
        return item

    def fit(self) -> None:
        rows = self.count()
        height = self.sizeHintForRow(0) * rows if rows else 0
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)

    def _choose(self, item: QListWidgetItem) -> None:
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.chosen.emit(Path(item.data(_PATH_ROLE)))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentItem() is not None:
            self._choose(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        if self.currentItem() is None or not (self.currentItem().flags() & Qt.ItemFlag.ItemIsEnabled):
            for row in range(self.count()):
                if self.item(row).flags() & Qt.ItemFlag.ItemIsEnabled:
                    self.setCurrentRow(row)
                    break


class _ElidedLabel(QLabel):
    """A one-line plain-text label that elides its text to the width it is given."""

    def __init__(self, text: str, parent=None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self._elide()

    def _elide(self) -> None:
        super().setText(
            QFontMetrics(self.font()).elidedText(self.full_text, Qt.TextElideMode.ElideRight, max(self.width(), 40))
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()


class _BigButton(QPushButton):
    """A large button with a title and a dim second line (the keyboard shortcut); Enter presses it."""

    def __init__(self, title: str, hint: str, tooltip: str, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        self.setAccessibleDescription(f"{tooltip} ({hint})" if hint else tooltip)
        self.setToolTip(f"{tooltip} ({hint})" if hint else tooltip)
        self.setMinimumSize(QSize(120, 68))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        self.title = QLabel(title, self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.hint = _ElidedLabel(hint, self)
        for label in (self.title, self.hint):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.setMinimumWidth(max(120, self.title.sizeHint().width() + 32))
        self._dim_hint()

    def _dim_hint(self) -> None:
        palette = self.hint.palette()
        # A label on a button takes its text colour from ButtonText.
        palette.setColor(QPalette.ColorRole.WindowText, dim_colour(self.palette()))
        palette.setColor(QPalette.ColorRole.ButtonText, dim_colour(self.palette()))
        self.hint.setPalette(palette)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.animateClick()
            event.accept()
            return
        super().keyPressEvent(event)


def _shortcut(key: QKeySequence.StandardKey) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class StartScreen(QWidget):
    """What the window shows with no map open: start a map, open one, or try a sample.

    Signals
    -------
    newRequested()
        "New map" was chosen.
    openRequested()
        "Open…" was chosen (the main window shows a file dialog).
    pathChosen(Path)
        A sample or a recent map was chosen.
    importRequested()
        "Import a spreadsheet…" was chosen (the main window starts a map and opens File > Import…).
    guideRequested()
        The tour's "Open the Guide" was pressed.

    Examples
    --------
    >>> screen = StartScreen()
    >>> screen.samples.count() == len(sample_catalogue())
    True
    """

    newRequested = Signal()
    openRequested = Signal()
    pathChosen = Signal(Path)
    guideRequested = Signal()
    importRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Start")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        page = QWidget()
        page.setAutoFillBackground(False)
        scroll.setWidget(page)
        scroll.viewport().setAutoFillBackground(False)
        row = QHBoxLayout(page)
        row.setContentsMargins(24, 40, 24, 40)
        column_widget = QWidget(page)
        column_widget.setMaximumWidth(MAX_WIDTH)
        column_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addStretch(1)
        row.addWidget(column_widget, 100)
        row.addStretch(1)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addStretch(1)

        self.heading = QLabel("Routine Explorer", column_widget)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setWeight(QFont.Weight.DemiBold)
        self.heading.setFont(font)
        self.heading.setAccessibleName("Routine Explorer")
        self.tagline = QLabel(TAGLINE, column_widget)
        self.tagline.setTextFormat(Qt.TextFormat.PlainText)
        self.tagline.setWordWrap(True)
        tagline_font = QFont(self.font())
        tagline_font.setPointSizeF(tagline_font.pointSizeF() * 1.1)
        self.tagline.setFont(tagline_font)
        self._dim(self.tagline)
        column.addWidget(self.heading)
        column.addSpacing(6)
        column.addWidget(self.tagline)
        column.addSpacing(20)
        # The first-run tour, until it is closed once (Help > Show the Tour brings it back).
        self.tour = TourStrip(column_widget)
        self.tour.requested.connect(self._tour_request)
        self.tour.setVisible(not tour_done())
        column.addWidget(self.tour)
        column.addSpacing(20)

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        self.new_button = _BigButton(
            "New map", _shortcut(QKeySequence.StandardKey.New), "Start an empty map", column_widget
        )
        self.open_button = _BigButton(
            "Open…",
            _shortcut(QKeySequence.StandardKey.Open),
            "Open a map file (Turtle, TriG, JSON-LD, RDF/XML …)",
            column_widget,
        )
        self.import_button = _BigButton(
            "Import a spreadsheet…",
            "CSV or Excel",
            "Start a map from a spreadsheet of people, roles and units (also GraphML, GEXF or Kumu)",
            column_widget,
        )
        catalogue = sample_catalogue()
        self._catalogue = catalogue
        featured = next(
            (entry for entry in catalogue if entry[0].stem == "keystone-michigan"), catalogue[0] if catalogue else None
        )
        self._featured = featured[0] if featured else None
        self.sample_button = _BigButton(
            "Try a sample", featured[1] if featured else "", "Open a sample map to explore", column_widget
        )
        self.sample_button.setEnabled(featured is not None)
        self.new_button.clicked.connect(self.newRequested)
        self.open_button.clicked.connect(self.openRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.sample_button.clicked.connect(self._open_featured)
        for button in (self.new_button, self.open_button, self.import_button, self.sample_button):
            buttons.addWidget(button)
        column.addLayout(buttons)

        self.recent_section, self.recent_heading, self.recent = self._section("Recent maps", column_widget)
        self.recent.chosen.connect(self.pathChosen)
        column.addWidget(self.recent_section)

        self.samples_section, self.samples_heading, self.samples = self._section("Sample maps", column_widget)
        self.samples.chosen.connect(self.pathChosen)
        for path, title, description in catalogue:
            self.samples.add(
                path, title, description or path.name, tooltip_html(title, f"{description}\n{path.name}".strip())
            )
        column.addWidget(self.samples_section)
        self.samples_section.setVisible(bool(catalogue))
        column.addStretch(2)

        self.setTabOrder(self.new_button, self.open_button)
        self.setTabOrder(self.open_button, self.import_button)
        self.setTabOrder(self.import_button, self.sample_button)
        self.setTabOrder(self.sample_button, self.recent)
        self.setTabOrder(self.recent, self.samples)
        self.set_recent([])

    def _tour_request(self, request: str) -> None:
        {"sample": self._open_featured, "new": self.newRequested.emit, "guide": self.guideRequested.emit}[request]()

    def show_tour(self) -> None:
        """Show the first-run tour again, from its first step."""
        self.tour.restart()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Escape anywhere on the start screen puts the tour away.
        if event.key() == Qt.Key.Key_Escape and self.tour.isVisible():
            self.tour.close_tour()
            event.accept()
            return
        super().keyPressEvent(event)

    def _open_featured(self) -> None:
        if self._featured is not None:
            self.pathChosen.emit(self._featured)

    def _dim(self, label: QLabel) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, dim_colour(self.palette()))
        label.setPalette(palette)

    def _section(self, text: str, parent) -> tuple[QWidget, QLabel, _MapList]:
        """A heading and a list of maps, in a widget that hides as one (spacing included)."""
        section = QWidget(parent)
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 28, 0, 0)
        layout.setSpacing(8)
        label = QLabel(text, section)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(font.pointSizeF() * 1.05)
        label.setFont(font)
        maps = _MapList(text, section)
        label.setBuddy(maps)
        layout.addWidget(label)
        layout.addWidget(maps)
        return section, label, maps

    # ------------------------------------------------------------------ API
    def set_recent(self, paths: list[Path]) -> None:
        """Show ``paths`` (most recent first) under "Recent maps"; missing files are greyed and cannot be chosen."""
        self.recent.clear()
        for path in paths:
            path = Path(path)
            try:
                missing = not path.is_file()
            except OSError:
                missing = True
            folder = str(path.parent)
            if missing:
                self.recent.add(
                    path, f"{path.name} (missing)", folder, tooltip_html(path.name, f"Not found: {path}"), missing=True
                )
            else:
                self.recent.add(path, path.name, folder, tooltip_html(path.name, str(path)))
        self.recent.fit()
        self.recent_section.setVisible(bool(paths))

    def sample_titles(self) -> list[str]:
        """Titles of the listed samples, in order."""
        return [self.samples.item(row).text() for row in range(self.samples.count())]

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._dim(self.tagline)
            for button in (self.new_button, self.open_button, self.import_button, self.sample_button):
                button._dim_hint()
