"""The first-run tour: a short strip of steps at the top of the start screen.

It shows on the first start (until closed, a setting remembers it is done) and
again from Help > Show the Tour. Each step says one thing to try and offers a
button that does it; Back and Next (or the Left and Right keys) move between
steps, and Close or Escape puts it away for good.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from explorer.ui.common.settings import settings

#: The setting that says the tour was closed, so it is not shown again on start.
DONE_KEY = "tour/done"


@dataclass(frozen=True)
class Step:
    """One step of the tour: its title, what to do, its button's text and the request the button makes."""

    title: str
    text: str
    button: str
    request: str


STEPS = (
    Step(
        "Open a sample",
        "The Keystone ICU sample is a real case: Michigan intensive care units taking up a checklist against "
        "line infections. Open it and look at its people, units, routines and norms on three levels.",
        "Open the Sample",
        "sample",
    ),
    Step(
        "Try the analysis",
        "With a map open, press Ctrl+R (Analysis > Analyse Change). The panel says how many of the people the "
        "change reaches are likely to resist, and why.",
        "Open the Sample",
        "sample",
    ),
    Step(
        "Start your own map",
        "Start an empty map, drag kinds from the palette onto the bands, or type Ctrl+K: "
        "“Ward 7 (unit) -> Discharge huddle (routine)”.",
        "New Map",
        "new",
    ),
    Step(
        "Open the guide",
        "The user guide (F1) walks through a sample in 20 minutes, mapping your own service, reading the "
        "analysis and exporting for a board.",
        "Open the Guide",
        "guide",
    ),
)


def tour_done() -> bool:
    """Whether the tour was closed before (then it is not shown on start)."""
    return settings().value(DONE_KEY, False, type=bool)


class TourStrip(QFrame):
    """The tour's strip: one step at a time, with Back, Next and Close.

    Signals
    -------
    requested(str)
        A step's button was pressed: ``"sample"``, ``"new"`` or ``"guide"``.
    closed()
        The tour was closed (the setting is written first).

    Examples
    --------
    >>> strip = TourStrip()
    >>> strip.step, strip.title.text()
    (0, 'Step 1 of 4: Open a sample')
    >>> strip.next_step(); strip.title.text()
    'Step 2 of 4: Try the analysis'
    """

    requested = Signal(str)
    closed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tourStrip")
        self.setAccessibleName("Tour")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#tourStrip { background: palette(alternate-base); border-radius: 6px; }")
        self.step = 0
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.do_button = QPushButton(self)
        self.do_button.clicked.connect(lambda: self.requested.emit(STEPS[self.step].request))
        self.back_button = QPushButton("Back", self)
        self.back_button.setToolTip("The step before (Left)")
        self.back_button.clicked.connect(self.previous_step)
        self.next_button = QPushButton("Next", self)
        self.next_button.setToolTip("The next step (Right)")
        self.next_button.clicked.connect(self.next_step)
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close the tour (Esc); Help > Show the Tour brings it back")
        self.close_button.setAccessibleName("Close the tour")
        self.close_button.clicked.connect(self.close_tour)
        for button in (self.do_button, self.back_button, self.next_button, self.close_button):
            button.setAutoDefault(False)
            # A button moves focus on Left and Right; in the tour those keys turn the page.
            button.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.close_button)
        layout.addLayout(heading)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.do_button)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        self._show_step()

    def _show_step(self) -> None:
        step = STEPS[self.step]
        self.title.setText(f"Step {self.step + 1} of {len(STEPS)}: {step.title}")
        self.text.setText(step.text)
        self.do_button.setText(step.button)
        self.do_button.setAccessibleName(step.button)
        self.back_button.setEnabled(self.step > 0)
        self.next_button.setEnabled(self.step < len(STEPS) - 1)

    def next_step(self) -> None:
        """Show the next step (the last one stays)."""
        self.step = min(self.step + 1, len(STEPS) - 1)
        self._show_step()
        if not self.next_button.isEnabled() and self.next_button.hasFocus():
            self.close_button.setFocus()

    def previous_step(self) -> None:
        """Show the step before (the first one stays)."""
        self.step = max(self.step - 1, 0)
        self._show_step()
        if not self.back_button.isEnabled() and self.back_button.hasFocus():
            self.next_button.setFocus()

    def restart(self) -> None:
        """Show the tour again from its first step (Help > Show the Tour)."""
        settings().setValue(DONE_KEY, False)
        self.step = 0
        self._show_step()
        self.show()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_tour(self) -> None:
        """Put the tour away and remember it, so it is not shown on the next start."""
        settings().setValue(DONE_KEY, True)
        had_focus = self.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        self.hide()
        if had_focus and self.parentWidget() is not None:
            self.parentWidget().focusNextChild()
        self.closed.emit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_tour()
        elif key == Qt.Key.Key_Right:
            self.next_step()
        elif key == Qt.Key.Key_Left:
            self.previous_step()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


__all__ = ["DONE_KEY", "STEPS", "Step", "TourStrip", "tour_done"]
