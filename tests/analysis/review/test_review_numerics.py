"""Review: numerical robustness — a clear, finite result in bounded time."""

import math

from review_helpers import run, score

ONE = """
<urn:x:change> a rx:ChangeProposal .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
<urn:x:p> a rx:Role ; rx:performs <urn:x:r> ; org:memberOf <urn:x:u> . <urn:x:u> a rx:Unit .
"""


def test_thousands_of_concurrent_initiatives_give_a_finite_figure_and_scores():
    many = ONE + "".join(
        f"<urn:x:i{i}> a rx:Initiative ; rx:runsConcurrentlyWith <urn:x:change> .\n" for i in range(3000)
    )
    result = run(many)
    # exp(0.25 * 3000) overflows: today the figure and the scores are NaN and the reasons do not add up.
    assert math.isfinite(result.figure.value) and 0 <= result.figure.value <= result.figure.people
    for p in result.points:
        assert math.isfinite(p.score) and math.isfinite(p.likelihood)
        assert all(math.isfinite(r.value) for r in p.reasons)


AGENT = """
<urn:x:change> a rx:ChangeProposal ; rx:ledBy <urn:x:g> .
[] a rx:Disruption ; rx:from <urn:x:change> ; rx:to <urn:x:r> ; rx:degree 0.8 .
<urn:x:r> a rx:Routine ; rx:embeddedness 0.5 .
<urn:x:p> a rx:Role ; rx:performs <urn:x:r> . <urn:x:g> a rx:Role .
[] a rx:InfluenceTie ; rx:from <urn:x:g> ; rx:to <urn:x:p> ; rx:strength {s} .
"""


def test_a_tie_strength_outside_its_scale_is_read_as_clipped_like_every_other_input():
    # rx:strength is on [0, 1]; the input table clips it, but the change agent's tie terms read it raw:
    # a strength of 50 multiplies the co-optation term by 50 and wipes out the nurse's resistance (score 0).
    at_top = run(AGENT.replace("{s}", "1.0"))
    beyond = run(AGENT.replace("{s}", "50"))
    assert score(beyond, "urn:x:p") == score(at_top, "urn:x:p")


def test_people_drawn_with_no_headcount_give_a_finite_result_without_dividing_by_zero():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = run(
            ONE.replace("rx:performs <urn:x:r> ;", "rx:performs <urn:x:r> ; rx:headcount 0 ;")
            + "<urn:x:u> rx:headcount 0 .",
            runs=20,
        )
    assert result.figure.value == 0.0 and result.figure.people == 0.0 and result.figure.share == 0.0
    assert all(math.isfinite(p.score) and p.score > 0 for p in result.points)
