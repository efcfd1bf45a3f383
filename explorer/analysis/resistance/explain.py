"""Reasons and sentences: each point's score split exactly into signed contributions a change agent can read.

A carrier's resistance is ``R = sum_f T_f * exp(U_f)``. Its reasons are

* each transgression channel's value ``t_j`` (they add up to ``sum_f T_f``);
* each context term's share of the rest, ``sum_f T_f * L(U_f) * v_k`` over
  the families the term applies to, where ``v_k`` is the term's value and
  ``L(U) = (exp(U) - 1) / U`` (1 at 0): the logarithmic-mean (LMDI)
  attribution of index decomposition analysis (Ang BW. Energy Policy
  2004;32:1131), which splits ``T (exp(U) - 1)`` among the terms of ``U`` in
  proportion to each term, exactly and with its sign.

So the reasons add up to the score to rounding, a context term's contribution
is zero when there is no transgression, and it is signed as the term.
Represented collectives take their members' reasons, weighted by headcount and
grouped by mechanism; routines and norms the reasons of the resistance they
cause those who carry them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from explorer.core.presentation import LEVELS

from .evaluate import EXPONENT_CAP
from .model import Model
from .results import Reason
from .structure import RX


def lmdi(U: np.ndarray) -> np.ndarray:
    """``(exp(U) - 1) / U``, 1 where ``U`` is 0.

    Examples
    --------
    >>> lmdi(np.array([0.0, np.log(2.0)])).round(4).tolist()
    [1.0, 1.4427]
    """
    out = np.ones_like(U)
    big = np.abs(U) > 1e-9
    out[big] = np.expm1(U[big]) / U[big]
    out[~big] = 1.0 + U[~big] / 2
    return out


class Explainer:
    """Builds the points of one base evaluation (column 0) of ``model``."""

    def __init__(self, model: Model, evaluation, *, name_people: bool = False) -> None:
        self.model = model
        self.ev = evaluation
        # Named people are counted, never named as the likeliest to resist (DOMAIN.md §4.8), unless asked.
        self.name_people = name_people
        weights = model.weights
        labels = model.G.graph.get("concept_labels", {})
        self._entry = {}
        for name in weights:
            entry = weights.entry(name)
            construct = entry.construct
            iri = RX[construct.split(":", 1)[1]] if construct.startswith("rx:") else None
            self._entry[name] = (entry.label, construct, labels.get(iri, "") if iri is not None else "", entry.source)
        a = model.arrays
        nc = len(model.carrier_nodes)
        T = evaluation.T[:, :, 0]
        U = evaluation.U[:, :, 0]
        # The exponent is read within ±EXPONENT_CAP; each term keeps its proportion of what is read.
        capped = np.clip(U, -EXPONENT_CAP, EXPONENT_CAP)
        scale = np.divide(capped, U, out=np.ones_like(U), where=np.abs(U) > EXPONENT_CAP)
        self.lam = (lmdi(capped) * scale).T  # carriers x families
        self.Gw = T.T * self.lam  # carriers x families: T_f * L(U_f)
        tc = a["t_carrier"]
        v_local, v_global = evaluation.term[:, 0], evaluation.global_term[:, 0]
        self.term_contrib = v_local * (a["t_bits"] * self.Gw[tc]).sum(axis=1) if len(tc) else np.zeros(0)
        self.global_contrib = (self.Gw @ a["g_bits"].T) * v_global[None, :] if len(v_global) else np.zeros((nc, 0))
        self.channel_value = evaluation.channel[:, 0]
        self.by_carrier_channels = defaultdict(list)
        for j, c in enumerate(model.channels):
            self.by_carrier_channels[c.carrier].append(j)
        order = np.argsort(tc, kind="stable")
        bounds = np.searchsorted(tc[order], np.arange(nc + 1))
        self.terms_of = [order[bounds[i] : bounds[i + 1]] for i in range(nc)]
        # Mechanisms: each carrier's score by mechanism (exact), and per family the context terms' values by
        # mechanism, for the collectives and the routines and norms that restate their carriers' reasons.
        names = model.weight_names
        self.mechanisms = names
        index = {n: i for i, n in enumerate(names)}
        self.channel_mech = np.array([index[c.mechanism] for c in model.channels], dtype=np.int64)
        by_mech = np.zeros((nc, len(names)))
        np.add.at(by_mech, (a["ch_carrier"], self.channel_mech), self.channel_value)
        np.add.at(by_mech, (tc, a["t_weight"]), self.term_contrib)
        if len(v_global):
            for k, w in enumerate(a["g_weight"]):
                by_mech[:, w] += self.global_contrib[:, k]
        self.by_mech = by_mech
        self.is_channel_mech = np.zeros(len(names), dtype=bool)
        self.is_channel_mech[self.channel_mech] = True
        self._own: dict = {}

    # ------------------------------------------------------------------ reasons
    def reason(self, mechanism: str, value: float, text: str, evidence=(), kind: str = "transgression") -> Reason:
        label, construct, construct_label, source = self._entry.get(mechanism, ("", "", "", ""))
        return Reason(mechanism, float(value), text, evidence, construct, source, kind, label, construct_label)

    def term_text(self, table, k: int) -> tuple[str, tuple, object]:
        """A term's words (with "via" its holder when it comes from above), evidence and group."""
        text, evidence, group, holder = table.descriptions[table.desc[k]]
        depth = table.depth[k]
        if depth and holder is not None:
            text = f"{text} (via “{self.model.builder.label(holder)}”, {depth} level{'s' if depth > 1 else ''} up)"
        return text, evidence, group

    def carrier_reasons(self, i: int) -> list[Reason]:
        """The reasons of carrier ``i``'s own resistance."""
        found = self._own.get(i)
        if found is not None:
            return found
        model = self.model
        reasons = []
        for j in self.by_carrier_channels.get(i, ()):
            c = model.channels[j]
            reasons.append(self.reason(c.mechanism, self.channel_value[j], c.text, c.evidence))
        terms, gterms = model.terms, model.global_terms
        grouped: dict = {}
        ks = self.terms_of[i]
        for k, value in zip(ks.tolist(), self.term_contrib[ks].tolist()):
            if abs(value) > 1e-12:
                if terms.descriptions[terms.desc[k]][2] is None:
                    text, evidence, _ = self.term_text(terms, k)
                    reasons.append(self.reason(terms.weight[k], value, text, evidence, "context"))
                else:
                    self._add(grouped, terms, k, value)
        for k, value in enumerate(self.global_contrib[i].tolist()):
            if abs(value) > 1e-12:
                self._add(grouped, gterms, k, value)
        reasons += [
            self.reason(weight, value, text, evidence, kind="context")
            for (weight, text, evidence), value in grouped.values()
            if abs(value) > 1e-12
        ]
        reasons.sort(key=lambda r: (-abs(r.value), r.text))
        self._own[i] = reasons
        return reasons

    def _add(self, grouped: dict, table, k: int, value: float) -> None:
        desc = table.desc[k]
        group = table.descriptions[desc][2]
        key = (id(table), group if group is not None else desc, table.depth[k] if group is None else None)
        found = grouped.get(key)
        if found is None:
            text, evidence, _ = self.term_text(table, k)
            grouped[key] = [(table.weight[k], text, evidence), float(value)]
        else:
            found[1] += float(value)

    def members_reasons(self, i: int) -> list[Reason]:
        """A represented collective's reasons: its members' reasons, one per mechanism. Its score reads as the
        share of all its people likely to resist (the headcount-weighted mean likelihood over itself and
        every member drawn, the unreached at 0); each member's share of it is its weight times its
        likelihood, and that share is split as the member's own score is."""
        model = self.model
        drawn = model.collective_members[i].drawn
        row = model.arrays["C"].getrow(i)
        scores = self.ev.R[row.indices, 0]
        likely = -np.expm1(-scores)
        mean = float((row.data * likely).sum())
        total = float(self.ev.points[i, 0])
        factor = np.divide(
            total * row.data * likely, mean * scores, out=np.zeros_like(scores), where=(scores > 0) & (mean > 0)
        )
        weighted = self.by_mech[row.indices] * factor[:, None]  # members x mechanisms
        totals = weighted.sum(axis=0)
        reasons = []
        for m in np.flatnonzero(np.abs(totals) > 1e-12):
            mechanism = self.mechanisms[m]
            label = self._entry.get(mechanism, (mechanism,))[0] or mechanism
            column = weighted[:, m]
            heaviest = row.indices[int(np.argmax(np.abs(column)))]
            involved = [j for j, v in zip(row.indices, column) if abs(v) > 1e-12]
            people = [j for j in involved if j != i]
            parts = []
            if people:
                parts.append(f"{len(people)} of its {drawn} member{'s' if drawn != 1 else ''} on the map")
            if i in involved:
                parts.append("its own people")
            top = model.carrier_nodes[heaviest]
            most = "" if heaviest == i or self._unnamed(top) else f" (most on “{model.builder.label(top)}”)"
            text = f"{label[0].upper() + label[1:]} weighs on {' and '.join(parts)}{most}"
            kind = "members" if self.is_channel_mech[m] else "context"
            reasons.append(
                self.reason(mechanism, totals[m], text, tuple(model.carrier_nodes[j] for j in involved[:20]), kind=kind)
            )
        reasons.sort(key=lambda r: (-abs(r.value), r.text))
        return reasons

    def site_reasons(self, s: int) -> list[Reason]:
        """A routine's or norm's reasons: what it causes those who carry it. Its score reads as the
        headcount-weighted mean of the likelihoods it gives them; each carrier's share is split as the
        resistance the site causes that carrier is."""
        model, ev = self.model, self.ev
        a = model.arrays
        site = model.sites[s]
        label = model.builder.label(site.node)
        total = float(ev.points[len(model.carrier_nodes) + s, 0])
        if a["site_bare"][s]:
            mechanism = site.weight[0] if site.weight else self._norm_mechanism(site)
            text = (
                f"“{label}” is {'new work' if site.family == 1 else 'transgressed'}; nobody who carries it is drawn "
                "(a typical carrier in a neutral context)"
            )
            return [self.reason(mechanism, total, text, (site.node,))] if total else []
        pairs = a["B"].getrow(s)
        scores = ev.pair_score[pairs.indices, 0]
        likely = -np.expm1(-scores)
        mean = float((pairs.data * likely).sum())
        factors = np.divide(
            total * pairs.data * likely, mean * scores, out=np.zeros_like(scores), where=(scores > 0) & (mean > 0)
        )
        transgression: dict = defaultdict(float)
        first: dict = {}
        context = np.zeros(len(self.mechanisms))
        for pair, factor in zip(pairs.indices, factors):
            i = int(a["pair_carrier"][pair])
            channels = a["A"].getrow(pair).indices
            for j in channels:
                c = model.channels[j]
                t = factor * self.channel_value[j]
                transgression[c.mechanism] += t
                first.setdefault(c.mechanism, c)
                weight = t * self.lam[i, c.family]
                if not weight:
                    continue
                ks = self.terms_of[i]
                mine = ks[a["t_bits"][ks, c.family] > 0]
                np.add.at(context, a["t_weight"][mine], weight * ev.term[mine, 0])
                applies = a["g_bits"][:, c.family] > 0
                np.add.at(context, a["g_weight"][applies], weight * ev.global_term[applies, 0])
        n = len(pairs.indices)
        who = "the one who carries it" if n == 1 else f"the {n} who carry it"
        reasons = []
        for mechanism, value in transgression.items():
            c = first[mechanism]
            reasons.append(self.reason(mechanism, value, _site_text(model, site, c), (site.node, *c.evidence[:-1])))
        for m in np.flatnonzero(np.abs(context) > 1e-12):
            mechanism = self.mechanisms[m]
            name = self._entry.get(mechanism, (mechanism,))[0] or mechanism
            reasons.append(
                self.reason(
                    mechanism, context[m], f"{name[0].upper() + name[1:]}, for {who}", (site.node,), kind="context"
                )
            )
        reasons.sort(key=lambda r: (-abs(r.value), r.text))
        return reasons

    def _norm_mechanism(self, site) -> str:
        from .norms import pillar_weight

        return pillar_weight(self.model.norms.pillar[site.qty[1]])

    # ------------------------------------------------------------------- points
    def _unnamed(self, node) -> bool:
        return not self.name_people and self.model.builder.is_a(node, RX.Person)

    def points(self) -> list[dict]:
        """The fields of every point with a score above 0 (unsorted; uncertainty and sentence to come)."""
        model, ev, b = self.model, self.ev, self.model.builder
        nc = len(model.carrier_nodes)
        stances = model.stances
        found = []
        for i, node in enumerate(model.carrier_nodes):
            score = float(ev.points[i, 0])
            if score <= 1e-12 or self._unnamed(node):
                continue
            represented = i in model.collective_members
            reasons = self.members_reasons(i) if represented else self.carrier_reasons(i)
            row = stances.row.get(node)
            attitude = float(stances.base[row]) if row is not None else None
            missing = set() if represented else set(b.missing.get(node, ()))
            for j in () if represented else self.by_carrier_channels.get(i, ()):
                site = model.channels[j].site
                if site >= 0:
                    where = model.sites[site].node
                    missing |= {f"{what} (“{b.label(where)}”)" for what in b.missing.get(where, ())}
            found.append(
                self._point(
                    node,
                    score,
                    reasons,
                    "collective" if represented else "carrier",
                    missing,
                    model.headcount[i],
                    stances.stated_value(b, node),
                    attitude,
                    i,
                )
            )
        for s, site in enumerate(model.sites):
            score = float(ev.points[nc + s, 0])
            if score <= 1e-12:
                continue
            found.append(
                self._point(
                    site.node,
                    score,
                    self.site_reasons(s),
                    site.kind,
                    set(b.missing.get(site.node, ())),
                    1.0,
                    None,
                    None,
                    nc + s,
                )
            )
        return found

    def _point(self, node, score, reasons, role, missing, headcount, stated, attitude, row) -> dict:
        data = self.model.G.nodes[node]
        return {
            "node": node,
            "label": data.get("label", str(node)),
            "kind": data.get("kind"),
            "level": data.get("level", 2),
            "score": score,
            "restraining": sum(r.value for r in reasons if r.value > 0),
            "driving": -sum(r.value for r in reasons if r.value < 0),
            "likelihood": float(-np.expm1(-score)),
            "role": role,
            "missing": tuple(sorted(missing)),
            "reasons": tuple(reasons),
            "headcount": float(headcount),
            "stated_attitude": stated,
            "attitude": attitude,
            "row": row,
        }


def _site_text(model: Model, site, channel) -> str:
    label = model.builder.label(site.node)
    if site.kind == "norm":
        return channel.text.split(":", 1)[0]
    if channel.kind == "new":
        return f"“{label}” is new: the change introduces it"
    text = channel.text
    for verb in (", which they perform,", ", which they own,"):
        text = text.replace(verb, "")
    return text


#: Between a number and its per cent sign: a line never breaks there.
NBSP = "\u00a0"


def percent(value, *, digits: int = 0) -> str:
    """A share as a percentage for people: ``"62 %"`` (a no-break space before the sign, so a line never
    breaks there); never "100 %" or "0 %" for what is only nearly so.

    Examples
    --------
    >>> [text.replace(NBSP, " ") for text in (percent(0.62), percent(1.0), percent(0.0), percent(0.0423, digits=1))]
    ['62 %', '100 %', '0 %', '4.2 %']
    >>> percent(0.9991).replace(NBSP, " "), percent(0.004).replace(NBSP, " "), percent(None)
    ('> 99 %', '< 1 %', '–')
    """
    if value is None:
        return "–"
    value = float(value)
    scale = 10**digits
    shown = round(value * 100 * scale) / scale
    if value < 1 and shown >= 100:
        return f"> {100 - 1 / scale:g}{NBSP}%"
    if value > 0 and shown <= 0:
        return f"< {1 / scale:g}{NBSP}%"
    return f"{shown:.{digits}f}{NBSP}%"


def interval(low, high) -> str:
    """``"54–71 %"``, or ``""`` without uncertainty runs.

    Examples
    --------
    >>> interval(0.5412, 0.7091).replace(NBSP, " "), interval(None, None)
    ('54–71 %', '')
    """
    if low is None or high is None:
        return ""
    return f"{round(float(low) * 100):.0f}–{round(float(high) * 100):.0f}{NBSP}%"


#: What the panel, the report and the command line say when the change exposes nobody.
NO_POINTS = "The change asks nobody on the map to do anything differently: no resistance is expected from it."


def people(value) -> str:
    """A number of people: one decimal below ten (it is an expectation), whole numbers with separators above.

    Examples
    --------
    >>> people(5.2349), people(8), people(1234.6)
    ('5.2', '8', '1,235')
    """
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def figure_sentence(figure, runs: int = 0) -> str:
    """The context figure in one sentence: how many of the people the change exposes are likely to resist,
    the share that is, and the interval of the uncertainty runs.

    Examples
    --------
    >>> from explorer.analysis.resistance.results import Figure
    >>> figure_sentence(Figure(4.99, 4.3, 5.7, people=8, points=8), runs=200).replace(NBSP, " ")
    '5.0 of the 8 people the change exposes are likely to resist (62 %; 4.3–5.7 across the uncertainty runs).'
    >>> figure_sentence(Figure(0.4, people=1, points=1)).replace(NBSP, " ")
    'The one person the change exposes is 40 % likely to resist.'
    """
    if not figure.points:
        return NO_POINTS
    if abs(float(figure.people) - 1.0) < 0.05:
        span = interval(figure.share_low, figure.share_high) if runs else ""
        return f"The one person the change exposes is {percent(figure.share)} likely to resist" + (
            f" ({span})." if span else "."
        )
    runs_text = (
        f"; {people(figure.low)}–{people(figure.high)} across the uncertainty runs"
        if runs and figure.low is not None
        else ""
    )
    return (
        f"{people(figure.value)} of the {people(figure.people)} people the change exposes are likely to resist "
        f"({percent(figure.share)}{runs_text})."
    )


def figure_caption(figure) -> str:
    """What follows the figure's number where it stands alone (a report's headline box).

    Examples
    --------
    >>> from explorer.analysis.resistance.results import Figure
    >>> figure_caption(Figure(5.0, people=8, points=8))
    'of the 8 people the change exposes are likely to resist'
    """
    if not figure.points:
        return "likely to resist: the change asks nobody on the map to do anything differently"
    return (
        f"of the {people(figure.people)} {'person' if figure.people == 1 else 'people'} "
        f"the change exposes {'is' if figure.people == 1 else 'are'} likely to resist"
    )


def figure_meaning(figure, runs: int = 0) -> str:
    """What the figure is and where its interval comes from, for a tooltip or a caption."""
    text = (
        "The expected number of people likely to resist: each person the change exposes counts by how likely "
        "they are to resist (a role or a unit by its headcount), so it never falls when the change asks more of "
        "them, and nodes the change does not reach do not count"
    )
    if figure.points:
        text += f"; {figure.points:,} point{'s' if figure.points != 1 else ''} of the map stand for them"
    text += "."
    if runs and figure.low is not None:
        text += (
            f" The interval holds the middle {figure.interval:.0%} of {runs:,} uncertainty runs (and the estimate), "
            "in which the weights and the map's inputs vary (each input by its stated confidence; a missing one "
            "over its whole scale)."
        )
    else:
        text += " No uncertainty runs were made: there is no interval."
    return text


def lever_effect(lever, *, short: bool = False) -> str:
    """A lever's effect on the figure: ``"−1.3 people likely to resist"`` (``short``: ``"−1.3 people"``).

    Examples
    --------
    >>> from explorer.analysis.resistance.results import Lever
    >>> lever_effect(Lever("resources", "Resource it", effect=1.25)), lever_effect(Lever("x", "y"))
    ('−1.2 people likely to resist', 'no measurable effect')
    """
    change = -float(lever.effect)
    if abs(change) < 0.05:
        return "none" if short else "no measurable effect"
    return f"{'−' if change < 0 else '+'}{abs(change):.1f} people" + ("" if short else " likely to resist")


def likelihood_words(p: float) -> str:
    """Words for a likelihood of resistance (see docs/analysis-model.md)."""
    if p >= 0.8:
        return "very likely"
    if p >= 0.5:
        return "likely"
    if p >= 0.2:
        return "possible"
    return "unlikely"


def sentence(point: dict) -> str:
    """One plain sentence from a point's fields: the likelihood, what the change transgresses there (the cause),
    and what in the context makes it harder or easier to bear.

    Examples
    --------
    >>> from explorer.analysis.resistance.results import Reason
    >>> fields = dict(role="carrier", likelihood=0.7, reasons=(
    ...     Reason("transgression.routine_disruption", 0.6, "“Handover”, which they perform, is disrupted"),
    ...     Reason("context.workload", 0.5, "Workload 0.9", kind="context"),
    ...     Reason("context.readiness", -0.1, "Readiness 0.7", kind="context")))
    >>> text = sentence(fields).replace(NBSP, " ")
    >>> text == ("Resistance likely (70 %) because “Handover”, which they perform, is disrupted; "
    ...          "harder to bear with workload 0.9; easier with readiness 0.7.")
    True
    """
    runs = ""
    if point.get("likelihood_low") is not None:
        runs = f", {interval(point['likelihood_low'], point['likelihood_high'])} across the uncertainty runs"
    subject = {
        "routine": " for those who carry it",
        "norm": " for those who hold it",
        "collective": " among its people",
    }.get(point["role"], "")
    text = f"Resistance {likelihood_words(point['likelihood'])}{subject} ({percent(point['likelihood'])}{runs})"
    reasons = point["reasons"]
    sources = [r for r in reasons if r.kind in ("transgression", "members") and r.value > 0][:2]
    raising = [r for r in reasons if r.kind == "context" and r.value > 0][:3]
    lowering = [r for r in reasons if r.kind == "context" and r.value < 0][:2]
    if sources:
        text += " because " + "; and ".join(_lower(r.text) for r in sources)
    if raising:
        text += "; harder to bear with " + ", ".join(_short(r) for r in raising)
    if lowering:
        text += "; easier with " + ", ".join(_short(r) for r in lowering)
    return text + "."


def _lower(text: str) -> str:
    return text[0].lower() + text[1:] if text and not text.startswith("“") else text


def _short(reason: Reason) -> str:
    return _lower(reason.text) if len(reason.text) <= 70 or not reason.label else reason.label


def level_name(level: int) -> str:
    return LEVELS.get(level, "meso")
