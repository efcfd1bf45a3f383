"""The legend: a small translucent panel over the canvas saying what the shapes, colours and lines mean.

It lists only what is on the map: each node kind present (shape and colour,
label, count) and each tie family present ("belongs to", "violates a norm"…:
a short line in the family's colour, line style and width, its name, count,
and the relations it stands for in its tooltip). Ties of no family share one
grey "other relation" entry. The entries are those of every legend
(:func:`explorer.core.presentation.legend_entries`); this module only draws them.

Listing them reads every node and tie (a third of a second on a 10k-node map),
so after an edit the legend is given what changed and lists the map again only
when a node or tie came or went or changed its kind or relation: a rename, a
new value or a move leaves it as it is.
"""

from __future__ import annotations

from collections import Counter
from operator import attrgetter

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from explorer.core.presentation import PLAIN_TIE_DARK_COLOUR, LegendCounts, count_legend, legend_entries, tie_way
from explorer.ui.common.host import OpenMap
from explorer.ui.common.shapes import ICON_SIZE, line_pixmap, shape_pixmap
from explorer.ui.common.text import tooltip_html
from explorer.ui.common.theme import RESTYLE_EVENTS, dim_colour

#: Widest the legend grows, in logical pixels.
MAX_WIDTH = 240


def _recount(counts: Counter, known: dict, key, new, missing) -> bool:
    """Move ``key`` from the count of what ``known`` says it was to the count of ``new``; whether it changed."""
    old = known.get(key, missing)
    if new == old:
        return False
    if old is not missing:
        counts[old] -= 1
    if new is missing:
        del known[key]
    else:
        counts[new] += 1
        known[key] = new
    return True


class Legend(QFrame):
    """What the node shapes and tie lines on the map mean, as a compact overlay panel.

    Examples
    --------
    >>> legend = Legend()
    >>> legend.show_map(None)
    >>> legend.entries()
    []
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(False)
        self.setMaximumWidth(MAX_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.setAccessibleName("Legend")
        self._entries: list = []  # (section, label, count)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 10, 12, 10)
        self._layout.setSpacing(6)
        self.title = QLabel("Legend", self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setBold(True)
        self.title.setFont(font)
        self._layout.addWidget(self.title)
        self._body: QWidget | None = None
        self._source = (None, None)
        # What the entries were read from, to tell whether a change could alter them:
        # each node's kind, and each tie's (relation, whether qualified, relation label).
        self._kinds: dict = {}
        self._relations: dict = {}
        self._restyling = False
        self.show_map(None)

    # ------------------------------------------------------------------ API
    def entries(self) -> list[tuple[str, str, int]]:
        """What the legend lists: ``(section, label, count)`` with section ``"node"`` or ``"tie"``."""
        return list(self._entries)

    def show_map(self, opened: OpenMap | None, *, nodes=None, ties=None) -> None:
        """List the node kinds and tie styles present in the open map (None: an empty legend).

        ``nodes`` and ``ties`` are the keys of the nodes and ties changed since the
        legend last showed this map: given both, it lists the map again only if one
        of them could change what it lists.
        """
        projection, schema = (opened.projection, opened.schema) if opened is not None else (None, None)
        if (
            nodes is not None
            and ties is not None
            and projection is not None
            and projection is self._source[0]
            and schema is self._source[1]
        ):
            if self._count(nodes, ties):
                self._fill(projection, schema, (self._kinds, self._relations, self._counts, None))
            return
        read = opened.prepared.pop("legend", None) if opened is not None and nodes is None else None
        self._fill(projection, schema, read)

    def _count(self, nodes, ties) -> bool:
        """Count these changed nodes and ties again (came, went, or changed kind or relation); whether any did."""
        projection, counts = self._source[0], self._counts
        now_nodes, now_ties, missing = projection.nodes, projection.ties, object()
        changed = False
        for iri in nodes:
            view = now_nodes.get(iri)
            changed |= _recount(counts.kinds, self._kinds, iri, view.kind if view is not None else missing, missing)
        for key in ties:
            tie = now_ties.get(key)
            way = tie_way(tie) if tie is not None else missing
            if _recount(counts.ways, self._relations, key, way, missing):
                changed = True
                if tie is not None:
                    counts.samples[way] = tie
        return changed

    def _fill(self, projection, schema, read: tuple | None = None) -> None:
        """List the node kinds and tie styles present in ``projection`` (kinds from ``schema``).

        ``read``: what :func:`read_legend` read, when a worker read it already."""
        self._source = (projection, schema)
        self._entries = []
        nodes, ties = [], []
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        self._kinds, self._relations, self._counts, listed = read or read_legend(projection, schema)
        if listed is None:  # counted by difference (see show_map): listed again from the counts
            listed = legend_entries(projection, schema, counts=self._counts)
        if projection is not None and schema is not None:
            dpr = self.devicePixelRatioF()
            for entry in listed:
                if entry.section == "node":
                    pixmap = shape_pixmap(entry.shape, entry.colour, ICON_SIZE, dpr)
                    nodes.append((pixmap, entry.label, entry.count, entry.comment))
                else:
                    # The plain ties' entry (no kind) follows the theme, as the canvas draws them.
                    colour = PLAIN_TIE_DARK_COLOUR if dark and not entry.kind else entry.colour
                    pixmap = line_pixmap(colour, entry.line_style, ICON_SIZE, dpr, entry.line_width or 1.8)
                    ties.append((pixmap, entry.label, entry.count, entry.comment))
        self._entries = [("node", e[1], e[2]) for e in nodes] + [("tie", e[1], e[2]) for e in ties]
        self._rebuild(nodes, ties, projection is not None)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        return QSize(min(hint.width(), MAX_WIDTH), hint.height())

    # --------------------------------------------------------------- layout
    def _rebuild(self, nodes: list, ties: list, has_map: bool) -> None:
        if self._body is not None:
            self._layout.removeWidget(self._body)
            self._body.hide()
            self._body.setParent(None)
            self._body.deleteLater()
        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        metrics = QFontMetrics(self.font())
        count_width = metrics.horizontalAdvance("00,000")
        text_width = MAX_WIDTH - 24 - ICON_SIZE.width() - count_width - 16
        dim = dim_colour(self.palette())
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        row = 0

        def caption(text: str) -> None:
            nonlocal row
            label = QLabel(text, body)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setFont(small)
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, dim)
            label.setPalette(palette)
            grid.addWidget(label, row, 0, 1, 3)
            if row:
                grid.setRowMinimumHeight(row, metrics.height() + 6)
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            row += 1

        def entry(pixmap, text: str, count: int, comment: str) -> None:
            nonlocal row
            icon = QLabel(body)
            icon.setPixmap(pixmap)
            icon.setFixedSize(ICON_SIZE)
            name = QLabel(metrics.elidedText(text, Qt.TextElideMode.ElideRight, text_width), body)
            name.setTextFormat(Qt.TextFormat.PlainText)
            number = QLabel(f"{count:,}", body)
            number.setTextFormat(Qt.TextFormat.PlainText)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            palette = number.palette()
            palette.setColor(QPalette.ColorRole.WindowText, dim)
            number.setPalette(palette)
            tip = tooltip_html(text, comment)
            for widget in (icon, name, number):
                widget.setToolTip(tip)
            name.setAccessibleName(f"{text}: {count:,}")
            grid.addWidget(icon, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(number, row, 2)
            row += 1

        if nodes:
            caption("Nodes")
            for e in nodes:
                entry(*e)
        if ties:
            caption("Ties")
            for e in ties:
                entry(*e)
        if not nodes and not ties:
            empty = QLabel("Nothing on the map yet." if has_map else "No map open", body)
            empty.setTextFormat(Qt.TextFormat.PlainText)
            palette = empty.palette()
            palette.setColor(QPalette.ColorRole.WindowText, dim)
            empty.setPalette(palette)
            grid.addWidget(empty, 0, 0, 1, 3)
        self._body = body
        self._layout.addWidget(body)
        body.show()  # a layout shows new children only later (queued): show now, so adjustSize counts it
        summary = "; ".join(f"{label} {count}" for _, label, count in self._entries)
        self.setAccessibleDescription(summary or "Nothing on the map yet.")
        self.adjustSize()

    # ---------------------------------------------------------------- paint
    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in RESTYLE_EVENTS and not self._restyling:
            self._restyling = True
            try:
                self._fill(*self._source)  # line colours and icons follow the palette and pixel ratio
            finally:
                self._restyling = False

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = QColor(self.palette().color(QPalette.ColorRole.Base))
        base.setAlphaF(0.92)
        border = QColor(self.palette().color(QPalette.ColorRole.Text))
        border.setAlphaF(0.16)
        painter.setPen(QPen(border, 1))
        painter.setBrush(base)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()


def read_legend(projection, schema) -> tuple:
    """What the legend lists, read from ``projection``: Qt-free, so a big map's load reads it in its worker.

    Returns ``(kinds, relations, counts, entries)``: each node's kind and each tie's way (to count an edit's
    changes by difference), the :class:`~explorer.core.presentation.LegendCounts` and
    :func:`~explorer.core.presentation.legend_entries`.

    Examples
    --------
    >>> read_legend(None, None)[3]
    []
    """
    if projection is None:
        return {}, {}, LegendCounts(Counter(), Counter(), {}), []
    # Built by zip and map in C: dict comprehensions over 369k ties took half a second.
    kinds = dict(zip(projection.nodes.keys(), map(attrgetter("kind"), projection.nodes.values())))
    relations = dict(zip(projection.ties.keys(), map(tie_way, projection.ties.values())))
    counts = count_legend(kinds.values(), list(relations.values()), list(projection.ties.values()))
    return kinds, relations, counts, (legend_entries(projection, schema, counts=counts) if schema is not None else [])
