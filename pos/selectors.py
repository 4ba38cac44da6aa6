"""Reads for the point of sale: a tab's figures and what is still due on it."""

from pos.models import Payment, Tab
from pos.pricing import AdjustmentInput, CheckFigures, LineInput, check_figures


def tab_figures(tab: Tab) -> CheckFigures:
    """Return the tab's subtotal, discounts, comps, tax and per-line net (voided lines excluded)."""
    lines = [
        LineInput(
            line_id=line.id,
            category_id=line.category_id,
            tax_rate=line.category.tax_rate,
            gross=line.amount,
            cost=line.quantity * line.unit_cost,
        )
        for line in tab.lines.filter(voided_at__isnull=True).select_related("category")
    ]
    adjustments = [
        AdjustmentInput(
            kind=adjustment.kind,
            line_id=adjustment.line_id,
            percent=adjustment.percent,
            amount=adjustment.amount,
            reason=adjustment.reason,
        )
        for adjustment in tab.adjustments.order_by("created_at", "id")
    ]
    return check_figures(lines, adjustments)


def amount_paid(tab: Tab, *, include_pending: bool = False) -> int:
    """Cents applied to the tab by captured (and, if asked, pending) payments, tips excluded."""
    statuses = [Payment.Status.CAPTURED]
    if include_pending:
        statuses.append(Payment.Status.PENDING)
    return sum(tab.payments.filter(status__in=statuses).values_list("amount", flat=True))


def balance_due(tab: Tab, *, include_pending: bool = False) -> int:
    return tab_figures(tab).total - amount_paid(tab, include_pending=include_pending)
