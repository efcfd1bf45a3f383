"""Generated maps for the property tests of the resistance analysis.

A :class:`Org` is a small organisation with everything the model reads, drawn by
hypothesis: an organisation with units, roles in them (some professional, some
hybrid or opinion leaders), professional groups, routines with interdependencies,
norms of every pillar with subscriptions and backing bodies, external forces,
initiatives, stances, influence ties, lateral support, and one change with its
transgressions (disruptions, introduced and replaced routines, violated norms,
task moves) and its context (sponsorship, Rogers attributes, divergence, leader,
rollout, feedback, concurrent initiatives). Every choice is drawn, so the
properties hold over maps nobody wrote by hand.

:meth:`Org.turtle` gives the map; the ``without_*``, ``split_role`` and
``plus_*`` methods give the variants the properties compare.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

RX = "https://w3id.org/routine-explorer/ns#"
PREFIXES = (
    "@prefix rx: <https://w3id.org/routine-explorer/ns#> .\n"
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
)
CHANGE = "urn:x:change"
PILLARS = ("regulative", "normative", "culturalCognitive")
TYPES = ("pooled", "sequential", "reciprocal")
MODES = ("topDown", "professionallyLed", "grassroots")

unit_value = st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
signed_value = st.sampled_from([-1.0, -0.6, -0.2, 0.0, 0.3, 0.7, 1.0])
maybe_unit = st.one_of(st.none(), unit_value)


@dataclass
class Org:
    """A generated map as lists of Turtle statements, grouped so that variants can drop or add groups."""

    nodes: list = field(default_factory=list)  # structure and context: always kept
    transgressions: list = field(default_factory=list)  # what the change does to routines, norms and tasks
    roles: dict = field(default_factory=dict)  # role IRI -> its statements (so a role can be split)
    agents: set = field(default_factory=set)  # change agents and their contacts (not split)
    units: list = field(default_factory=list)

    def turtle(self) -> str:
        lines = list(self.nodes) + list(self.transgressions)
        for statements in self.roles.values():
            lines += statements
        return PREFIXES + "\n".join(lines) + "\n"

    def without_transgressions(self) -> Org:
        """The same map and context, with a change that asks nobody to do anything differently."""
        other = copy.deepcopy(self)
        other.transgressions = []
        other.roles = {r: [s for s in st_ if "#TRANSGRESSION" not in s] for r, st_ in other.roles.items()}
        return other

    def without_transgression(self, k: int) -> Org:
        """The same map with the change asking one thing less: its ``k``-th transgression dropped."""
        other = copy.deepcopy(self)
        del other.transgressions[k]
        return other

    def split_role(self, role: str) -> Org:
        """``role`` drawn as two identical roles, each standing for half its people."""
        other = copy.deepcopy(self)
        statements = other.roles.pop(role)
        head = _headcount(statements)
        halves = []
        for suffix in ("-a", "-b"):
            twin = role + suffix
            text = [re.sub(r" ; rx:headcount [0-9.]+", "", s.replace(f"<{role}>", f"<{twin}>")) for s in statements]
            text.append(f"<{twin}> rx:headcount {head / 2} .")
            halves += text
        # Ties other nodes draw to the role are drawn to both halves.
        for group in (other.nodes, other.transgressions):
            for k, s in enumerate(list(group)):
                if f"<{role}>" in s:
                    group[k] = s.replace(f"<{role}>", f"<{role}-a>") + "\n" + s.replace(f"<{role}>", f"<{role}-b>")
        for r, st_ in other.roles.items():
            other.roles[r] = [
                s.replace(f"<{role}>", f"<{role}-a>") + "\n" + s.replace(f"<{role}>", f"<{role}-b>")
                if f"<{role}>" in s
                else s
                for s in st_
            ]
        other.roles[role] = halves
        return other

    def plus_unexposed(self, bare_members: int = 3) -> Org:
        """The map with nodes the change does not reach: a separate organisation with its own routines, norms,
        forces and people, and bare roles (a name and a unit) in each unit."""
        other = copy.deepcopy(self)
        extra = [
            "<urn:z:org> a rx:Organisation ; rx:workload 0.9 ; rx:changeFatigue 1.0 .",
            "<urn:z:unit> a rx:Unit ; org:unitOf <urn:z:org> ; rx:readiness 0.0 ; rx:lateralSupport <urn:z:peer> .",
            "<urn:z:peer> a rx:Unit .",
            "<urn:z:r1> a rx:Routine ; rx:embeddedness 1.0 ; rx:ownedBy <urn:z:unit> ; rx:governedBy <urn:z:n> .",
            "<urn:z:n> a rx:Norm ; rx:pillar rx:normative ; rx:formality 0.2 .",
            "<urn:z:p> a rx:Role ; org:memberOf <urn:z:unit> ; rx:performs <urn:z:r1> ; rx:subscribesTo <urn:z:n> ; "
            "rx:roleKind rx:clinicalRole .",
            "<urn:z:f> a rx:ExternalForce . [] a rx:ForceInfluence ; rx:from <urn:z:f> ; rx:to <urn:z:org> ; "
            "rx:direction rx:restraining ; rx:magnitude 1.0 .",
            "[] a rx:Stance ; rx:from <urn:z:p> ; rx:to <urn:z:other-change> ; rx:attitude -1.0 .",
            "<urn:z:other-change> a rx:Initiative ; rx:disrupts <urn:z:r1> .",
        ]
        if not self.unit_holds_transgression:
            for u in self.units:
                for k in range(bare_members):
                    extra.append(f'<{u}-bare{k}> a rx:Role ; rdfs:label "bare {k}" ; org:memberOf <{u}> .')
        other.nodes = other.nodes + extra
        return other

    unit_holds_transgression: bool = False


def _headcount(statements) -> float:
    for s in statements:
        found = re.search(r"rx:headcount ([0-9.]+)", s)
        if found:
            return float(found.group(1))
    return 1.0


@st.composite
def orgs(draw, *, max_units: int = 3, max_roles: int = 3, max_routines: int = 4, max_norms: int = 3) -> Org:
    """A random organisation with one change (see the module notes)."""
    org = Org()
    add = org.nodes.append
    t = org.transgressions.append
    add(f'<{CHANGE}> a rx:ChangeProposal ; rdfs:label "the change" .')
    add('<urn:x:org> a rx:Organisation ; rdfs:label "Trust" .')
    professions = [f"urn:x:group{k}" for k in range(draw(st.integers(1, 2)))]
    for g in professions:
        add(f'<{g}> a rx:ProfessionalGroup ; rdfs:label "{g[-6:]}" .')
    n_units = draw(st.integers(1, max_units))
    units = [f"urn:x:unit{k}" for k in range(n_units)]
    org.units = units
    for u in units:
        props = _state(
            draw,
            ("workload", "changeFatigue", "readiness", "tensionForChange", "absorptiveCapacity", "resourceAdequacy"),
        )
        add(f'<{u}> a rx:Unit ; rdfs:label "{u[-5:]}" ; org:unitOf <urn:x:org>{props} .')
    routines = [f"urn:x:routine{k}" for k in range(draw(st.integers(1, max_routines)))]
    for r in routines:
        emb = draw(maybe_unit)
        owner = draw(st.sampled_from(units))
        add(
            f'<{r}> a rx:Routine ; rdfs:label "{r[-8:]}" ; rx:ownedBy <{owner}>'
            + (f" ; rx:embeddedness {emb}" if emb is not None else "")
            + " ."
        )
    for k in range(draw(st.integers(0, len(routines)))):
        a, b = draw(st.sampled_from(routines)), draw(st.sampled_from(routines))
        if a != b:
            strength = draw(maybe_unit)
            kind = draw(st.sampled_from(TYPES + (None,)))
            add(
                f"<urn:x:dep{k}> a rx:Interdependency ; rx:from <{a}> ; rx:to <{b}>"
                + (f" ; rx:interdependenceType rx:{kind}" if kind else "")
                + (f" ; rx:strength {strength}" if strength is not None else "")
                + " ."
            )
    bodies = [f"urn:x:body{k}" for k in range(draw(st.integers(0, 2)))]
    for body in bodies:
        kind = draw(st.sampled_from(["bodyProfessional", "bodyGovernment", "bodyRegulator"]))
        add(
            f"<{body}> a rx:ExternalBody ; rx:bodyKind rx:{kind} ; rx:influence {draw(unit_value)} ; "
            f"rx:formalAuthority {draw(unit_value)} ."
        )
    norms = [f"urn:x:norm{k}" for k in range(draw(st.integers(0, max_norms)))]
    for n in norms:
        pillar = draw(st.sampled_from(PILLARS + (None,)))
        formality = draw(maybe_unit)
        extra = (f" ; rx:pillar rx:{pillar}" if pillar else "") + (
            f" ; rx:formality {formality}" if formality is not None else ""
        )
        if draw(st.booleans()):
            extra += f" ; rx:sanctionSeverity {draw(unit_value)}"
        if bodies and draw(st.booleans()):
            extra += f" ; rx:backedBy <{draw(st.sampled_from(bodies))}>"
        add(f'<{n}> a rx:Norm ; rdfs:label "{n[-5:]}"{extra} .')
        if routines and draw(st.booleans()):
            add(f"<{draw(st.sampled_from(routines))}> rx:governedBy <{n}> .")
    # Roles
    n_roles = 0
    for u in units:
        for k in range(draw(st.integers(1, max_roles))):
            role = f"{u}-role{k}"
            n_roles += 1
            kinds = draw(
                st.sampled_from(
                    [
                        "rx:clinicalRole",
                        "rx:managerialRole",
                        "rx:clinicalRole, rx:managerialRole",
                        "rx:administrativeRole",
                    ]
                )
            )
            lines = [
                f'<{role}> a rx:Role ; rdfs:label "{role[-12:]}" ; org:memberOf <{u}> ; rx:roleKind {kinds} ; '
                f"rx:headcount {draw(st.sampled_from([1, 2, 4, 10]))} ."
            ]
            if draw(st.booleans()):
                lines.append(f"<{role}> rx:ofProfession <{draw(st.sampled_from(professions))}> .")
            state = _state(draw, ("workload", "changeFatigue", "readiness", "dispositionalResistance"))
            if state:
                lines.append(f"<{role}> rx:influence {draw(unit_value)}{state} .")
            for r in draw(st.lists(st.sampled_from(routines), max_size=2, unique=True)):
                lines.append(f"<{role}> rx:performs <{r}> .")
            if norms and draw(st.booleans()):
                n = draw(st.sampled_from(norms))
                lines.append(
                    f"[] a rx:NormSubscription ; rx:from <{role}> ; rx:to <{n}> ; rx:strength {draw(unit_value)} ."
                )
            if draw(st.booleans()):
                lines.append(
                    f"[] a rx:Stance ; rx:from <{role}> ; rx:to <{CHANGE}> ; rx:attitude {draw(signed_value)} ; "
                    f"rx:confidence {draw(unit_value)} ."
                )
            if draw(st.integers(0, 4)) == 0:
                lines.append(f"<{role}> a rx:OpinionLeader .")
            org.roles[role] = lines
    role_list = list(org.roles)
    for _k in range(draw(st.integers(0, n_roles))):
        a, b = draw(st.sampled_from(role_list)), draw(st.sampled_from(role_list))
        if a != b:
            org.roles[a].append(
                f"[] a rx:InfluenceTie ; rx:from <{a}> ; rx:to <{b}> ; rx:strength {draw(unit_value)} ."
            )
    # Context of the change
    modes = draw(st.lists(st.sampled_from(MODES), max_size=2, unique=True))
    attrs = ""
    for name, strategy in (
        ("relativeAdvantage", signed_value),
        ("compatibility", signed_value),
        ("complexity", unit_value),
        ("trialability", unit_value),
        ("observability", unit_value),
        ("divergence", unit_value),
        ("resourceAdequacy", unit_value),
    ):
        if draw(st.booleans()):
            attrs += f" ; rx:{name} {draw(strategy)}"
    add(
        f"<{CHANGE}> rx:confidence {draw(unit_value)}{attrs}"
        + "".join(f" ; rx:sponsorshipMode rx:{m}" for m in modes)
        + " ."
    )
    if draw(st.booleans()):
        add(
            f"<{CHANGE}> rx:spreadLogic "
            f"rx:{draw(st.sampled_from(['mechanisticLogic', 'ecologicalLogic', 'socialLogic']))} ."
        )
    if draw(st.booleans()):
        add(
            f"<{CHANGE}> rx:rolledOutTo "
            + ", ".join(f"<{u}>" for u in draw(st.lists(st.sampled_from(units), min_size=1, unique=True)))
            + " ."
        )
    if draw(st.booleans()):
        leader = draw(st.sampled_from(role_list))
        org.agents.add(leader)
        add(f"<{CHANGE}> rx:ledBy <{leader}> .")
        for other in draw(st.lists(st.sampled_from(role_list), max_size=3, unique=True)):
            if other != leader:
                org.agents.add(other)
                add(f"<{leader}> rx:influences <{other}> .")
    if draw(st.booleans()):
        add(f"<{CHANGE}> rx:feedsBackDataTo <{draw(st.sampled_from(units))}> .")
    if len(units) > 1 and draw(st.booleans()):
        add(f"<{units[0]}> rx:lateralSupport <{units[1]}> .")
        if draw(st.booleans()):
            add(f"<{CHANGE}> rx:adoptedBy <{units[1]}> .")
    for k in range(draw(st.integers(0, 2))):
        add(
            f"<urn:x:initiative{k}> a rx:Initiative ; rx:runsConcurrentlyWith <{CHANGE}>"
            + (f" ; rx:rolledOutTo <{draw(st.sampled_from(units + ['urn:x:org']))}>" if draw(st.booleans()) else "")
            + (f" ; rx:resourceAdequacy {draw(unit_value)}" if draw(st.booleans()) else "")
            + " ."
        )
    for k in range(draw(st.integers(0, 2))):
        target = draw(st.sampled_from(units + ["urn:x:org", CHANGE] + routines))
        direction = draw(st.sampled_from(["driving", "restraining"]))
        add(
            f"<urn:x:force{k}> a rx:ExternalForce . [] a rx:ForceInfluence ; rx:from <urn:x:force{k}> ; "
            f"rx:to <{target}> ; rx:direction rx:{direction} ; rx:magnitude {draw(unit_value)} ."
        )
    for body in bodies:
        if draw(st.booleans()):
            add(f"[] a rx:Stance ; rx:from <{body}> ; rx:to <{CHANGE}> ; rx:attitude {draw(signed_value)} .")
    if norms and draw(st.booleans()):
        add(f"<{CHANGE}> rx:alignsWith <{draw(st.sampled_from(norms))}> .")
    if draw(st.booleans()):
        add(f"<{draw(st.sampled_from(units))}> rx:subscribesTo <{draw(st.sampled_from(norms))}> ." if norms else "")
        org.unit_holds_transgression = bool(norms)
    # Transgressions
    for k, r in enumerate(draw(st.lists(st.sampled_from(routines), min_size=1, max_size=3, unique=True))):
        how = draw(st.sampled_from(["disruption", "shortcut", "replaces", "introduces"]))
        if how == "disruption":
            t(
                f"<urn:x:disruption{k}> a rx:Disruption ; rx:from <{CHANGE}> ; rx:to <{r}> ; "
                f"rx:degree {draw(unit_value)} ."
            )
        elif how == "shortcut":
            t(f"<{CHANGE}> rx:disrupts <{r}> .")
        else:
            t(f"<{CHANGE}> rx:{how} <{r}> .")
    for n in draw(st.lists(st.sampled_from(norms), max_size=2, unique=True)) if norms else ():
        t(f"<{CHANGE}> rx:violates <{n}> .")
    if draw(st.booleans()) and len(role_list) > 1:
        a, b = draw(st.sampled_from(role_list)), draw(st.sampled_from(professions))
        t(f"[] a rx:TaskReallocation ; rx:from <{b}> ; rx:to <{a}> ; rx:byChange <{CHANGE}> .")
        org.unit_holds_transgression = True
    return org


def _state(draw, names) -> str:
    text = ""
    for name in names:
        value = draw(maybe_unit)
        if value is not None:
            text += f" ; rx:{name} {value}"
    return text
