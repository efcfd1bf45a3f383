"""What a compiled resistance model is made of, and the Builder the mechanisms write it into.

The mechanisms (:data:`explorer.analysis.resistance.model.MECHANISMS`) import this module, never
:mod:`~explorer.analysis.resistance.model`, which imports them: each reads the map through a :class:`Builder`
and writes into it.

* A **carrier** is an actor (person, role, professional group), a unit,
  organisation or external body the change reaches, other than its sponsors
  and leaders.
* A **channel** is one transgression a carrier bears: a routine it performs or
  owns is disrupted, a routine it must take up is new, a norm it holds is
  violated, a task moves away from (or to) it. A channel's value is a product:
  its weights, the inputs behind it (degree, embeddedness, a norm's strength,
  how strongly it is held) and ``levels.decay`` per level it travelled down.
  Channels fall into six *families*: routine disruption, new work, the
  professionals' own norms, other norms, a professional's jurisdiction, other
  tasks moved.
* A **term** is one piece of context at a carrier: a weight times a centred
  input (its deviation from the scale's neutral value, in [-1, 1]), a stance,
  or a fixed amount (a peer giving support). Each term applies to some
  families (a bit mask: most to :data:`ALL`; sponsorship and divergence only to
  :data:`OWN`, the professionals' own norms and jurisdictions; spread logic
  only to :data:`WORK`, routine work).
* A **site** is a routine or norm point: what one typical carrier of it bears.

Examples
--------
>>> [FAMILY_NAMES[f] for f in range(FAMILIES) if OWN >> f & 1]
["professionals' own norms", 'jurisdiction']
>>> table = TermTable()
>>> table.add(0, ALL, "context.workload", 1.0, 0, (Z_CENTERED, 3), table.describe("Workload 0.8"))
>>> len(table), table.weight, table.descriptions
(1, ['context.workload'], [('Workload 0.8', (), None, None)])
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..graph import is_a
from ..weights import Weights
from .inputs import InputTable
from .structure import Structure

if TYPE_CHECKING:
    from .model import Model
    from .norms import NormStrengths
    from .routines import Routines
    from .stances import StanceModel

ROUTINE, NEW_WORK, NORM_OWN, NORM, JURISDICTION, TASK = range(6)
#: Key of the map graph's ``G.graph`` entry ``{node: name}`` that names nodes for the uncertainty runs' draws
#: (:meth:`Builder.canonical`): a comparison names side B's nodes matched by label after side A's.
INPUT_NAMES = "input_names"
FAMILIES = 6
FAMILY_NAMES = ("routine disruption", "new work", "professionals' own norms", "norms", "jurisdiction", "tasks moved")
ALL = (1 << FAMILIES) - 1
WORK = (1 << ROUTINE) | (1 << NEW_WORK)
OWN = (1 << NORM_OWN) | (1 << JURISDICTION)

#: How a channel's quantity is read: a fixed 1, a routine's transgression, a norm's strength.
Q_ONE, Q_ROUTINE, Q_NORM = range(3)
#: How a term's z is read: a fixed 1, a centred input, an input as it is, a stance (attitude after influence).
Z_ONE, Z_CENTERED, Z_RAW, Z_STANCE = range(4)


@dataclass
class Channel:
    carrier: int
    family: int
    weights: tuple  # weight names multiplied together
    depth: int = 0  # levels.decay ** depth
    hold: int = -1  # input row multiplied in (a subscription's strength), or -1
    fixed: float = 1.0  # a constant multiplied in (a neutral hold when no input says)
    qty: tuple = (Q_ONE, 0)
    site: int = -1  # the routine or norm point this channel is about, or -1
    mechanism: str = ""  # the weight a reason is filed under
    text: str = ""
    evidence: tuple = ()
    kind: str = ""  # routine | new | norm-held | norm-governed | jurisdiction
    key: object = None  # what the channel is about, so a member's own hold wins over an inherited one


TERM_COLUMNS = ("carrier", "mask", "weight", "const", "depth", "zkind", "zidx", "desc")


class TermTable:
    """Context terms, stored as columns: a big map has a few terms per carrier, tens of thousands in all.

    A term's words live in a shared *description* ``(text, evidence, group, holder)``: the same fact
    (a unit's workload, a peer's support) reaches every member of the unit; :mod:`.explain` adds "via
    the holder, so many levels up" when ``depth`` is above 0. Terms sharing a ``group`` are one piece
    of context seen twice (a concurrent initiative's count and its resourcing) and are explained as one.
    """

    # One list per column of TERM_COLUMNS, row i of each is term i.
    carrier: list
    mask: list
    weight: list
    const: list
    depth: list
    zkind: list
    zidx: list
    desc: list

    def __init__(self) -> None:
        for name in TERM_COLUMNS:
            setattr(self, name, [])
        self.descriptions: list = []

    def describe(self, text: str, evidence=(), group=None, holder=None) -> int:
        evidence = tuple(evidence)
        if None in evidence:
            evidence = tuple(e for e in evidence if e is not None)
        self.descriptions.append((text, evidence, group, holder))
        return len(self.descriptions) - 1

    def add(self, carrier: int, mask: int, weight: str, const: float, depth: int, z: tuple, desc: int) -> None:
        self.carrier.append(carrier)
        self.mask.append(mask)
        self.weight.append(weight)
        self.const.append(const)
        self.depth.append(depth)
        self.zkind.append(z[0])
        self.zidx.append(z[1])
        self.desc.append(desc)

    def __len__(self) -> int:
        return len(self.carrier)


@dataclass
class Site:
    node: object
    kind: str  # "routine" or "norm"
    qty: tuple  # what one typical carrier would bear: (Q_ROUTINE, r) or (Q_NORM, n)
    weight: tuple  # the weights on it for that typical carrier
    hold: float = 1.0  # a typical carrier's hold (0.5 for a norm: the neutral subscription)
    family: int = ROUTINE


class Builder:
    """Collects carriers, channels, terms and sites while the mechanisms read the map.

    It is also what the mechanisms hand on to later ones: each runs as ``mechanism(builder)``
    (:data:`explorer.analysis.resistance.model.MECHANISMS`) and reads what earlier ones left here.

    ``reuse`` is a model of the same map before an edit (a lever) and ``edited`` what the edit changed
    (:func:`explorer.analysis.resistance.levers.apply_edit`): a mechanism whose inputs the edit did not touch
    copies its work from ``reuse`` instead of redoing it.
    """

    def __init__(
        self,
        G,
        change,
        weights: Weights,
        *,
        reuse: Model | None = None,
        structure: Structure | None = None,
        edited: tuple = (),
    ) -> None:
        self.G = G
        self.weights = weights
        self.reuse = reuse
        self.edited = tuple(edited)
        #: the relations and attribute names the edit changed (a mechanism reading none of them may copy its work)
        self.edited_relations = frozenset(c[1] for c in self.edited)
        self.structure = structure or Structure(G, change, max_depth=int(weights["levels.max_depth"]))
        self.inputs = (
            reuse.inputs.reread({c[2] for c in self.edited})
            if reuse is not None
            else InputTable(G.graph.get("scales", {}))
        )
        self.carriers: dict = {}
        self.carrier_nodes: list = []
        self.channels: list[Channel] = []
        self.terms = TermTable()
        if reuse is not None:  # copied context blocks keep their description numbers
            self.terms.descriptions = list(reuse.terms.descriptions)
        #: node -> (first, end) rows of the terms context.add made for it, and the rows all of them span,
        #: for a later build to reuse
        self.blocks: dict = {}
        self.context_rows = (0, 0)
        if reuse is not None:  # carriers keep their rows, so copied terms stay valid
            for node in reuse.carrier_nodes:
                self.carrier(node)
        self.sites: dict = {}
        self.site_list: list[Site] = []
        #: node -> {description of an input the map does not give}
        self.missing: dict = defaultdict(set)
        #: inputs of the change itself that the map does not give (reported once, not on every point)
        self.change_missing: set = set()
        self.notes: list = []
        #: agents whose stance the model needs besides the exposed carriers (bodies behind violated norms)
        self.stance_agents: set = set()
        #: context that is the same for every carrier (the change's own attributes, its sponsorship)
        self.global_terms = TermTable()
        self._tie_ends: dict | None = None
        # What the mechanisms hand on, in the order they run; each is set by the mechanism that makes it, so
        # reading one before it ran fails loudly (AttributeError) instead of passing None along.
        #: the routine mechanism's impacts and carriers
        self.routine_result: Routines
        #: the violated norms' strengths
        self.norm_model: NormStrengths
        #: carrier rows the transgression mechanisms gave a channel: the carriers context is added at
        self.exposed: set = set()
        #: on a rebuild after an edit, the carriers whose own context the edit may have changed (else None)
        self.dirty: set | None = None
        #: the stances after influence
        self.stance_model: StanceModel

    # ---------------------------------------------------------------- registry
    def carrier(self, node) -> int:
        row = self.carriers.get(node)
        if row is None:
            row = self.carriers[node] = len(self.carrier_nodes)
            self.carrier_nodes.append(node)
        return row

    def site(self, node, kind: str, qty: tuple, weight: tuple, *, hold: float = 1.0, family: int = ROUTINE) -> int:
        row = self.sites.get(node)
        if row is None:
            row = self.sites[node] = len(self.site_list)
            self.site_list.append(Site(node, kind, qty, weight, hold, family))
        return row

    def channel(self, node, family: int, weights: tuple, *, evidence=(), **details) -> None:
        self.channels.append(
            Channel(
                self.carrier(node),
                family,
                tuple(weights),
                evidence=tuple(e for e in evidence if e is not None),
                **details,
            )
        )

    def term(
        self,
        node,
        mask: int,
        weight: str,
        *,
        const: float = 1.0,
        depth: int = 0,
        z: tuple = (0, 0),
        desc: int | None = None,
        text: str = "",
        evidence=(),
        group=None,
    ) -> None:
        """A context term at ``node``; ``desc`` is a shared description (:meth:`TermTable.describe`), else one is
        made."""
        if desc is None:
            desc = self.terms.describe(text, evidence, group)
        self.terms.add(self.carrier(node), mask, weight, const, depth, z, desc)

    def global_term(
        self,
        mask: int,
        weight: str,
        *,
        const: float = 1.0,
        depth: int = 0,
        z: tuple = (0, 0),
        text: str = "",
        evidence=(),
        group=None,
    ) -> None:
        """A term that applies to every carrier alike (stored once)."""
        self.global_terms.add(-1, mask, weight, const, depth, z, self.global_terms.describe(text, evidence, group))

    def lack(self, node, what: str) -> None:
        self.missing[node].add(what)

    def read(self, owner, data, name: str, *, missing_on=None, what: str | None = None) -> int:
        """The input row of ``name`` on ``owner``; when the map does not give it, note ``what`` on ``missing_on``."""
        row = self.inputs.read(owner, data, name)
        if not self.inputs._stated[row] and missing_on is not None:
            self.lack(missing_on, what or _words(name))
        return row

    def value(self, row: int) -> float:
        """The stated (or neutral) value of an input row."""
        return self.inputs._values[row]

    def canonical(self, owner) -> str:
        """The same name for ``owner`` whenever the same map is read: an IRI as it is (or as the map graph's
        ``INPUT_NAMES`` renames it); a qualified tie (a blank node, labelled afresh at each reading) by its kind,
        its ends and its values; a tuple element-wise."""
        if isinstance(owner, tuple):
            return "(" + ",".join(self.canonical(x) for x in owner) + ")"
        if type(owner).__name__ != "BNode":
            # A comparison names a node matched by label after its counterpart, so the two draw alike.
            return self.G.graph.get(INPUT_NAMES, {}).get(owner) or str(owner)
        if self._tie_ends is None:
            self._tie_ends = {}
            for _relation, edges in self.structure.every.items():
                for u, v, data in edges:
                    tie = data.get("tie")
                    if tie is not None and type(tie).__name__ == "BNode":
                        # A value that is a node (a norm's pillar, a tie's target) is named as the node is.
                        values = ",".join(
                            f"{k}={self.canonical(data[k]) if type(data[k]).__name__ == 'URIRef' else data[k]}"
                            for k in sorted(data)
                            if k not in ("tie", "label") and type(data[k]).__name__ != "BNode"
                        )
                        self._tie_ends[tie] = f"[{self.canonical(u)}|{self.canonical(v)}|{values}]"
        return self._tie_ends.get(owner, "_:")

    def label(self, node) -> str:
        return self.G.nodes[node].get("label", str(node)) if node in self.G else str(node)

    def is_a(self, node, cls) -> bool:
        return node in self.G and is_a(self.G, node, cls)


def _words(name: str) -> str:
    """``changeFatigue`` -> ``change fatigue``."""
    out = []
    for ch in name:
        if ch.isupper():
            out.append(" " + ch.lower())
        else:
            out.append(ch)
    return "".join(out).strip()
