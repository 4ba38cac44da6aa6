"""Small-cell suppression for counts of people helped.

Any count from 1 to THRESHOLD - 1 is hidden with its total. If exactly one cell would be hidden,
the total of the others and the grand total would give it away, so the next smallest cell is
hidden too (complementary suppression). If the grand total is itself under the threshold, it is
hidden as well, and so is a grand total that would reveal a lone hidden cell. Zero is
shown: it reveals nobody.
"""

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    key: str
    count: int
    total: int  # cents


def suppress(cells: list[Cell], threshold: int = THRESHOLD) -> tuple[list[dict], dict]:
    """Return rows ({key, count, total, suppressed}) and the totals row, with small cells hidden."""
    hidden = {c.key for c in cells if 0 < c.count < threshold}
    if len(hidden) == 1:
        others = sorted(
            (c for c in cells if c.key not in hidden and c.count > 0),
            key=lambda c: (c.count, c.key),
        )
        if others:
            hidden.add(others[0].key)
    rows = [
        {
            "key": c.key,
            "count": None if c.key in hidden else c.count,
            "total": None if c.key in hidden else c.total,
            "suppressed": c.key in hidden,
        }
        for c in cells
    ]
    count = sum(c.count for c in cells)
    # One hidden cell beside a visible total is no secret: hide the total too.
    small = 0 < count < threshold or len(hidden) == 1
    totals = {
        "count": None if small else count,
        "total": None if small else sum(c.total for c in cells),
        "suppressed": small,
    }
    return rows, totals
