"""Split a whole number of cents by weights: the largest-remainder method.

Each part first gets the floor of its exact share; the cents left over (fewer than the number
of parts) go one each to the parts with the largest remainders. Ties go to the earlier part
in the order given (callers pass programs in their `allocation_order`), so the split is
deterministic. The parts always add up to the whole: no cent is lost or invented.
"""

from collections.abc import Sequence

NO_WEIGHT = "Weights must be non-negative and not all zero"


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Return parts of total (cents, may be negative) proportional to weights, summing to it."""
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError(NO_WEIGHT)
    if total < 0:
        # A negative whole splits as the mirror of its absolute value.
        return [-part for part in largest_remainder(-total, weights)]
    denominator = sum(weights)
    quotients = [divmod(total * weight, denominator) for weight in weights]
    parts = [quotient for quotient, _ in quotients]
    left_over = total - sum(parts)
    # Largest remainder first; on a tie the earlier part wins.
    order = sorted(range(len(weights)), key=lambda i: (-quotients[i][1], i))
    for index in order[:left_over]:
        parts[index] += 1
    return parts
