"""Largest-remainder splits: worked examples and properties."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treasury.allocation import largest_remainder


def test_three_programs_whose_weights_do_not_divide_the_amount():
    # 1000 x 3/7 = 428.57, 428.57; 1000 x 1/7 = 142.86: floors 428 + 428 + 142 = 998.
    # Remainders (in sevenths) 4, 4, 6: the third gets a cent, then the tie 4 = 4 goes to the
    # first program in order.
    assert largest_remainder(1000, [3, 3, 1]) == [429, 428, 143]


def test_a_tie_goes_to_the_earlier_part():
    assert largest_remainder(1, [1, 1, 1]) == [1, 0, 0]
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]


def test_a_negative_whole_splits_as_its_mirror():
    assert largest_remainder(-1000, [3, 3, 1]) == [-429, -428, -143]


def test_weights_must_not_all_be_zero():
    with pytest.raises(ValueError, match="not all zero"):
        largest_remainder(100, [0, 0])


# A shared 2-core machine can stall a draw for seconds: timing is not what is tested here.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    # At least one positive weight, anywhere in the list, without filtering draws away.
    weights=st.tuples(
        st.lists(st.integers(min_value=0, max_value=10**6), max_size=4),
        st.integers(min_value=1, max_value=10**6),
        st.lists(st.integers(min_value=0, max_value=10**6), max_size=4),
    ).map(lambda parts: [*parts[0], parts[1], *parts[2]]),
)
def test_parts_always_add_up_to_the_whole_and_stay_within_a_cent_of_exact(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    denominator = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        # Each part is its exact share rounded down or up: never off by a cent or more.
        assert abs(part * denominator - total * weight) < denominator
        if weight == 0:
            assert part == 0
