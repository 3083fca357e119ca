"""Properties (hypothesis): order independence, КНП = Σ contributions, monotonic in mass."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ecologis.core.assess import compute, prepare
from ecologis.model import Emission
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules

D = load_dictionary(user_path=False)
SUBS = [s.id for s in D if (s.gdk_sd or s.gdk_mr or s.obrv)][:40]
PRESETS = [get_preset("ecologis-2025"), get_preset("knp-power")]

rows = st.lists(
    st.tuples(st.sampled_from(SUBS), st.floats(min_value=1e-6, max_value=1e4, allow_nan=False, allow_infinity=False)),
    min_size=1, max_size=25,
)


def run(pairs, preset):
    return compute(prepare([Emission(s, m) for s, m in pairs], D), preset, rules=recommendation_rules())


@settings(max_examples=60, deadline=None)
@given(rows, st.randoms(use_true_random=False), st.sampled_from(PRESETS))
def test_result_independent_of_row_order(pairs, rnd, preset):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    a, b = run(pairs, preset), run(shuffled, preset)
    assert math.isclose(a.knp, b.knp, rel_tol=1e-12)
    assert a.category == b.category
    assert sorted(c["substance_id"] for c in a.contributions) == sorted(c["substance_id"] for c in b.contributions)


@settings(max_examples=60, deadline=None)
@given(rows, st.sampled_from(PRESETS))
def test_knp_is_sum_of_contributions(pairs, preset):
    r = run(pairs, preset)
    assert math.isclose(r.knp, math.fsum(c["contribution"] for c in r.contributions), rel_tol=1e-12)
    assert math.isclose(math.fsum(c["share"] for c in r.contributions), 1.0, rel_tol=1e-9)
    assert math.isclose(float(r.row_contribution.sum()), r.knp, rel_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(min_value=0, max_value=24), st.floats(min_value=1.0001, max_value=100), st.sampled_from(PRESETS))
def test_more_mass_never_lowers_knp(pairs, i, factor, preset):
    i = i % len(pairs)
    more = list(pairs)
    more[i] = (more[i][0], more[i][1] * factor)
    assert run(more, preset).knp >= run(pairs, preset).knp
