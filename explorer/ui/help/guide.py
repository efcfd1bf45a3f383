"""The user guide in a window of its own: the markdown chapters of ``docs/guide/``, read offline.

Help > User Guide (F1) opens it. The chapter list on the left and the links
between chapters move through the same pages; Back and Forward walk the pages
seen. Nothing is fetched from the network: a web link is named in the status
line, never followed, and the pictures are the guide's own files, scaled down
to the width of the page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from explorer.core.resources import docs_dir
from explorer.ui.common.host import MapHost

#: The guide's pages, in reading order, as (file name, title in the chapter list).
CHAPTERS = (
    ("index.md", "Contents"),
    ("getting-started.md", "Getting started in 20 minutes"),
    ("mapping-your-service.md", "Mapping your own service"),
    ("reading-the-analysis.md", "Reading the analysis"),
    ("exporting-for-a-board.md", "Exporting for a board"),
    ("comparing-and-scenarios.md", "Comparing contexts and trying changes"),
    ("mapping-as-a-team.md", "Mapping as a team"),
)
#: The key that opens the guide.
SHORTCUT = "F1"
#: Widest a picture is drawn in the guide, in pixels: a full-window screenshot stays readable beside the list.
MAX_IMAGE_WIDTH = 760


def guide_dir() -> Path:
    """The folder holding the guide's markdown pages and pictures.

    Examples
    --------
    >>> (guide_dir() / "index.md").name
    'index.md'
    """
    return docs_dir() / "guide"


class GuideBrowser(QTextBrowser):
    """A text browser that stays offline and fits the guide's pictures to the page."""

    #: A link the browser will not follow (a web address), for the status line.
    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._follow)
        self.setAccessibleName("Guide page")
        self.document().setDocumentMargin(18)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.setFont(font)

    def _follow(self, url: QUrl) -> None:
        target = self.source().resolved(url) if url.isRelative() else url
        if target.isLocalFile() and Path(target.toLocalFile()).suffix.lower() == ".md":
            self.setSource(target, QTextDocument.ResourceType.MarkdownResource)
        else:
            self.refused.emit(target.toString())

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt API
        if kind == int(QTextDocument.ResourceType.ImageResource):
            target = self.source().resolved(url) if url.isRelative() else url
            if not target.isLocalFile():
                return None  # offline: no picture from the network
            image = QImage(target.toLocalFile())
            if image.isNull():
                return None
            width = min(MAX_IMAGE_WIDTH, max(320, self.viewport().width() - 40))
            if image.width() > width:
                image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            return image
        return super().loadResource(kind, url)


class GuideWindow(QDialog):
    """The guide: the chapters on the left, the page on the right, Back and Forward above.

    Examples
    --------
    >>> window = GuideWindow()
    >>> window.show_chapter("getting-started.md")
    >>> window.current_chapter()
    'getting-started.md'
    """

    def __init__(self, parent=None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder) if folder is not None else guide_dir()
        self.setWindowTitle("Routine Explorer — User Guide")
        self.setAccessibleName("User Guide")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setModal(False)
        self.resize(1080, 760)

        self.chapters = QListWidget(self)
        self.chapters.setAccessibleName("Chapters")
        for name, title in CHAPTERS:
            item = QListWidgetItem(title, self.chapters)
            item.setData(Qt.ItemDataRole.UserRole, name)
        self.chapters.setMaximumWidth(260)
        self.chapters.setSpacing(3)
        self.chapters.currentItemChanged.connect(self._chapter_chosen)

        self.browser = GuideBrowser(self)
        self.browser.sourceChanged.connect(self._page_shown)
        self.back_button = QPushButton("Back", self)
        self.back_button.setToolTip("The page before (Alt+Left)")
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button = QPushButton("Forward", self)
        self.forward_button.setToolTip("The next page seen (Alt+Right)")
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.browser.refused.connect(
            lambda link: self.note.setText(f"Web links are not opened from the guide: {link[:200]}")
        )

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.forward_button)
        top.addWidget(self.note, 1)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.browser, 1)
        splitter = QSplitter(self)
        splitter.addWidget(self.chapters)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.show_chapter(CHAPTERS[0][0])

    def show_chapter(self, name: str) -> None:
        """Show the guide's page ``name`` (a file in the guide folder, e.g. ``"getting-started.md"``)."""
        path = self.folder / name
        if not path.is_file():
            self.browser.setPlainText(f"The user guide is not installed ({path}).")
            return
        self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)

    def current_chapter(self) -> str:
        """The file name of the page shown."""
        return Path(self.browser.source().toLocalFile()).name

    def _chapter_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole) != self.current_chapter():
            self.show_chapter(item.data(Qt.ItemDataRole.UserRole))

    def _page_shown(self, url: QUrl) -> None:
        self.note.clear()
        name = Path(url.toLocalFile()).name
        for row in range(self.chapters.count()):
            if self.chapters.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.chapters.blockSignals(True)
                self.chapters.setCurrentRow(row)
                self.chapters.blockSignals(False)
                break


class HelpFeature(QObject):
    """Help > User Guide and Help > Show the Tour.

    ``tourRequested`` is emitted when the tour is asked for; the window shows it on the start screen.
    """

    tourRequested = Signal()

    def __init__(self, host: MapHost) -> None:
        super().__init__(host.canvas_page)
        self.host = host
        self.guide: GuideWindow | None = None
        self.guide_action = host.add_action(
            "User &Guide", self.open_guide, QKeySequence(SHORTCUT), "How to map a service and read the analysis"
        )
        self.tour_action = host.add_action(
            "Show the &Tour", self.tourRequested.emit, None, "Show the first steps again on the start screen"
        )
        menu = host.menus["help"]
        first = menu.actions()[0] if menu.actions() else None
        menu.insertActions(first, [self.guide_action, self.tour_action])
        if first is not None:
            menu.insertSeparator(first)

    def open_guide(self, chapter: str | None = None) -> GuideWindow:
        """Show the guide (at ``chapter`` when given), bringing its window forward if it is open already."""
        if self.guide is None:
            self.guide = GuideWindow(self.host.canvas_page.window())
        if chapter is not None:
            self.guide.show_chapter(chapter)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()
        self.guide.browser.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.guide


def install(host: MapHost) -> HelpFeature:
    """Add Help > User Guide (F1) and Help > Show the Tour; returns the feature."""
    return HelpFeature(host)


__all__ = ["CHAPTERS", "SHORTCUT", "GuideBrowser", "GuideWindow", "HelpFeature", "guide_dir", "install"]
