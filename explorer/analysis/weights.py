"""The weights and parameters of the resistance analysis: one documented, user-editable table.

The defaults live in ``ontology/analysis-weights.toml``, each with its value,
source, construct and a note (see that file). :func:`load_weights` reads it, or
a user's copy, and refuses anything it cannot trust, naming the entry;
:func:`perturbed` draws the seeded variations of the uncertainty runs.

Examples
--------
>>> weights = load_weights()
>>> weights["propagation.reciprocal"] > weights["propagation.pooled"]
True
>>> weights.entry("transgression.norm_normative").construct
'rx:normative'
>>> weights.entry("context.readiness").label
'readiness'
>>> perturbed(weights, seed=1)["context.readiness"] != weights["context.readiness"]
True
"""

from __future__ import annotations

import math
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

from explorer.core.errors import ExplorerError
from explorer.core.resources import ontology_dir

#: The default weights file.
DEFAULT_WEIGHTS = ontology_dir() / "analysis-weights.toml"

# Method settings with their ranges and whether they are whole numbers; every other entry is a
# weight or a share in the range of its section (_SECTION_RANGE).
_RANGES = {
    "propagation.max_hops": (0, 10, True),
    "propagation.min_impact": (0.0, 1.0, False),
    "levels.max_depth": (0, 10, True),
    "levels.decay": (0.0, 1.0, False),
    "stance.susceptibility": (0.0, 1.0, False),
    "stance.iterations": (0, 1000, True),
    "stance.fence_band": (0.0, 1.0, False),
    "uncertainty.runs": (0, 10_000, True),
    "uncertainty.weight_spread": (0.0, 1.0, False),
    "uncertainty.input_spread": (0.0, 1.0, False),
    "uncertainty.interval": (0.01, 0.99, False),
    "transgression.owner_share": (0.0, 1.0, False),
    "transgression.gainer_share": (0.0, 1.0, False),
}
_SECTION_RANGE = {
    "propagation": (0.0, 1.0, False),
    "transgression": (0.0, 2.0, False),
    "context": (0.0, 2.0, False),
    "interaction": (0.0, 2.0, False),
}
_FIELDS = ("label", "value", "source", "construct", "note")
#: Settings of the method rather than weights of a mechanism: the uncertainty runs leave them alone.
_FIXED = frozenset(
    {
        "propagation.max_hops",
        "propagation.min_impact",
        "levels.max_depth",
        "stance.iterations",
        "uncertainty.runs",
        "uncertainty.weight_spread",
        "uncertainty.input_spread",
        "uncertainty.interval",
    }
)


class WeightsError(ExplorerError):
    """A weights file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Entry:
    """One weight or parameter, with where it comes from."""

    name: str
    value: float
    source: str
    construct: str
    note: str
    label: str = ""


class Weights:
    """A read-only table of weights: ``weights["driving.readiness"]`` is a number; :meth:`entry` the whole record."""

    def __init__(self, entries: dict[str, Entry], path: Path | None = None) -> None:
        self._entries = dict(entries)  # private and never handed out: read-only in practice, and picklable
        self.path = path

    def __getitem__(self, name: str) -> float:
        return self._entries[name].value

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, name: str) -> Entry:
        """The full record of ``name`` (label, value, source, construct, note)."""
        return self._entries[name]

    def values(self) -> dict[str, float]:
        """``{name: value}`` for every entry (what an analysis run records as its parameters)."""
        return {name: entry.value for name, entry in self._entries.items()}

    def with_values(self, values: dict[str, float]) -> Weights:
        """A copy with some values replaced (sources and notes kept)."""
        unknown = set(values) - set(self._entries)
        if unknown:
            raise WeightsError(f"Unknown weight(s): {', '.join(sorted(unknown))}.")
        entries = {
            name: Entry(
                name, float(values.get(name, entry.value)), entry.source, entry.construct, entry.note, entry.label
            )
            for name, entry in self._entries.items()
        }
        return Weights(entries, self.path)


def _range(name: str):
    if name in _RANGES:
        return _RANGES[name]
    section = name.split(".", 1)[0]
    if section in _SECTION_RANGE and name in _default_names():
        return _SECTION_RANGE[section]
    return None


def load_weights(path: str | Path | None = None, *, constructs: set[str] | None = None) -> Weights:
    """Read and check a weights file (the default one when ``path`` is None).

    Every entry must be known, have all four fields, and a value in its range;
    every name the analysis needs must be there. ``constructs``, when given, is
    the set of construct CURIEs the ontology defines; a construct outside it is
    refused.

    Raises
    ------
    WeightsError
        Naming the file and the entry, for anything wrong.
    """
    path = Path(path) if path is not None else DEFAULT_WEIGHTS
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WeightsError(f"Cannot read the weights file {path}: {error.strerror or error}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise WeightsError(f"{path} is not valid TOML: {error}.") from None
    entries: dict[str, Entry] = {}
    for section, table in raw.items():
        if not isinstance(table, dict):
            raise WeightsError(f"{path}: “{section}” must be a table of entries such as [{section}.name].")
        for key, record in table.items():
            name = f"{section}.{key}"
            limits = _range(name)
            if limits is None:
                raise WeightsError(f"{path}: unknown weight “{name}”.")
            if not isinstance(record, dict) or set(record) != set(_FIELDS):
                missing = sorted(set(_FIELDS) - set(record)) if isinstance(record, dict) else list(_FIELDS)
                extra = sorted(set(record) - set(_FIELDS)) if isinstance(record, dict) else []
                raise WeightsError(
                    f"{path}: “{name}” needs exactly {', '.join(_FIELDS)}"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; unknown {', '.join(extra)}" if extra else "")
                    + "."
                )
            value = record["value"]
            low, high, whole = limits
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise WeightsError(f"{path}: “{name}” must be a number, not {value!r}.")
            if whole and value != int(value):
                raise WeightsError(f"{path}: “{name}” must be a whole number, not {value}.")
            if not low <= value <= high:
                raise WeightsError(f"{path}: “{name}” is {value}, outside [{low}, {high}].")
            for text in ("label", "source", "construct", "note"):
                if not isinstance(record[text], str):
                    raise WeightsError(f"{path}: “{name}”.{text} must be text.")
            if not record["source"].strip():
                raise WeightsError(f"{path}: “{name}” has no source: say where the number comes from, or “judgement”.")
            construct = record["construct"]
            if construct and constructs is not None and construct not in constructs:
                raise WeightsError(
                    f"{path}: “{name}” names the construct {construct}, which the ontology does not define."
                )
            entries[name] = Entry(name, float(value), record["source"], construct, record["note"], record["label"])
    needed = set(_RANGES) | {name for name in _default_names() if name.split(".", 1)[0] in _SECTION_RANGE}
    missing = sorted(needed - set(entries))
    if missing:
        raise WeightsError(f"{path}: missing weight(s) {', '.join(missing)}.")
    return Weights(entries, path)


def _default_names() -> set[str]:
    """The names in the default file (a user's copy must hold them all)."""
    global _DEFAULT_NAMES
    if _DEFAULT_NAMES is None:
        raw = tomllib.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
        _DEFAULT_NAMES = {f"{section}.{key}" for section, table in raw.items() for key in table}
    return _DEFAULT_NAMES


_DEFAULT_NAMES: set[str] | None = None


#: Weights whose order is part of the theory, weakest first: a run may vary them, never reorder them
#: (Thompson's interdependence types, an untyped tie between pooled and sequential; Scott's pillars).
ORDERED = (
    ("propagation.pooled", "propagation.untyped", "propagation.sequential", "propagation.reciprocal"),
    ("transgression.norm_regulative", "transgression.norm_normative", "transgression.norm_cultural_cognitive"),
)


def perturbed(weights: Weights, *, seed: int) -> Weights:
    """The weights with every value multiplied by a seeded factor in [1 - spread, 1 + spread].

    Method settings (hops, levels, iterations, the uncertainty settings) are
    kept; values stay within their ranges. Within each :data:`ORDERED` group the
    drawn values are handed out in the group's order, so a run never turns a
    pooled tie into a stronger channel than a reciprocal one (when the weights as
    given keep that order; a user's file that does not is left as it is).

    Examples
    --------
    >>> weights = load_weights()
    >>> runs = [perturbed(weights, seed=s) for s in range(50)]
    >>> all(r["propagation.pooled"] <= r["propagation.sequential"] <= r["propagation.reciprocal"] for r in runs)
    True
    """
    rng = random.Random(seed)
    spread = weights["uncertainty.weight_spread"]
    values = {}
    for name in sorted(weights):
        if name in _FIXED:
            continue
        low, high, _ = _range(name)
        values[name] = min(high, max(low, weights[name] * rng.uniform(1 - spread, 1 + spread)))
    for group in ORDERED:
        names = [n for n in group if n in values]
        given = [weights[n] for n in names]
        if given == sorted(given):
            for name, value in zip(names, sorted(values[n] for n in names)):
                values[name] = value
    return weights.with_values(values)
