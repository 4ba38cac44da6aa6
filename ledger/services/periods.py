"""Fiscal quarters: their rows, and closing one.

Closing a quarter takes the chain-head lock (so nothing posts meanwhile), writes every
account's cumulative totals at the quarter's end as `BalanceSnapshot` rows, records the chain
head, and marks the quarter closed. From then on the database refuses any entry dated on or
before its end. The treasurer's close workflow (issue: treasurer) builds on this.
"""

from django.db import transaction
from django.utils import timezone

from ledger.exceptions import PeriodError
from ledger.models import BalanceSnapshot, Period
from ledger.periods import Quarter, quarter_named
from ledger.selectors import cumulative_totals
from ledger.services import store

PERIOD_ALREADY_CLOSED = "Period {period} is already closed"
PERIOD_OUT_OF_ORDER = "Close {earlier} before {period}: quarters close in order"


def period_row(quarter: Quarter) -> Period:
    """Return the row of a fiscal quarter, creating it on first use."""
    period, _ = Period.objects.get_or_create(
        name=quarter.name,
        defaults={
            "fiscal_year": quarter.fiscal_year,
            "quarter": quarter.quarter,
            "start_date": quarter.start_date,
            "end_date": quarter.end_date,
        },
    )
    return period


@transaction.atomic
def close_period(*, period: str, closed_by=None) -> Period:
    """Close a fiscal quarter: snapshot every account's totals at its end, then lock it.

    Quarters close in order. Raise PeriodError when it is already closed or an earlier
    quarter is still open, and ValueError for a name that is not like 2026Q1.
    """
    quarter = quarter_named(period)
    head_seq, head_hash = store.lock_chain_head()  # nothing posts while the snapshot is taken
    target = Period.objects.select_for_update().get(id=period_row(quarter).id)
    if target.status == Period.Status.CLOSED:
        raise PeriodError(PERIOD_ALREADY_CLOSED.format(period=target.name), period=target.name)
    earlier = (
        Period.objects.filter(start_date__lt=target.start_date)
        .exclude(status=Period.Status.CLOSED)
        .first()
    )
    if earlier is not None:
        raise PeriodError(
            PERIOD_OUT_OF_ORDER.format(earlier=earlier.name, period=target.name),
            period=target.name,
        )
    totals = cumulative_totals(as_of=target.end_date)
    BalanceSnapshot.objects.bulk_create(
        BalanceSnapshot(period=target, account_id=account_id, debits=debits, credits=credits)
        for account_id, (debits, credits) in sorted(totals.items())
    )
    target.status = Period.Status.CLOSED
    target.closed_at = timezone.now()
    target.closed_by = closed_by
    target.head_seq = head_seq
    target.head_hash = head_hash
    target.save()
    return target
