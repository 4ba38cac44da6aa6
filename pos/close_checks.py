"""What the point of sale tells the treasury's quarterly close (registered in PosConfig.ready).

The treasury never imports the point of sale; it runs these through `treasury.close`:
- cut-off: every drawer session and every check of the quarter is closed;
- reconciliation: closed checks by tender equal the ledger's sale debits, and the quarter's
  drawer variances (already posted to cash over/short at each close) are listed.
"""

import datetime

from django.db.models import F, Sum
from django.utils import timezone

from ledger.money import format_cents
from pos.models import DrawerSession, Tab
from pos.selectors import PAY_IT_FORWARD_ACCOUNT, closed_check_tenders, ledger_sale_tenders
from treasury.close import register_cutoff_check, register_reconciliation


def _end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of a business day (it runs until the next day's opening hour)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def open_drawers(quarter) -> list[str]:
    sessions = DrawerSession.objects.filter(
        status=DrawerSession.Status.OPEN, opened_at__lte=_end_of(quarter.end_date)
    ).select_related("drawer")
    return [f"{session.drawer} is still open (since {session.opened_at:%Y-%m-%d})"
            for session in sessions]  # fmt: skip


def open_checks(quarter) -> list[str]:
    tabs = Tab.objects.filter(status=Tab.Status.OPEN, opened_at__lte=_end_of(quarter.end_date))
    count = tabs.count()
    return [f"{count} checks opened in the quarter are still open"] if count else []


def tenders(quarter) -> tuple[list[str], list[str]]:
    checks = closed_check_tenders(start=quarter.start_date, end=quarter.end_date)
    # Community credits post their value, not the amount they paid (the rest of a credit goes
    # to the fridge fund); the treasury reconciles them against its meal-credit sub-ledger.
    checks.pop(PAY_IT_FORWARD_ACCOUNT, None)
    ledger = ledger_sale_tenders(start=quarter.start_date, end=quarter.end_date,
                                 accounts=list(checks))  # fmt: skip
    problems = [
        f"{account}: closed checks {format_cents(checks.get(account, 0))}, "
        f"ledger {format_cents(ledger.get(account, 0))}"
        for account in sorted(set(checks) | set(ledger))
        if checks.get(account, 0) != ledger.get(account, 0)
    ]
    total = sum(checks.values())
    return problems, [f"closed checks by tender equal the ledger ({format_cents(total)})"]


def drawer_variances(quarter) -> tuple[list[str], list[str]]:
    sessions = DrawerSession.objects.filter(
        status=DrawerSession.Status.CLOSED,
        closed_at__date__range=(quarter.start_date, quarter.end_date + datetime.timedelta(1)),
    ).exclude(counted=F("expected"))
    totals = sessions.aggregate(over=Sum(F("counted") - F("expected")))
    net = int(totals["over"] or 0)
    return [], [f"{sessions.count()} drawer closes with a variance, net {format_cents(net)}"]


def register() -> None:
    register_cutoff_check("drawers", open_drawers)
    register_cutoff_check("checks", open_checks)
    register_reconciliation("tenders", tenders)
    register_reconciliation("drawer variances", drawer_variances)
