"""The overview of a big map as drawn: each group of :mod:`explorer.layout.overview` one rounded shape.

A shape is filled with its members' most common kind's colour, with a thin strip along its foot
showing the other kinds' shares; its name and node count stay readable on screen at any zoom (drawn
in screen pixels), each band's biggest group's first, then the biggest groups', a name that would come
within a line of another left out. The ties between groups are lines under the shapes, wider the more
ties they stand for; a unit's shapes at other levels hang under (or over) its own shape in one column,
joined to it by a dashed line of their own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from explorer.core.presentation import level_title
from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.layout.overview import Group, Overview
from explorer.ui.common.text import safe_tooltip

__all__ = ["GroupOverviewItem"]

# Widest a label is, in screen pixels, before it is cut with "…".
_LABEL_PIXELS = 260.0
_FALLBACK = "#9aa4b0"
# Light and dark theme: (tie, unit-to-members link, outline, label plate, label ink).
_INKS = {
    False: ("#c3cad3", "#5b6573", (60, 66, 76, 170), (255, 255, 255, 215), "#1f2329"),
    True: ("#4a525c", "#aab4c0", (12, 14, 18, 200), (31, 35, 40, 215), "#e6e9ee"),
}


class GroupOverviewItem(QGraphicsItem):
    """An :class:`~explorer.layout.overview.Overview` drawn as one item: group ties, then groups, then labels.

    Parameters
    ----------
    colour_of : callable
        A kind's IRI to its ``"#RRGGBB"`` colour.
    name_of : callable, optional
        A kind's IRI to its name in words, for tooltips (default: the IRI's last part).
    dark : bool, optional
        Drawn on a dark background: ties, outlines and labels in the dark theme's shades (see :meth:`set_dark`).
    """

    def __init__(
        self,
        colour_of: Callable[[str], str],
        name_of: Callable[[str], str] | None = None,
        parent=None,
        *,
        dark: bool = False,
    ):
        super().__init__(parent)
        self._colour_of = colour_of
        self._name_of = name_of or local_name
        self.dark = bool(dark)
        self.overview = Overview()
        self._rect = QRectF()
        self._boxes = np.zeros((0, 4))
        self._fills: list = []  # (QColor, QPainterPath) per colour
        self._strips: list = []
        self._tie_paths: list = []  # (pixel width, [QLineF]), thinnest first
        self._stack_lines: list = []  # [QLineF]: each unit's own shape to its members' shapes
        self._labels: list = []  # (group index, text, text width) in the order names are placed (set_overview)
        self._in_columns: set = set()  # shapes in a unit's column (Overview.stacked): named on the shape
        #: The names the last paint drew: (index into the overview's groups, plate in the view's pixels).
        self.drawn_labels: list[tuple[int, QRectF]] = []
        #: Parts of the view an overlay hides (the minimap), in the view's pixels: no name is drawn under them.
        self.covered: list[QRectF] = []
        self._font = QFont()
        self._font.setPointSizeF(9.0)
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    # ------------------------------------------------------------------ data
    def set_dark(self, dark: bool) -> None:
        """Draw for a dark background (True) or a light one."""
        self.dark = bool(dark)
        self.update()

    def set_overview(self, overview: Overview) -> None:
        """Draw ``overview`` (replacing what was drawn)."""
        self.prepareGeometryChange()
        self.overview = overview
        groups = overview.groups
        self._boxes = np.array([g.rect for g in groups], dtype=float).reshape(len(groups), 4)
        fills: dict = {}
        strips: dict = {}
        for group in groups:
            x, y, w, h = group.rect
            radius = min(w, h) * 0.12
            fills.setdefault(self._colour(group.kind), QPainterPath()).addRoundedRect(
                QRectF(x, y, w, h), radius, radius
            )
            if len(group.kinds) > 1 and h > 0:
                # The other kinds' shares, left to right, on a strip along the foot of the shape.
                strip, left = h * 0.16, x + radius
                span = w - 2 * radius
                for kind, count in group.kinds:
                    width = span * count / group.count
                    path = strips.setdefault(self._colour(kind), QPainterPath())
                    path.addRect(QRectF(left, y + h - strip - h * 0.06, width, strip))
                    left += width
        self._fills = [(QColor(c), p) for c, p in fills.items()]
        self._strips = [(QColor(c), p) for c, p in strips.items()]
        self._stack_lines = self._stack_links(overview)
        self._in_columns = {index for pair in overview.stacked for index in pair}
        self._tie_paths = self._tie_lines(overview)
        metrics = QFontMetricsF(self._bold)
        self._labels = []

        # Each band's biggest shape is named first, the band with the fewest shapes (the fewest other chances)
        # before the others, so that no level goes unnamed beside a crowded one (185 external bodies lost their
        # name to the 100k-node map's units); then the biggest shapes.
        def biggest(i: int) -> tuple:
            return (-groups[i].count, i)

        by_size = sorted(range(len(groups)), key=biggest)
        shapes = Counter(group.level for group in groups)
        firsts: dict = {}
        for index in by_size:
            firsts.setdefault(groups[index].level, index)
        named_first = sorted(firsts.values(), key=lambda i: (shapes[groups[i].level], biggest(i)))
        # A unit's members at another level are named as the unit: their band says the level ("Ward 7 — micro"
        # inside the micro band took 40 px more, and another shape went unnamed). The tooltip keeps it.
        units = {group.key: group.label for group in groups if group.grouping == "unit"}
        for index in named_first + [i for i in by_size if i not in firsts.values()]:
            group = groups[index]
            name = units.get(group.head, group.label) if group.grouping == "members" else group.label
            text = metrics.elidedText(
                f"{one_line(name, 200)} · {group.count:,}", Qt.TextElideMode.ElideMiddle, _LABEL_PIXELS
            )
            self._labels.append((index, text, metrics.horizontalAdvance(text)))
        rect = QRectF()
        for x, y, w, h in self._boxes.tolist():
            rect = rect.united(QRectF(x, y, w, h))
        self._rect = rect.adjusted(-10, -10, 10, 10) if not rect.isNull() else QRectF()
        self.update()

    def _colour(self, kind: str) -> str:
        colour = self._colour_of(kind) if kind else _FALLBACK
        return colour if isinstance(colour, str) and QColor.isValidColorName(colour) else _FALLBACK

    def _stack_links(self, overview: Overview) -> list:
        """Lines from each unit's shape to its members' shapes at other levels."""
        lines = []
        for head, members in overview.stacked:
            (ux, uy, uw, uh), (mx, my, mw, mh) = overview.groups[head].rect, overview.groups[members].rect
            # From the edge of one facing the other: the link shows in the gap between the bands.
            start = QPointF(ux + uw / 2, uy + uh if my > uy else uy)
            lines.append(QLineF(start, QPointF(mx + mw / 2, my if my > uy else my + mh)))
        return lines

    def _tie_lines(self, overview: Overview) -> list:
        if not overview.drawn_ties:
            return []
        centres = self._boxes[:, :2] + self._boxes[:, 2:] / 2
        by_width: dict = {}
        for tie in overview.drawn_ties:
            # Wider with the log of the count, in screen pixels (0.6 px for one tie, ~5 px for 1,000).
            width = round(0.6 + 0.65 * math.log(tie.count), 1)
            # Lines, not a path: a path of crossing lines is stroked as one outline, ten times slower.
            by_width.setdefault(width, []).append(QLineF(QPointF(*centres[tie.source]), QPointF(*centres[tie.target])))
        return sorted(by_width.items())

    # ------------------------------------------------------------ questions
    def group_at(self, scene_point) -> Group | None:
        """The group whose shape holds ``scene_point`` (a QPointF in scene coordinates), or None."""
        if not len(self._boxes):
            return None
        point = self.mapFromScene(scene_point)
        x, y = point.x(), point.y()
        b = self._boxes
        inside = (b[:, 0] <= x) & (x <= b[:, 0] + b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 1] + b[:, 3])
        found = np.flatnonzero(inside)
        return self.overview.groups[int(found[0])] if len(found) else None

    def name(self, index: int) -> str:
        """The name shape ``index`` (into the overview's groups) is drawn with where there is room, with its count."""
        return next((text for i, text, _ in self._labels if i == index), "")

    def tooltip(self, group: Group) -> str:
        """What hovering ``group`` says, as escaped rich text: its name, then what it holds in plain words."""
        if group.grouping == "unit":
            what = "A unit and its members" if group.parts == 1 else f"{group.parts:,} linked units and their members"
            what += " at its level" if group.parts == 1 else " at their level"
        elif group.grouping == "members":
            whose = "a unit" if group.parts == 1 else f"{group.parts:,} linked units"
            what = f"The members at this level of {whose} (joined by a dashed line)"
        elif group.grouping == "cluster":
            what = "Nodes tied to each other, in no unit"
        else:
            what = f"{group.parts:,} smaller groups and lone nodes, together"
        kinds = ", ".join(f"{self._name_of(kind)} {count:,}" for kind, count in group.kinds[:6])
        more = f", {len(group.kinds) - 6} more kinds" if len(group.kinds) > 6 else ""
        nodes = f"{group.count:,} node" + ("" if group.count == 1 else "s")
        body = f"{what} · {level_title(group.level)} level · {nodes}: {kinds}{more}"
        return safe_tooltip(one_line(group.label, 200), body)

    # ----------------------------------------------------------------- paint
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        tie, link, edge, _, _ = _INKS[self.dark]
        for width, lines in self._tie_paths:
            pen = QPen(QColor(tie), width)  # opaque: blending 600 long lines costs five times as much
            pen.setCosmetic(True)  # pixels on screen, whatever the zoom
            painter.setPen(pen)
            painter.drawLines(lines)
        if self._stack_lines:
            pen = QPen(QColor(link), 1.6, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawLines(self._stack_lines)
        outline = QPen(QColor(*edge), 1.0)
        outline.setCosmetic(True)
        painter.setPen(outline)
        for colour, path in self._fills:
            painter.setBrush(colour)
            painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, path in self._strips:
            painter.setBrush(colour)
            painter.drawPath(path)
        self._paint_labels(painter, option, widget)
        painter.restore()

    def _paint_labels(self, painter, option, widget) -> None:
        """Names in screen pixels, in the order ``set_overview`` ranks them, each left out near one drawn before."""
        transform = painter.worldTransform()
        exposed = transform.mapRect(option.exposedRect) if option.exposedRect.isValid() else None
        shown = QRectF(widget.rect()) if widget is not None else None
        painter.resetTransform()
        painter.setFont(self._bold)
        height = QFontMetricsF(self._bold).height()
        taken: list = list(self.covered) if shown is not None else []
        self.drawn_labels = []
        _, _, _, plate, ink = _INKS[self.dark]
        plate, ink = QColor(*plate), QColor(ink)
        for index, text, width in self._labels:
            x, y, w, h = self._boxes[index]
            box = transform.mapRect(QRectF(x, y, w, h))
            if box.width() < 4 and box.height() < 4:
                continue  # a speck: its name would float over nothing
            label = QRectF(box.center().x() - width / 2 - 4, box.center().y() - height / 2 - 1, width + 8, height + 2)
            if index not in self._in_columns and box.width() < label.width() and box.height() < label.height():
                # A shape smaller than its name stood hidden under it (185 external bodies beside 100k people):
                # the name goes beside it. A unit's column keeps its names on the shapes, whose line they follow.
                label.moveLeft(box.right() + 4)
            if shown is not None:
                # Inside the view: a name cut by its edge ("Ur…") named nothing and kept a shape in full view
                # unnamed, and one off screen took room all the same (the exposed rectangle is the whole item).
                label = _inside(label, shown)
                if label is None or not label.intersects(box.adjusted(-label.width(), 0, label.width(), 0)):
                    continue
            if exposed is not None and not exposed.intersects(label):
                continue
            # A line clear above and below, a little beside: names packed edge to edge hid the shapes they
            # name (eighteen in the micro band at 1280x800, at the whole-map zoom of a 100k-node map).
            spaced = label.adjusted(-8, -height, 8, height)
            if any(spaced.intersects(other) for other in taken):
                continue
            taken.append(label)
            self.drawn_labels.append((index, label))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(plate)
            painter.drawRoundedRect(label, 4, 4)
            painter.setPen(ink)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, text)


def _inside(label: QRectF, shown: QRectF) -> QRectF | None:
    """``label`` moved the least that puts it inside ``shown``; None if it cannot fit there."""
    if label.width() > shown.width() or label.height() > shown.height():
        return None
    dx = max(shown.left() - label.left(), 0.0) + min(shown.right() - label.right(), 0.0)
    dy = max(shown.top() - label.top(), 0.0) + min(shown.bottom() - label.bottom(), 0.0)
    return label.translated(dx, dy)
