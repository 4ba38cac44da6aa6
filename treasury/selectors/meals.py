"""The meal-credit unit sub-ledger: lots of credits bought forward, used oldest first.

Every issued movement is a lot (units at a unit price, under the accounting setting of the
day it was bought). Redemptions and roll-overs use up lots first in, first out, so the lots
still open are the newest ones, and a lot older than the roll-over days is expired.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum

from treasury.models import MealCreditMovement

Kind = MealCreditMovement.Kind


@dataclass
class Lot:
    movement: MealCreditMovement
    remaining: int


def open_lots(*, as_of: datetime.date | None = None) -> list[Lot]:
    """Lots with units left as of a date, oldest first."""
    movements = MealCreditMovement.objects.order_by("on", "id")
    if as_of is not None:
        movements = movements.filter(on__lte=as_of)
    lots = [Lot(m, m.units) for m in movements if m.kind == Kind.ISSUED]
    used = sum(m.units for m in movements if m.kind != Kind.ISSUED)
    for lot in lots:
        taken = min(lot.remaining, used)
        lot.remaining -= taken
        used -= taken
    return [lot for lot in lots if lot.remaining]


def credits_outstanding_value(*, mode: str, as_of: datetime.date | None = None) -> int:
    """Cents of outstanding credits bought under one accounting setting."""
    return sum(
        lot.remaining * lot.movement.unit_cents
        for lot in open_lots(as_of=as_of)
        if lot.movement.mode == mode
    )


@dataclass(frozen=True)
class MealCounts:
    issued: int
    redeemed: int
    rolled_over: int
    outstanding: int


def meal_counts(*, start: datetime.date, end: datetime.date) -> MealCounts:
    """Credits issued, redeemed and rolled over in [start, end], and outstanding at its end."""
    sums = dict(
        MealCreditMovement.objects.filter(on__range=(start, end))
        .values_list("kind")
        .annotate(total=Sum("units"))
    )
    outstanding = sum(lot.remaining for lot in open_lots(as_of=end))
    return MealCounts(
        issued=int(sums.get(Kind.ISSUED, 0)),
        redeemed=int(sums.get(Kind.REDEEMED, 0)),
        rolled_over=int(sums.get(Kind.ROLLED_OVER, 0)),
        outstanding=outstanding,
    )
