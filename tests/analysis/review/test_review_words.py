"""Review: the words a change agent reads (docs/analysis-model.md §6; DOMAIN.md §4.8)."""

from review_helpers import run

COOPTATION = """
<urn:x:change> a rx:ChangeProposal ; rx:ledBy <urn:x:agent> ; rx:divergence 0.1 .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
<urn:x:p> a rx:Role ; rx:performs <urn:x:r> . <urn:x:q> a rx:Role ; rx:performs <urn:x:r> .
<urn:x:agent> a rx:Role .
[] a rx:InfluenceTie ; rx:from <urn:x:agent> ; rx:to <urn:x:p> ; rx:strength 0.9 .
[] a rx:InfluenceTie ; rx:from <urn:x:agent> ; rx:to <urn:x:q> ; rx:strength 0.9 .
[] a rx:Stance ; rx:from <urn:x:q> ; rx:to <urn:x:change> ; rx:attitude -0.9 .
[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude 0.0 .
<urn:x:hl> a rx:HybridLeader ; rx:influences <urn:x:p> .
"""


def test_cooptation_ties_and_nearby_leaders_are_not_labelled_brokerage_across_structural_holes():
    # Battilana and Casciaro 2013 is about *strong ties* (affective cooptation), McGivern 2015 about hybrid
    # leaders; neither is Burt's brokerage. Today all three reasons carry the construct label
    # "brokerage across structural holes" (rx:burtBrokerage in analysis-weights.toml).
    result = run(COOPTATION)
    mechanisms = {"interaction.fence_sitter_tie", "interaction.resistor_tie", "context.leader_nearby"}
    found = [r for p in result.points if p.role == "carrier" for r in p.reasons if r.mechanism in mechanisms]
    assert {r.mechanism for r in found} == mechanisms
    assert not any(r.construct_label == "brokerage across structural holes" for r in found)


NAMED_PERSON = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.9 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
<urn:x:smith> a rx:Person ; rdfs:label "Dr Jane Smith" ; rx:performs <urn:x:r> ; org:memberOf <urn:x:icu> .
<urn:x:icu> a rx:Unit ; rdfs:label "ICU" .
[] a rx:Stance ; rx:from <urn:x:smith> ; rx:to <urn:x:change> ; rx:attitude -0.9 .
"""


def test_a_named_person_is_not_labelled_as_likely_to_resist_by_default():
    # DOMAIN.md §4.8 and docs: "never a verdict on a named person". Today "Dr Jane Smith" is a ranked point:
    # "Resistance very likely (…)".
    result = run(NAMED_PERSON)
    for p in result.points:
        assert "Jane Smith" not in p.label and "Jane Smith" not in p.sentence, (p.label, p.sentence)


def test_a_named_person_is_counted_in_the_figure_and_listed_only_when_asked():
    hidden, named = run(NAMED_PERSON), run(NAMED_PERSON, name_people=True)
    assert hidden.figure.value == named.figure.value > 0 and hidden.figure.people == 1
    assert [str(p.node) for p in named.points if p.role == "carrier"] == ["urn:x:smith"]
    assert not [p for p in hidden.points if str(p.node) == "urn:x:smith"]
    # The unit the person is in still reads as its people, without naming them.
    icu = next(p for p in hidden.points if str(p.node) == "urn:x:icu")
    assert icu.role == "collective" and icu.score > 0
