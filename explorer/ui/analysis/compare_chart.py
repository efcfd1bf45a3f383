"""The comparison's decomposition as a horizontal diverging bar chart (matplotlib in a Qt widget).

Each bar is a mechanism's (or a level's) share of the difference, B minus A, in people likely to resist:
to the right (orange) where B is the more resistant, to the left (blue) where A is; the Okabe–Ito pair
reads the same with every colour vision, and the side of the zero line says it without colour. The
shares past the first few are summed in one grey bar, so the bars still add up to the difference.

Examples
--------
>>> folded([("a", 3.0), ("b", -1.0), ("c", 0.5), ("d", 0.25)], limit=2)
[('a', 3.0), ('b', -1.0), ('2 others', 0.75)]
"""

from __future__ import annotations

import textwrap

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from explorer.analysis.compare import signed_people

#: B more resistant, A more resistant, the summed rest (Okabe–Ito orange and blue, a neutral grey).
MORE_COLOUR, LESS_COLOUR, REST_COLOUR = "#E69F00", "#0072B2", "#999999"
#: Bars drawn before the rest is summed.
BARS = 8


def folded(parts: list[tuple[str, float]], limit: int = BARS, what: str = "others") -> list[tuple[str, float]]:
    """The first ``limit`` ``(label, value)`` pairs, then the rest summed as one ("N others")."""
    if len(parts) <= limit + 1:
        return list(parts)
    rest = parts[limit:]
    return [*parts[:limit], (f"{len(rest)} {what}", sum(value for _, value in rest))]


class DifferenceChart(QWidget):
    """A horizontal diverging bar chart of signed parts; :meth:`labels` gives the bars drawn, top first."""

    def __init__(self, parent=None, *, what: str = "others") -> None:
        super().__init__(parent)
        self.what = what
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 110)
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        #: matplotlib's figure and its Qt canvas, made when the chart is first shown (see :meth:`showEvent`).
        self.figure = self.canvas = None
        self._parts: list[tuple[str, float]] = []
        self._bars: list[tuple[str, float]] = []
        self._names = ("A", "B")
        self._limit = BARS
        self._drawn = False

    def labels(self) -> list[str]:
        """The bars' labels as drawn, top first (the largest share first, the summed rest last)."""
        return [label for label, _ in self._bars]

    def values(self) -> list[float]:
        return [value for _, value in self._bars]

    def show_parts(self, parts, names: tuple[str, str] = ("A", "B")) -> None:
        """Draw ``parts`` (each with ``label`` and ``value``, largest first); empty clears."""
        drawn = (self._parts, self._names)
        self._parts = [(p.label, float(p.value)) for p in parts]
        self._names = names
        if self._drawn and (self._parts, self._names) == drawn:
            return  # as it is drawn (each map shown clears the chart: 0.1 s of matplotlib on the UI thread)
        self.redraw()

    def _bars_that_fit(self) -> int:
        # Two lines of label a bar, and room for the axis: a low panel shows fewer bars, the rest summed.
        line = self.fontMetrics().lineSpacing()
        return max(3, min(BARS, (self.height() - 3 * line) // (2 * line + 6)))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.canvas is None:
            # Made here, not with the window: importing matplotlib and making two figures took 0.4-0.5 s
            # of every start, and only a comparison shows them.
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure

            self.figure = Figure(layout="constrained")
            self.canvas = FigureCanvasQTAgg(self.figure)
            self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            self.layout().addWidget(self.canvas)
            self.redraw()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._parts and self._bars_that_fit() != self._limit:
            self.redraw()

    def redraw(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText).name()
        background = palette.color(QPalette.ColorRole.Base).name()
        dim = palette.color(QPalette.ColorRole.PlaceholderText).name()
        self._limit = self._bars_that_fit()
        self._bars = folded(self._parts, self._limit, what=self.what)
        self._drawn = True
        if self.figure is None:
            return  # drawn when first shown
        self.figure.clear()
        self.figure.set_facecolor(background)
        axes = self.figure.add_subplot()
        axes.set_facecolor(background)
        font = self.font().pointSizeF() or 9.0
        if not self._bars:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "No difference to show.", ha="center", va="center", color=dim, fontsize=font)
            self.canvas.draw_idle()
            return
        labels = ["\n".join(textwrap.wrap(label, 30, max_lines=2, placeholder="…")) for label, _ in self._bars]
        values = [value for _, value in self._bars]
        last_is_rest = len(self._bars) < len(self._parts)
        colours = [MORE_COLOUR if v > 0 else LESS_COLOUR for v in values]
        if last_is_rest:
            colours[-1] = REST_COLOUR
        rows = range(len(values))
        axes.barh(rows, values, color=colours, height=0.7)
        axes.set_yticks(list(rows), labels, fontsize=font * 0.95, color=text)
        axes.invert_yaxis()
        axes.axvline(0, color=text, linewidth=0.8)
        span = max(abs(v) for v in values) or 1.0
        # Room beyond each bar for its number; no empty half when every part has one sign.
        axes.set_xlim(min(min(values) - span * 0.35, -span * 0.08), max(max(values) + span * 0.35, span * 0.08))
        for row, value in zip(rows, values):
            axes.text(
                value + (span * 0.03 if value >= 0 else -span * 0.03),
                row,
                signed_people(value),
                va="center",
                ha="left" if value >= 0 else "right",
                fontsize=font * 0.9,
                color=text,
            )
        # The sides by letter (the panel's title names them): whole names would not fit a narrow chart.
        axes.set_xlabel("people likely to resist, B − A", fontsize=font * 0.9, color=dim)
        for x, words, align in ((0.0, "← more in A", "left"), (1.0, "more in B →", "right")):
            axes.text(x, 1.0, words, transform=axes.transAxes, ha=align, va="bottom", fontsize=font * 0.85, color=dim)
        axes.tick_params(axis="x", labelsize=font * 0.85, colors=dim)
        axes.tick_params(axis="y", length=0)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(dim)
        self.canvas.draw_idle()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        from explorer.ui.common.theme import RESTYLE_EVENTS

        if event.type() in RESTYLE_EVENTS and self.figure is not None:
            self.redraw()


__all__ = ["BARS", "LESS_COLOUR", "MORE_COLOUR", "DifferenceChart", "folded"]
