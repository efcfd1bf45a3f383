"""The map's judgements as the model reads them: one row per number, with its scale, neutral value and confidence.

Every number the resistance model uses (a routine's embeddedness, a unit's
workload, a stance's attitude ...) is registered here once, by the node or tie
that carries it and the property's local name. A row keeps the value as stated,
or the scale's neutral value when the map leaves it out (and then it is
*missing*: it lowers the result's confidence and is drawn over its whole scale
in the uncertainty runs), and the confidence the map gives it (``rx:confidence``
on the node or tie that carries it; 0.5, "plausible but unchecked", when not
given). Scales and neutral values come from the ontology (``rx:scaleMin``,
``rx:scaleMax``, ``rx:neutralValue``), through ``G.graph["scales"]``.

Examples
--------
>>> table = InputTable({"workload": (0.0, 1.0, 0.5)})
>>> row = table.read("urn:x:unit", {"workload": 0.9, "confidence": 0.8}, "workload")
>>> missing = table.read("urn:x:other", {}, "workload")
>>> table.freeze()
>>> float(table.values[row]), bool(table.stated[row]), float(table.confidence[row])
(0.9, True, 0.8)
>>> float(table.centered(table.values)[row])  # (value - neutral) / half the scale
0.8...
>>> float(table.values[missing]), bool(table.stated[missing])
(0.5, False)
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

#: Confidence of a value whose node or tie states none: the ontology's "plausible but unchecked".
DEFAULT_CONFIDENCE = 0.5


class InputTable:
    """The numbers one analysis reads, each registered once; arrays are built by :meth:`freeze`."""

    def __init__(self, scales: dict) -> None:
        self.scales = scales
        self.index: dict = {}
        self.owners: list = []
        self.names: list = []
        self._values: list = []
        self._stated: list = []
        self._confidence: list = []
        self._lo: list = []
        self._hi: list = []
        self._neutral: list = []
        self._vary: list = []
        self._data: list = []
        self._optional: list = []
        self.frozen = False

    def scale(self, name: str) -> tuple[float, float, float]:
        """``(minimum, maximum, neutral)`` of a property; [0, 1] around 0.5 when the ontology gives none."""
        lo, hi, neutral = self.scales.get(name, (None, None, None))
        lo = 0.0 if lo is None else float(lo)
        hi = 1.0 if hi is None else float(hi)
        neutral = (lo + hi) / 2 if neutral is None else float(neutral)
        return lo, hi, neutral

    def read(
        self, owner, data: dict | None, name: str, *, confidence: float | None = None, optional: bool = False
    ) -> int:
        """The row of ``name`` on ``owner`` (whose attributes are ``data``), registered on first use.

        An ``optional`` input that is missing stays at its neutral value in every run instead of varying
        over its scale: its absence is no gap in the map (dispositional resistance, stated only on evidence).
        """
        key = (owner, name)
        row = self.index.get(key)
        if row is not None:
            return row
        lo, hi, neutral = self.scale(name)
        value = None if data is None else data.get(name)
        stated = value is not None and isinstance(value, (int, float)) and math.isfinite(value)
        if confidence is None:
            confidence = (data or {}).get("confidence", DEFAULT_CONFIDENCE)
        row = len(self.names)
        self.index[key] = row
        self.owners.append(owner)
        self.names.append(name)
        self._values.append(min(hi, max(lo, float(value))) if stated else neutral)
        self._stated.append(stated)
        self._confidence.append(min(1.0, max(0.0, float(confidence))) if stated else 0.0)
        self._lo.append(lo)
        self._hi.append(hi)
        self._neutral.append(neutral)
        self._vary.append(stated or not optional)
        self._data.append(data)
        self._optional.append(optional)
        return row

    def reread(self, owners=()) -> InputTable:
        """A table with the same rows (so every row number stays valid), the rows of ``owners`` read again from
        the nodes and ties they belong to (what a lever's edit changed in place). Not frozen."""
        other = InputTable(self.scales)
        for name in (
            "index",
            "owners",
            "names",
            "_values",
            "_stated",
            "_confidence",
            "_lo",
            "_hi",
            "_neutral",
            "_vary",
            "_data",
            "_optional",
        ):
            value = getattr(self, name)
            setattr(other, name, dict(value) if isinstance(value, dict) else list(value))
        owners = set(owners)
        for row, owner in enumerate(self.owners):
            if owner in owners or (isinstance(owner, tuple) and owners.intersection(owner)):
                other._reread(row)
        return other

    def _reread(self, row: int) -> None:
        data, name = self._data[row], self.names[row]
        lo, hi, neutral = self._lo[row], self._hi[row], self._neutral[row]
        value = None if data is None else data.get(name)
        stated = value is not None and isinstance(value, (int, float)) and math.isfinite(value)
        confidence = (data or {}).get("confidence", DEFAULT_CONFIDENCE)
        self._values[row] = min(hi, max(lo, float(value))) if stated else neutral
        self._stated[row] = stated
        self._confidence[row] = min(1.0, max(0.0, float(confidence))) if stated else 0.0
        self._vary[row] = stated or not self._optional[row]

    def freeze(self, canonical=str) -> None:
        """Build the arrays; no row can be added afterwards.

        ``canonical(owner)`` names an owner the same way whenever the same map is read (a qualified tie is a
        blank node whose label changes from one reading to the next): the uncertainty runs draw each row's
        numbers in that order, so one seed gives the same runs for the same map.
        """
        self._canonical = canonical  # the draw order is worked out when the runs first need it
        self.values = np.asarray(self._values, dtype=float)
        self.stated = np.asarray(self._stated, dtype=bool)
        self.confidence = np.asarray(self._confidence, dtype=float)
        self.lo = np.asarray(self._lo, dtype=float)
        self.hi = np.asarray(self._hi, dtype=float)
        self.neutral = np.asarray(self._neutral, dtype=float)
        self.vary = np.asarray(self._vary, dtype=bool)
        self.half = np.maximum((self.hi - self.lo) / 2, 1e-12)
        self.frozen = True

    def __len__(self) -> int:
        return len(self.names)

    def __getattr__(self, name: str):
        # The arrays exist once freeze() has run; reading them earlier would miss rows added later.
        if name in ("values", "stated", "confidence", "lo", "hi", "neutral", "half", "vary"):
            raise RuntimeError(f"InputTable.{name} is read before freeze(): register every row first")
        raise AttributeError(name)

    def centered(self, values: np.ndarray) -> np.ndarray:
        """``(value - neutral) / half the scale``, per row (and per run when ``values`` has a second axis), in
        [-1, 1]."""
        if values.ndim == 2:
            return np.clip((values - self.neutral[:, None]) / self.half[:, None], -1.0, 1.0)
        return np.clip((values - self.neutral) / self.half, -1.0, 1.0)

    def sample(self, runs: int, seed: int, spread: float) -> np.ndarray:
        """``rows x runs`` values for the uncertainty runs.

        A stated value with confidence c is drawn from a normal around it with
        standard deviation ``spread x (1 - c) x half its scale``, clipped to the
        scale; a missing one uniformly over its whole scale.

        Each input's draws are keyed by its name (the property and its node's canonical name) and the run, not
        by its place in the table: run r of two maps that share an input draws the same value for it, however
        many inputs one map has that the other lacks. That is what makes the runs of two maps paired
        (:mod:`explorer.analysis.compare`, Try It).
        """
        n = len(self.names)
        if n == 0:
            return np.zeros((0, runs))
        keys = [f"{name}|{self._canonical(owner)}" for owner, name in zip(self.owners, self.names)]
        seen: dict = {}
        for i, key in enumerate(keys):  # two inputs of one name (two nodes of one label) draw apart
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                keys[i] = f"{key}#{seen[key]}"
        from scipy.special import ndtri  # here, not at start: scipy.special is a fourteenth of a second

        noise = ndtri(keyed_uniforms(keys, runs, seed, stream=0))
        uniform = keyed_uniforms(keys, runs, seed, stream=1)
        sd = (spread * (1.0 - self.confidence) * self.half)[:, None]
        drawn = np.clip(self.values[:, None] + sd * noise, self.lo[:, None], self.hi[:, None])
        anywhere = self.lo[:, None] + uniform * (self.hi - self.lo)[:, None]
        drawn = np.where(self.stated[:, None], drawn, anywhere)
        return np.where(self.vary[:, None], drawn, self.values[:, None])


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (Steele, Lea and Flood, OOPSLA 2014): a bijective scramble of 64-bit words."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def keyed_uniforms(keys: list[str], runs: int, seed: int, *, stream: int = 0) -> np.ndarray:
    """``len(keys) x runs`` uniforms in (0, 1), each a function of its key, the run, the seed and the stream only.

    Counter-based: the key's stable 64-bit hash (BLAKE2b, the same in every process), the seed, the stream
    and the run number are scrambled by splitmix64. Equal keys draw equal values, so a caller keeps its keys
    distinct (:meth:`InputTable.sample` numbers repeats).

    Examples
    --------
    >>> a = keyed_uniforms(["x", "y"], 3, seed=1)
    >>> b = keyed_uniforms(["new", "y"], 3, seed=1)
    >>> bool((a[1] == b[1]).all()), bool((a[0] == b[0]).any()), bool(((0 < a) & (a < 1)).all())
    (True, False, True)
    """
    with np.errstate(over="ignore"):
        hashes = np.array(
            [int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "little") for k in keys],
            dtype=np.uint64,
        )
        salt = _mix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64) * _GOLDEN + np.uint64(stream))[0]
        runs_at = np.arange(1, runs + 1, dtype=np.uint64) * _GOLDEN
        words = _mix(_mix(hashes ^ salt)[:, None] + runs_at[None, :])
    return ((words >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53
