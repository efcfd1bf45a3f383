"""Review: adding transgression must never lower a point or the context figure (docs/analysis-model.md §5)."""

from review_helpers import run, score

OWNED = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.8 ; rx:ownedBy <urn:x:ward> .
<urn:x:ward> a rx:Unit ; rdfs:label "Ward" ; rx:headcount 100 .
"""
# One member of the ward, holding a mostly written-down cultural-cognitive norm.
MEMBER = """
<urn:x:n1> a rx:Role ; org:memberOf <urn:x:ward> ; rx:subscribesTo <urn:x:nn> .
<urn:x:nn> a rx:Norm ; rx:pillar rx:culturalCognitive ; rx:formality 0.95 .
"""
# The change also violates the norm, barely.
PLUS_MEMBER_TRANSGRESSION = "<urn:x:change> rx:violates <urn:x:nn> ."


def test_a_small_transgression_on_one_member_does_not_erase_the_units_owned_routine_from_its_point_and_the_figure():
    before = run(OWNED + MEMBER)
    after = run(OWNED + MEMBER + PLUS_MEMBER_TRANSGRESSION)
    # The change now asks *more* of the ward (the same disrupted routine, plus a violated norm for one member):
    # neither the ward's point nor the figure may fall. (At review, the ward dropped from 0.32 to 0.03 and the
    # figure from 0.27 to 0.03, because the ward was replaced by its one exposed member and its 100 people
    # vanished. The map is the same on both sides here: drawing a new member is a different map, not a
    # change asking more.)
    assert score(after, "urn:x:ward") >= score(before, "urn:x:ward") - 1e-9
    assert after.figure.value >= before.figure.value - 1e-9
    assert after.figure.value >= 100 * (1 - 2.718281828459045 ** -score(before, "urn:x:ward")) - 1e-9


DISRUPTED = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.9 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.9 .
<urn:x:a> a rx:Role ; rx:performs <urn:x:r> ; rx:headcount 5 .
<urn:x:b> a rx:Role ; rx:headcount 5 .
"""


def test_adding_a_violated_norm_never_lowers_the_context_figure():
    before = run(DISRUPTED)
    after = run(
        DISRUPTED
        + """
        <urn:x:change> rx:violates <urn:x:n> .
        <urn:x:n> a rx:Norm ; rx:pillar rx:culturalCognitive ; rx:formality 0.9 .
        <urn:x:b> rx:subscribesTo <urn:x:n> ."""
    )
    # The change transgresses strictly more (a's disruption unchanged, b now bears a violated norm); the
    # figure, "comparable between maps", falls from ~0.48 to ~0.26 because b joins the denominator.
    assert after.figure.value >= before.figure.value - 1e-9
