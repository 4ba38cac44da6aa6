"""Reads for the point of sale: a tab's figures, what is still due, and tender reconciliation."""

from collections import namedtuple
from collections.abc import Iterable

from django.db.models import Sum

from ledger.models import EntryKind, JournalEntry, Posting, Side
from pos import sql
from pos.models import Payment, Tab
from pos.pricing import AdjustmentInput, CheckFigures, LineInput, check_figures

CARD_CLEARING_ACCOUNT = "Assets:Stripe:Clearing"
CUSTOMER_DEPOSITS_ACCOUNT = "Liabilities:CustomerDeposits"
PAY_IT_FORWARD_ACCOUNT = "Liabilities:PayItForward"


def tender_account(tender: str, drawer_account: str | None) -> str:
    """The ledger account a tender lands in: its drawer for cash, card clearing for cards, and
    customer deposits for a deposit spent on the check (the liability it was held in)."""
    if tender == "deposit":
        return CUSTOMER_DEPOSITS_ACCOUNT
    if tender == "credit":  # a community credit refunded goes back to the meal credits owed
        return PAY_IT_FORWARD_ACCOUNT
    return drawer_account if tender == "cash" else CARD_CLEARING_ACCOUNT


# What the figures read of a line and of an adjustment.
LINE_FIGURES = ("id", "category_id", "tax_rate", "quantity", "unit_price", "unit_cost")
ADJUSTMENT_FIGURES = ("kind", "line_id", "percent", "amount", "reason")
FigureLine = namedtuple("FigureLine", LINE_FIGURES)
FigureAdjustment = namedtuple("FigureAdjustment", ADJUSTMENT_FIGURES)
LIVE_LINES = (
    "SELECT id, category_id, tax_rate, quantity, unit_price, unit_cost FROM pos_tabline "
    "WHERE tab_id = %s AND voided_at IS NULL ORDER BY added_at, id"
)
ADJUSTMENTS = (
    "SELECT kind, line_id, percent, amount, reason FROM pos_adjustment "
    "WHERE tab_id = %s ORDER BY created_at, id"
)
AMOUNT_PAID = (
    "SELECT COALESCE(SUM(amount), 0) FROM pos_payment WHERE tab_id = %s AND status = 'captured'"
)
AMOUNT_PAID_OR_PENDING = AMOUNT_PAID.replace("= 'captured'", "IN ('captured', 'pending')")


def tab_figures(tab: Tab | int) -> CheckFigures:
    """Return the tab's subtotal, discounts, comps, tax and per-line net (voided lines excluded).

    Reads only the columns the figures need, by fixed SQL (pos.sql: this runs on every payment,
    twice on a card payment), in the order the ORM reads them (TabLine's Meta ordering).
    """
    tab_id = getattr(tab, "pk", tab)
    return figures_of(
        [figure_line(values) for values in sql.rows(LIVE_LINES, [tab_id])],
        [figure_adjustment(values) for values in sql.rows(ADJUSTMENTS, [tab_id])],
    )


def figure_line(values) -> FigureLine:
    """A line's LINE_FIGURES as read (a row, or a JSON array that may carry more after them)."""
    id_, category_id, rate, quantity, price, cost = values[: len(LINE_FIGURES)]
    return FigureLine(sql.as_uuid(id_), category_id, sql.as_decimal(rate, 5), quantity, price, cost)


def figure_adjustment(values) -> FigureAdjustment:
    """An adjustment's ADJUSTMENT_FIGURES as read (see figure_line)."""
    kind, line_id, percent, amount, reason = values[: len(ADJUSTMENT_FIGURES)]
    return FigureAdjustment(kind, sql.as_uuid(line_id), sql.as_decimal(percent, 2), amount, reason)


def figures_of(lines: Iterable, adjustments: Iterable) -> CheckFigures:
    """The figures of a tab's live lines and its adjustments, oldest first (created_at, id).

    Rows or model instances with the LINE_FIGURES and ADJUSTMENT_FIGURES attributes, for a
    caller that has read them already (pos.apis.outputs.describe_tab).
    """
    inputs = [
        LineInput(
            line_id=line.id,
            category_id=line.category_id,
            tax_rate=line.tax_rate,
            gross=line.quantity * line.unit_price,
            cost=line.quantity * line.unit_cost,
        )
        for line in lines
    ]
    live = {line.line_id for line in inputs}
    # A discount or comp on a line that was voided since no longer applies to anything.
    return check_figures(
        inputs,
        [
            AdjustmentInput(
                kind=adjustment.kind,
                line_id=adjustment.line_id,
                percent=adjustment.percent,
                amount=adjustment.amount,
                reason=adjustment.reason,
            )
            for adjustment in adjustments
            if adjustment.line_id is None or adjustment.line_id in live
        ],
    )


def amount_paid(tab: Tab, *, include_pending: bool = False) -> int:
    """Cents applied to the tab by captured (and, if asked, pending) payments, tips excluded."""
    paying = AMOUNT_PAID_OR_PENDING if include_pending else AMOUNT_PAID
    return int(sql.rows(paying, [getattr(tab, "pk", tab)])[0][0])


def balance_due(tab: Tab, *, include_pending: bool = False) -> int:
    return tab_figures(tab).total - amount_paid(tab, include_pending=include_pending)


def closed_check_tenders(*, start, end) -> dict[str, int]:
    """Cents collected (amount + tip) on checks closed in [start, end], by tender account."""
    totals: dict[str, int] = {}
    payments = Payment.objects.filter(
        status=Payment.Status.CAPTURED,
        tab__status=Tab.Status.CLOSED,
        tab__business_date__range=(start, end),
    ).values_list("tender", "drawer_session__drawer__account", "amount", "tip")
    for tender, drawer_account, amount, tip in payments:
        account = tender_account(tender, drawer_account)
        totals[account] = totals.get(account, 0) + amount + tip
    return totals


def ledger_sale_tenders(*, start, end, accounts) -> dict[str, int]:
    """Cents the ledger's sale entries dated in [start, end] debit to each tender account."""
    rows = (
        Posting.objects.filter(
            entry__kind=EntryKind.SALE,
            entry__status=JournalEntry.Status.POSTED,
            effective_date__range=(start, end),
            side=Side.DEBIT,
            account__name__in=accounts,
        )
        .values("account__name")
        .annotate(total=Sum("amount"))
        .values_list("account__name", "total")
    )
    return {name: int(total) for name, total in rows}
