"""Norm transgression: the norms a change violates, weighed by their pillar, and who holds them.

Strength of a violated norm *n* (Scott's pillars; f is ``rx:formality``):

* regulative: ``w_reg * (f + sanctionSeverity) / 2 * (1 + w_back * sum_b authority_b * (1 - a_b))``
  (rules, sanctions and the bodies that enforce them, by their formal authority);
* normative: ``w_nor * (1 + w_back * sum_b influence_b * (1 - a_b))`` (duty; how strongly it is held is
  the holder's subscription, and the bodies behind it lend it weight by their influence);
* cultural-cognitive: ``w_cc * (1 - f)`` (taken for granted: strongest exactly where nothing is written
  down);
* pillar not given: as normative, and the point says so.

``b`` runs over the bodies that issue or back the norm and ``a_b`` is a body's stance on the change in
[-1, 1] (0 when it states none): a body that supports the change lends its norm less weight, one that
opposes it more. That is how a body's stance reaches the norms it backs.

A violated norm is borne by those who hold it: subscribers (``rx:NormSubscription`` times its strength,
``rx:subscribesTo`` at the neutral 0.5), the performers and owners of routines it governs
(``rx:governedBy``, or a routine using an artefact that ``rx:inscribes`` it) at the neutral 0.5 unless
they subscribe themselves, and the bodies that back it. A collective's hold reaches its members, one
level down at a time (:func:`explorer.analysis.resistance.model.inherit`). A norm is *the
professionals' own* for a professional holder unless it is regulative, and for anyone when it is a
professional norm or a professional body backs it: only there does sponsorship (top-down or
professionally led) and divergence weigh (:mod:`.context`).

A norm the change *aligns with* lends it legitimacy where it is held: a context term
``-context.aligned_norm * hold`` at each holder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .builder import NORM, NORM_OWN, Q_NORM, Builder
from .routines import carriers_of
from .structure import RX

REGULATIVE, NORMATIVE, CULTURAL_COGNITIVE = range(3)
_PILLARS = {RX.regulative: REGULATIVE, RX.normative: NORMATIVE, RX.culturalCognitive: CULTURAL_COGNITIVE}
_PILLAR_WEIGHT = (
    "transgression.norm_regulative",
    "transgression.norm_normative",
    "transgression.norm_cultural_cognitive",
)
#: How strongly the performer of a routine governed by a norm holds it, when they do not say: the neutral subscription.
GOVERNED_HOLD = 0.5


@dataclass
class NormStrengths:
    """What :mod:`.evaluate` needs for each violated norm's strength per run."""

    norms: list = field(default_factory=list)
    pillar: list = field(default_factory=list)
    formality: list = field(default_factory=list)  # input rows
    sanction: list = field(default_factory=list)  # input rows
    bodies: list = field(default_factory=list)  # [(body node, authority row, influence row)]
    #: Aligned-norm context, added by :mod:`.context` for exposed holders: (holder, hold row or -1, hold, norm).
    aligned: list = field(default_factory=list)


def is_own_norm(b: Builder, holder, norm) -> bool:
    """Whether ``norm`` is the professionals' own for ``holder`` (see the module notes)."""
    G, s = b.G, b.structure
    data = G.nodes[norm]
    if data.get("normKind") == RX.professionalNorm:
        return True
    bodies = [body for rel in (RX.issuedBy, RX.backedBy) for body, _ in s.outs(norm, rel)]
    if any(RX.bodyProfessional in _set(G.nodes[body].get("bodyKind")) for body in bodies if body in G):
        return True
    professional = s.is_professional(holder) or RX.bodyProfessional in _set(G.nodes[holder].get("bodyKind"))
    return professional and data.get("pillar") != RX.regulative


def _set(value) -> frozenset:
    if value is None:
        return frozenset()
    return value if isinstance(value, frozenset) else frozenset({value})


def holders(b: Builder, norm, carriers_of_routine) -> list:
    """``[(holder, hold row or -1, fixed hold, how, evidence, share weights)]`` for ``norm``, in scope, not sponsors."""
    s = b.structure
    found, direct = [], set()
    for holder, data in sorted(s.ins(norm, RX.NormSubscription), key=lambda x: str(x[0])):
        if s.is_carrier(holder) and s.in_scope(holder) and holder not in direct:
            row = b.read(data.get("tie"), data, "strength", missing_on=holder, what="strength of a norm subscription")
            direct.add(holder)
            found.append((holder, row, 1.0, "they hold", (norm, data.get("tie"), holder), ()))
    for holder, _ in sorted(s.ins(norm, RX.subscribesTo), key=lambda x: str(x[0])):
        if s.is_carrier(holder) and s.in_scope(holder) and holder not in direct:
            row = b.read(
                (holder, norm, RX.subscribesTo),
                None,
                "strength",
                missing_on=holder,
                what="strength of a norm subscription",
            )
            direct.add(holder)
            found.append((holder, row, 1.0, "they hold", (norm, holder), ()))
    routines = {r for r, _ in s.ins(norm, RX.governedBy)}
    for artefact, _ in s.ins(norm, RX.inscribes):
        routines |= {r for r, _ in s.ins(artefact, RX.usesArtefact)}
    governed = {}
    for routine in sorted(routines, key=str):
        if not b.is_a(routine, RX.Routine):
            continue
        for carrier, shares, verb in carriers_of_routine(routine):
            if carrier not in direct and carrier not in governed:
                governed[carrier] = (
                    carrier,
                    -1,
                    GOVERNED_HOLD,
                    f"it governs “{b.label(routine)}”, which {verb}",
                    (norm, routine, carrier),
                    shares,
                )
    found += [governed[c] for c in sorted(governed, key=str)]
    for rel in (RX.issuedBy, RX.backedBy):
        for body, _ in sorted(s.outs(norm, rel), key=lambda x: str(x[0])):
            if s.is_carrier(body) and body not in direct and body not in governed:
                direct.add(body)
                found.append((body, -1, 1.0, "they back it", (norm, body), ()))
    return found


def add(b: Builder) -> None:
    """The ``transgression.norm`` mechanism: a channel for each holder of each violated norm, and the aligned
    norms' holders, in ``b.norm_model``. Runs after the routines (``b.routine_result``): the performers of a
    routine a norm governs hold it."""
    routine_carriers = b.routine_result.carriers
    b.norm_model = _register(b, lambda r: routine_carriers.get(r) or carriers_of(b, r))


def _register(b: Builder, carriers_of_routine) -> NormStrengths:
    G, s = b.G, b.structure
    model = NormStrengths()
    violated = sorted({n for c in s.changers for n, _ in s.outs(c, RX.violates) if b.is_a(n, RX.Norm)}, key=str)
    labels = G.graph.get("concept_labels", {})
    for norm in violated:
        data = G.nodes[norm]
        index = len(model.norms)
        model.norms.append(norm)
        pillar = _PILLARS.get(data.get("pillar"))
        if pillar is None:
            b.lack(norm, "pillar")
            pillar = NORMATIVE
        model.pillar.append(pillar)
        uses_formality = pillar in (REGULATIVE, CULTURAL_COGNITIVE)
        model.formality.append(b.read(norm, data, "formality", missing_on=norm if uses_formality else None))
        model.sanction.append(
            b.read(
                norm,
                data,
                "sanctionSeverity",
                missing_on=norm if pillar == REGULATIVE else None,
                what="sanction severity",
            )
        )
        bodies = []
        for rel in (RX.issuedBy, RX.backedBy):
            for body, _ in s.outs(norm, rel):
                if body in G and body not in (x[0] for x in bodies):
                    body_data = G.nodes[body]
                    authority = b.read(
                        body,
                        body_data,
                        "formalAuthority",
                        missing_on=norm if pillar == REGULATIVE else None,
                        what="formal authority of a body behind it",
                    )
                    influence = b.read(
                        body,
                        body_data,
                        "influence",
                        missing_on=norm if pillar == NORMATIVE else None,
                        what="influence of a body behind it",
                    )
                    bodies.append((body, authority, influence))
                    b.stance_agents.add(body)
        model.bodies.append(bodies)
        pillar_label = labels.get(data.get("pillar"), "pillar not given")
        site = b.site(norm, "norm", (Q_NORM, index), (), hold=GOVERNED_HOLD)
        found = holders(b, norm, carriers_of_routine)
        if not found:
            b.lack(norm, "who holds it")
        for holder, row, fixed, how, evidence, shares in found:
            family = NORM_OWN if is_own_norm(b, holder, norm) else NORM
            kind = "norm-held" if row >= 0 or how == "they back it" else "norm-governed"
            hold_text = f"; subscription {b.value(row):.1f}" if row >= 0 and b.inputs._stated[row] else ""
            text = f"The change violates “{b.label(norm)}” ({pillar_label}{hold_text}): {how}"
            b.channel(
                holder,
                family,
                shares,
                hold=row,
                qty=(Q_NORM, index),
                site=site,
                depth=0,
                mechanism=_PILLAR_WEIGHT[pillar],
                kind=kind,
                key=("norm", norm),
                text=text,
                evidence=evidence,
                fixed=fixed,
            )
    aligned = sorted({n for c in s.changers for n, _ in s.outs(c, RX.alignsWith) if b.is_a(n, RX.Norm)}, key=str)
    for norm in aligned:
        for holder, row, fixed, how, evidence, _ in holders(b, norm, carriers_of_routine):
            model.aligned.append((holder, row, fixed, norm, how, evidence))
    return model


def pillar_weight(pillar: int) -> str:
    return _PILLAR_WEIGHT[pillar]


def evaluate(model: NormStrengths, X: np.ndarray, weight_row, stance_of) -> np.ndarray:
    """``norms x runs`` strengths; ``stance_of(body)`` gives a body's stance per run (zeros when it has none)."""
    runs = X.shape[1]
    out = np.zeros((len(model.norms), runs))
    back = weight_row("transgression.backing_body")
    for i, pillar in enumerate(model.pillar):
        formality = X[model.formality[i]]
        if pillar == CULTURAL_COGNITIVE:
            out[i] = weight_row(_PILLAR_WEIGHT[pillar]) * (1.0 - formality)
            continue
        backing = np.zeros(runs)
        for body, authority, influence in model.bodies[i]:
            weight = X[authority] if pillar == REGULATIVE else X[influence]
            backing += weight * (1.0 - stance_of(body))
        base = (formality + X[model.sanction[i]]) / 2 if pillar == REGULATIVE else 1.0
        out[i] = weight_row(_PILLAR_WEIGHT[pillar]) * base * (1.0 + back * backing)
    return out
