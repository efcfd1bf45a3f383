"""Review: the uncertainty intervals must bracket the estimate (docs/analysis-model.md §5 and §7)."""

from review_helpers import point, run

AT_THE_ENDS = """
<urn:x:change> a rx:ChangeProposal ; rx:relativeAdvantage -1.0 ; rx:compatibility -1.0 ; rx:complexity 1.0 ;
    rx:divergence 0.5 ; rx:trialability 0.5 ; rx:observability 0.5 ; rx:resourceAdequacy 0.5 ;
    rx:sponsorshipMode rx:grassroots ; rx:ledBy <urn:x:lead> ; rx:confidence 0.0 .
<urn:x:lead> a rx:Role .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.1 ; rx:confidence 1.0 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.1 ; rx:confidence 1.0 .
<urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; rx:workload 1.0 ; rx:changeFatigue 1.0 ; rx:readiness 0.0 ;
    rx:tensionForChange 0.0 ; rx:absorptiveCapacity 0.0 ; rx:resourceAdequacy 0.0 ; rx:confidence 0.0 .
[] a rx:Stance ; rx:from <urn:x:p> ; rx:to <urn:x:change> ; rx:attitude -1.0 ; rx:confidence 0.0 .
"""


def test_the_interval_brackets_the_estimate_when_stated_inputs_sit_at_the_end_of_their_scale():
    # Stated values at the end of their scale can only be drawn inwards (clipped normal), so every run is
    # below the estimate: today the nurse reads 56 % with an interval of 17–51 %, the figure likewise.
    result = run(AT_THE_ENDS, runs=200, seed=0)
    p = point(result, "urn:x:p")
    assert p.likelihood_low <= p.likelihood <= p.likelihood_high
    assert p.score_low <= p.score <= p.score_high
    assert result.figure.low <= result.figure.value <= result.figure.high
