"""The dialog that filters the map by kind, level and a value people set on its nodes.

Only the values a person fills in on the nodes shown (the inspector's number fields for their kinds) are offered:
not the canvas's own coordinates, nor the analysis's scores and sums, which nobody sets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from explorer.core.filtering import AttributeRange
from explorer.core.presentation import level_title
from explorer.core.projection import Projection
from explorer.core.schema import Schema


class FilterDialog(QDialog):
    """Choose which kinds, levels and attribute range to show."""

    def __init__(self, schema: Schema, projection: Projection, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Filter the map")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        present = sorted(
            {v.kind for v in projection.nodes.values()},
            key=lambda k: schema.kind(k).label if schema.kind(k) else str(k),
        )
        self.kind_boxes = {}
        kinds = QWidget()
        kinds_layout = QVBoxLayout(kinds)
        kinds_layout.setContentsMargins(0, 0, 0, 0)
        for kind in present:
            count = sum(1 for v in projection.nodes.values() if v.kind == kind)
            box = QCheckBox(f"{schema.kind(kind).label if schema.kind(kind) else kind} ({count:,})")
            box.setChecked(True)
            self.kind_boxes[kind] = box
            kinds_layout.addWidget(box)
        form.addRow("Kinds", kinds)
        self.level_boxes = {}
        levels = QWidget()
        levels_layout = QHBoxLayout(levels)
        levels_layout.setContentsMargins(0, 0, 0, 0)
        for order in (3, 2, 1):
            box = QCheckBox(level_title(order))
            box.setChecked(True)
            self.level_boxes[order] = box
            levels_layout.addWidget(box)
        form.addRow("Levels", levels)
        self.attribute = QComboBox()
        self.attribute.setAccessibleName("Attribute")
        self.attribute.addItem("(any)", None)
        for spec in settable_numbers(schema, present):
            self.attribute.addItem(spec.label[:1].upper() + spec.label[1:], spec)
            self.attribute.setItemData(self.attribute.count() - 1, spec.comment, Qt.ItemDataRole.ToolTipRole)
        self.attribute.currentIndexChanged.connect(self._follow_scale)
        form.addRow("Attribute", self.attribute)
        self.low = QDoubleSpinBox(minimum=-1.0, maximum=1.0, singleStep=0.1, value=0.0, decimals=2)
        self.high = QDoubleSpinBox(minimum=-1.0, maximum=1.0, singleStep=0.1, value=1.0, decimals=2)
        self.low.setAccessibleName("Attribute at least")
        self.high.setAccessibleName("Attribute at most")
        span = QWidget()
        span_layout = QHBoxLayout(span)
        span_layout.setContentsMargins(0, 0, 0, 0)
        span_layout.addWidget(QLabel("from"))
        span_layout.addWidget(self.low)
        span_layout.addWidget(QLabel("to"))
        span_layout.addWidget(self.high)
        form.addRow("", span)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _follow_scale(self) -> None:
        """The range boxes span the chosen value's scale (0 to 1, -1 to 1, a count...)."""
        spec = self.attribute.currentData()
        low, high = (-1.0, 1.0) if spec is None else (spec.minimum, spec.maximum)
        # An open end (a count of people has no top) reaches as far as the boxes go.
        low, high = (-1e6 if low is None else low), (1e6 if high is None else high)
        for box in (self.low, self.high):
            box.setRange(low, high)
        self.low.setValue(low)
        self.high.setValue(high)

    def criteria(self) -> dict:
        """Keyword arguments for :func:`explorer.core.filtering.filter_nodes`."""
        spec = self.attribute.currentData()
        return {
            "kinds": {k for k, box in self.kind_boxes.items() if box.isChecked()},
            "levels": {o for o, box in self.level_boxes.items() if box.isChecked()},
            "attribute": AttributeRange(spec.iri, self.low.value(), self.high.value()) if spec is not None else None,
        }


def settable_numbers(schema: Schema, kinds) -> list:
    """The number fields the inspector offers for any of ``kinds``, by label: what a person can set and filter by.

    Examples
    --------
    >>> settable_numbers(Schema(), [])
    []
    """
    found = {}
    for kind in kinds:
        for spec in schema.inspector(schema.kind(kind)):
            if spec.widget in ("decimal", "integer"):
                found.setdefault(spec.iri, spec)
    return sorted(found.values(), key=lambda spec: spec.label.casefold())
