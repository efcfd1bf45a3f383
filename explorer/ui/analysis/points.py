"""The table of points of resistance and its delegates.

The delegates draw the forces bar, the likelihood and its interval, the heat scale and the levers.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPalette
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from explorer.core.presentation import DRIVING_COLOUR, HEAT_LEGEND, LEVELS, RESTRAINING_COLOUR, heat_colour
from explorer.core.terms import local_name
from explorer.core.text import one_line
from explorer.io.change_text import (
    ROLE_NOTES,
    interval,
    kind_text,
    lever_effect,
    percent,
    plain_missing,
    rank_range,
)

# ----------------------------------------------------------------------------- the ranked table
#: The role the sort proxy sorts by (numbers where the column shows numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class PointsModel(QAbstractTableModel):
    """The points of likely resistance, in rank order; ``Qt.UserRole`` gives the Point, :data:`SORT_ROLE` a sort key.

    Columns: rank, label, likelihood, its interval, the force field, rank
    range, share of runs in the top k, confidence, kind (with the role) and
    level. The label comes second so that a narrow panel still shows what
    matters; every column sorts.
    """

    COLUMNS = ("#", "Label", "Likely", "Interval", "Forces", "Ranks", "Top k", "Conf.", "Kind", "Level")
    WIDTHS = (30, 170, 52, 66, 58, 48, 48, 46, 120, 50)
    RANK, LABEL, LIKELY, INTERVAL, FORCES, RANKS, TOP_K, CONFIDENCE, KIND, LEVEL = range(10)
    NUMERIC = (RANK, LIKELY, INTERVAL, RANKS, TOP_K, CONFIDENCE)
    TIPS = (
        "Rank: most likely resistance first",
        "The role, unit, routine or norm",
        "Likelihood of resistance (0–100 %); for a unit or group, the share of all its people, its members included",
        "The likelihood's interval over the uncertainty runs (weights and the map's inputs varied)",
        "Restraining forces (red, right of the line) against driving forces (blue, left), to the table's scale",
        "The ranks it takes across the uncertainty runs",
        "Share of the uncertainty runs in which it is among the top k",
        (
            "Confidence: 100 % minus the width of its likelihood interval "
            "(lower when the map lacks an input; see the tooltip)"
        ),
        "Kind of node, from the ontology; “(its members)”: the unit or group reads as all its people, members included",
        "Micro (people and small groups), meso (units, routines, norms) or macro (society)",
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.points: tuple = ()
        self.kind_labels: dict = {}
        self.top_k = 10
        self.scale = 1.0

    def set_points(self, points, kind_labels: dict, top_k: int = 10) -> None:
        self.beginResetModel()
        self.points = tuple(points)
        self.kind_labels = dict(kind_labels)
        self.top_k = top_k
        self.scale = max((max(p.restraining, p.driving) for p in self.points), default=0.0) or 1.0
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.points)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.TIPS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def kind_label(self, point) -> str:
        return kind_text(self.kind_labels.get(point.kind) or local_name(point.kind), point.role)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.points):
            return None
        row = index.row()
        point = self.points[row]
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return point
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, point, column)
        if role == SORT_ROLE:
            return self._sort_key(row, point, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(point, column)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.FORCES:
            return f"restraining {point.restraining:.2f}, driving {point.driving:.2f}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.CONFIDENCE and point.missing:
            return QColor("#b7791f")
        return None

    def _display(self, row: int, point, column: int):
        if column == self.RANK:
            return str(row + 1)
        if column == self.LABEL:
            return one_line(point.label)
        if column == self.LIKELY:
            return percent(point.likelihood)
        if column == self.INTERVAL:
            return interval(point.likelihood_low, point.likelihood_high) or "–"
        if column == self.RANKS:
            return rank_range(point.rank_low, point.rank_high)
        if column == self.TOP_K:
            return percent(point.stability)
        if column == self.CONFIDENCE:
            return percent(point.confidence)
        if column == self.KIND:
            return self.kind_label(point)
        if column == self.LEVEL:
            return LEVELS.get(point.level, str(point.level))
        return None

    def _sort_key(self, row: int, point, column: int):
        missing = -1.0  # no runs: such values sort below every measured one
        keys = {
            self.RANK: row,
            self.LABEL: one_line(point.label).casefold(),
            self.LIKELY: point.likelihood,
            self.INTERVAL: missing if point.likelihood_low is None else point.likelihood_low,
            self.FORCES: point.score,
            self.RANKS: row if point.rank_low is None else point.rank_low + point.rank_high / 1000,
            self.TOP_K: missing if point.stability is None else point.stability,
            self.CONFIDENCE: missing if point.confidence is None else point.confidence,
            self.KIND: self.kind_label(point).casefold(),
            self.LEVEL: point.level,
        }
        return keys.get(column)

    def _tooltip(self, point, column: int):
        if column == self.LABEL:
            return (
                f"{one_line(point.label)}\n{self.kind_label(point)} · "
                f"{LEVELS.get(point.level, '')}: {ROLE_NOTES.get(point.role, '')}"
            )
        if column in (self.LIKELY, self.INTERVAL):
            span = interval(point.likelihood_low, point.likelihood_high)
            return (
                f"Likelihood of resistance {percent(point.likelihood, digits=1)}"
                + (f"; {span} across the uncertainty runs" if span else "; no uncertainty runs, no interval")
                + f" ({ROLE_NOTES.get(point.role, '')})"
            )
        if column == self.FORCES:
            return (
                f"Restraining {point.restraining:.2f} − driving {point.driving:.2f} "
                f"= resistance score {point.score:.2f} "
                f"(likelihood 1 − e^−score = {percent(point.likelihood)})"
            )
        if column == self.RANKS:
            return (
                "No uncertainty runs"
                if point.rank_low is None
                else f"Ranked {rank_range(point.rank_low, point.rank_high)} across the uncertainty runs"
            )
        if column == self.TOP_K:
            return (
                "No uncertainty runs"
                if point.stability is None
                else f"Among the top {self.top_k} in {percent(point.stability)} of the uncertainty runs"
            )
        if column == self.CONFIDENCE:
            if point.confidence is None:
                return "No uncertainty runs: no confidence measured"
            text = f"Confidence {percent(point.confidence)}: 100 % minus the width of its likelihood interval."
            if point.missing:
                text += "\nNot given on the map (taken as neutral): " + ", ".join(
                    plain_missing(m) for m in point.missing
                )
            return text
        if column == self.KIND:
            return f"{self.kind_label(point)}: {ROLE_NOTES.get(point.role, '')}"
        return None


class PointsProxy(QSortFilterProxyModel):
    """Sorts the points by :data:`SORT_ROLE`; text columns by text, the rest by number."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left, right) -> bool:  # noqa: N802 - Qt API
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return b is not None
        return a < b


class ForcesDelegate(QStyledItemDelegate):
    """Paints restraining (red, to the right) against driving (blue, to the left) forces around a centre line."""

    def paint(self, painter: QPainter, option, index) -> None:
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        point = index.data(Qt.ItemDataRole.UserRole)
        if point is None:
            return
        model = index.model()
        source = model.sourceModel() if hasattr(model, "sourceModel") else model
        scale = getattr(source, "scale", 1.0) or 1.0
        rect = QRectF(option.rect).adjusted(5, 0, -5, 0)
        half = rect.width() / 2
        centre = rect.left() + half
        height = min(10.0, rect.height() - 8)
        top = rect.center().y() - height / 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        track = option.palette.color(QPalette.ColorRole.Mid)
        track.setAlphaF(0.35)
        painter.setBrush(track)
        painter.drawRoundedRect(QRectF(rect.left(), top, rect.width(), height), 3, 3)
        driving = half * min(1.0, point.driving / scale)
        restraining = half * min(1.0, point.restraining / scale)
        painter.setBrush(QColor(DRIVING_COLOUR))
        painter.drawRoundedRect(QRectF(centre - driving, top, driving, height), 2, 2)
        painter.setBrush(QColor(RESTRAINING_COLOUR))
        painter.drawRoundedRect(QRectF(centre, top, restraining, height), 2, 2)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawLine(int(centre), int(top - 2), int(centre), int(top + height + 2))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        return QSize(58, 22)


class LikelihoodDelegate(QStyledItemDelegate):
    """The likelihood as text, over a thin 0–100 % track filled in the heat colour, its interval drawn darker."""

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        point = index.data(Qt.ItemDataRole.UserRole)
        if point is None:
            return
        rect = QRectF(option.rect).adjusted(4, 0, -4, 0)
        track = QRectF(rect.left(), rect.bottom() - 4, rect.width(), 2.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        base = option.palette.color(QPalette.ColorRole.Mid)
        base.setAlphaF(0.3)
        painter.setBrush(base)
        painter.drawRect(track)
        fill = QColor(heat_colour(1.0))
        fill.setAlphaF(0.85)
        painter.setBrush(fill)
        painter.drawRect(
            QRectF(track.left(), track.top(), track.width() * max(0.0, min(1.0, point.likelihood)), track.height())
        )
        painter.restore()


class HeatScale(QWidget):
    """The heat legend: a ramp from a faint to a full halo, "0" to "100 %", and what it shows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"Heat legend: {HEAT_LEGEND}; nodes that are not ranked are dimmed")
        self.setToolTip(
            f"Heat: {HEAT_LEGEND}, on a fixed scale (the same colour means the same likelihood on every "
            "map); nodes the analysis does not rank are dimmed."
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        metrics = self.fontMetrics()
        return QSize(200, metrics.height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(120, self.fontMetrics().height() + 2)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        from explorer.core.presentation import HEAT_ALPHA

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        height = self.height()
        ramp = QRectF(0, height / 2 - 5, 80, 10)
        gradient = QLinearGradient(ramp.topLeft(), ramp.topRight())
        faint, strong = QColor(heat_colour(1.0)), QColor(heat_colour(1.0))
        faint.setAlphaF(HEAT_ALPHA[0])
        strong.setAlphaF(HEAT_ALPHA[1])
        gradient.setColorAt(0, faint)
        gradient.setColorAt(1, strong)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawRoundedRect(ramp, 3, 3)
        x = ramp.right() + 8
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        text = f"Heat: {HEAT_LEGEND}"
        painter.drawText(
            QRectF(x, 0, self.width() - x, height),
            Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.width() - x),
        )
        painter.end()


class LeverDelegate(QStyledItemDelegate):
    """A lever as its effect (bold, in people likely to resist) over its text, wrapped to the list's width."""

    PAD = 6

    def _texts(self, index):
        lever = index.data(Qt.ItemDataRole.UserRole)
        if lever is None:
            return None, index.data(Qt.ItemDataRole.DisplayRole) or ""
        return lever_effect(lever), one_line(lever.text)

    def _fonts(self, option):
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt API
        effect, text = self._texts(index)
        width = max(
            120, (option.rect.width() or (option.widget.viewport().width() if option.widget else 300)) - 2 * self.PAD
        )
        bold, plain = self._fonts(option)
        height = self.PAD * 2
        if effect is not None:
            height += QFontMetricsF(bold).height() + 1
        height += (
            QFontMetricsF(plain).boundingRect(QRectF(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text).height()
        )
        return QSize(width, int(height) + 1)

    def paint(self, painter: QPainter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        effect, text = self._texts(index)
        bold, plain = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        ink = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = QRectF(option.rect).adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        if effect is not None:
            lever = index.data(Qt.ItemDataRole.UserRole)
            painter.setFont(bold)
            painter.setPen(ink if selected else QColor(DRIVING_COLOUR if lever.effect > 0 else ink))
            line = QFontMetricsF(bold).height()
            painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, effect)
            rect.setTop(rect.top() + line + 1)
        painter.setFont(plain)
        painter.setPen(ink)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), text)
        painter.restore()
