"""Drawer reports (reads only): the X report of an open shift and the Z report of a closed one.

Design overview
---------------
Scope of one drawer session's report:
- Payments: the captured cash payments taken into this session, and the captured card
  payments taken on a device attached to this drawer (`Device.drawer`, as it is now) between
  the session's opening and its close (or now, for an X report).
- Checks: the CLOSED checks with at least one of those payments. Sales by category,
  discounts, comps, tax and voids are whole-check figures, so a check paid partly through
  another drawer counts in both reports; tenders and tips count only this session's payments.
  Payments on checks still open are shown apart (`paid_on_open_checks`), as the ledger has no
  sale for them yet. A card payment on a device attached to no drawer is in no drawer report.
- Voids: the voided lines of those checks that were added during the session, by reason.
- Refunds: completed refunds paid from this session's drawer, and card refunds made on its
  devices during the session.

Figures follow the ledger, so that a Z report reconciles with it to the cent:
- Net sales per category = gross (at the price charged) - discounts: the income credited by
  the check's sale entry. Comps are booked as income at menu price and again as an expense
  (Expenses:Comps), so they are inside net sales and shown on their own with their reasons;
  what guests were charged before tax is net sales - comps.
- Tax is the frozen `Tab.tax` of each check (what its entry credited to sales tax payable).
- Tender totals (amount + tip) equal the debits of the sale entries to the drawer's account
  (cash) and to Assets:Stripe:Clearing (card).
- Expected cash = opening float + cash payments (amount + tip) + paid-ins - paid-outs - drops
  - completed cash refunds of the session. It is computed live for an X report and is the
  figure stored at close for a Z report. The close is a blind count, so an X report asked
  for with `blind=True` (anyone who is not a manager) leaves it out.
"""

import dataclasses
import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from djmoney.money import Money

from ledger.money import format_cents, from_cents, to_cents
from pos import clock
from pos.exceptions import NotFoundError
from pos.models import (
    Adjustment,
    CashMovement,
    Device,
    DrawerSession,
    Payment,
    Refund,
    Tab,
    TabLine,
)
from pos.models.payments import Tender
from pos.pricing import AdjustmentInput, CheckFigures, LineInput, check_figures

CURRENCY = "USD"
SESSION_NOT_FOUND = "There is no drawer session {session}"


@dataclass(frozen=True)
class CategorySales:
    category: str
    quantity: int
    gross: Money
    discounts: Money
    comps: Money
    net_sales: Money  # gross - discounts: the income credited (comps included)


@dataclass(frozen=True)
class ReasonTotal:
    reason: str
    count: int
    amount: Money


@dataclass(frozen=True)
class TenderTotal:
    tender: str  # "cash" or "card"
    count: int
    amount: Money  # applied to checks, tips excluded
    tips: Money
    total: Money  # amount + tips: what the ledger debits


@dataclass(frozen=True)
class Movement:
    kind: str
    label: str
    reason: str
    account: str
    amount: Money
    at: datetime.datetime
    by: str
    approved_by: str


@dataclass(frozen=True)
class DrawerReport:
    session_id: uuid.UUID
    drawer: str
    final: bool  # True: Z report (session closed); False: X report
    opened_at: datetime.datetime
    opened_by: str
    closed_at: datetime.datetime | None
    closed_by: str
    as_of: datetime.datetime
    checks: int
    sales_by_category: tuple[CategorySales, ...]
    gross_sales: Money
    discounts: Money
    comps: Money
    net_sales: Money
    comps_by_reason: tuple[ReasonTotal, ...]
    taxes: Money
    tenders: tuple[TenderTotal, ...]  # cash first, then card
    cash_tips: Money
    card_tips: Money
    voids_by_reason: tuple[ReasonTotal, ...]
    refunds: tuple[ReasonTotal, ...]  # by tender
    open_checks: int
    paid_on_open_checks: Money
    movements: tuple[Movement, ...]
    paid_ins: Money
    paid_outs: Money
    drops: Money
    no_sales: int
    opening_float: Money
    cash_taken: Money  # every cash payment into the drawer (amount + tip), open checks too
    cash_refunds: Money
    expected_cash: Money | None  # None on a blind X report
    counted: Money | None
    variance: Money | None
    variance_approved_by: str

    def as_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data: money as strings like "12.34"."""
        return {
            field.name: _jsonable(getattr(self, field.name)) for field in dataclasses.fields(self)
        }


def drawer_report(*, session_id: uuid.UUID, blind: bool = False) -> DrawerReport:
    """Return the X (open) or Z (closed) report of a drawer session. Raise NotFoundError.

    blind=True leaves expected cash out of an X report, for whoever will count the drawer.
    """
    session = (
        DrawerSession.objects.select_related(
            "drawer", "opened_by", "closed_by", "variance_approved_by"
        )
        .filter(id=session_id)
        .first()
    )
    if session is None:
        raise NotFoundError(SESSION_NOT_FOUND.format(session=session_id))
    final = session.status == DrawerSession.Status.CLOSED
    as_of = clock.now()
    start, end = session.opened_at, session.closed_at or as_of
    device_ids = list(
        Device.objects.filter(drawer_id=session.drawer_id).values_list("id", flat=True)
    )
    in_window = Q(created_at__gte=start, created_at__lte=end)
    payments = list(
        Payment.objects.filter(status=Payment.Status.CAPTURED)
        .filter(
            Q(drawer_session=session, tender=Tender.CASH)
            | (Q(tender=Tender.CARD, device_id__in=device_ids) & in_window)
        )
        .select_related("tab")
    )
    closed = [p for p in payments if p.tab.status == Tab.Status.CLOSED]
    tabs = {p.tab_id: p.tab for p in closed}
    figures = _figures_by_tab(list(tabs))
    sales, comps_by_reason = _sales(figures)
    gross = sum(row[1] for row in sales.values())
    discounts = sum(row[2] for row in sales.values())
    comps = sum(row[3] for row in sales.values())
    tenders = {tender: [0, 0, 0] for tender in (Tender.CASH, Tender.CARD)}
    for payment in closed:
        row = tenders[payment.tender]
        row[0], row[1], row[2] = row[0] + 1, row[1] + payment.amount, row[2] + payment.tip
    on_open = [p for p in payments if p.tab.status != Tab.Status.CLOSED]
    voids = TabLine.objects.filter(
        tab_id__in=list(tabs), voided_at__isnull=False, added_at__gte=start, added_at__lte=end
    )
    void_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in voids:
        void_totals[line.void_reason][0] += 1
        void_totals[line.void_reason][1] += line.amount
    refund_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for refund in _refunds(session, device_ids, in_window):
        refund_totals[refund.tender][0] += 1
        refund_totals[refund.tender][1] += refund.total
    movements = list(
        session.movements.select_related("created_by", "approved_by").order_by("created_at", "id")
    )
    moved = _movement_totals(movements)
    if final:
        expected: int | None = session.expected
    else:
        expected = None if blind else expected_cash_cents(session)
    return DrawerReport(
        session_id=session.id,
        drawer=session.drawer.name,
        final=final,
        opened_at=session.opened_at,
        opened_by=session.opened_by.display_name,
        closed_at=session.closed_at,
        closed_by=session.closed_by.display_name if session.closed_by else "",
        as_of=as_of,
        checks=len(tabs),
        sales_by_category=tuple(
            CategorySales(name, quantity, _usd(g), _usd(d), _usd(c), _usd(g - d))
            for name, (quantity, g, d, c) in sorted(sales.items())
        ),
        gross_sales=_usd(gross),
        discounts=_usd(discounts),
        comps=_usd(comps),
        net_sales=_usd(gross - discounts),
        comps_by_reason=_reason_rows(comps_by_reason),
        taxes=_usd(sum(tab.tax for tab in tabs.values())),
        tenders=tuple(
            TenderTotal(str(tender), n, _usd(amount), _usd(tip), _usd(amount + tip))
            for tender, (n, amount, tip) in tenders.items()
        ),
        cash_tips=_usd(tenders[Tender.CASH][2]),
        card_tips=_usd(tenders[Tender.CARD][2]),
        voids_by_reason=_reason_rows(void_totals),
        refunds=_reason_rows(refund_totals),
        open_checks=len({p.tab_id for p in on_open}),
        paid_on_open_checks=_usd(sum(p.amount + p.tip for p in on_open)),
        movements=tuple(
            Movement(
                kind=m.kind,
                label=CashMovement.Kind(m.kind).label,
                reason=m.reason,
                account=m.account,
                amount=_usd(m.amount),
                at=m.created_at,
                by=m.created_by.display_name,
                approved_by=m.approved_by.display_name if m.approved_by else "",
            )
            for m in movements
        ),
        paid_ins=_usd(moved[CashMovement.Kind.PAID_IN]),
        paid_outs=_usd(moved[CashMovement.Kind.PAID_OUT]),
        drops=_usd(moved[CashMovement.Kind.DROP]),
        no_sales=sum(1 for m in movements if m.kind == CashMovement.Kind.NO_SALE),
        opening_float=_usd(session.opening_float),
        cash_taken=_usd(sum(p.amount + p.tip for p in payments if p.tender == Tender.CASH)),
        cash_refunds=_usd(refund_totals.get(Tender.CASH, [0, 0])[1]),
        expected_cash=None if expected is None else _usd(expected),
        counted=_usd(session.counted) if final else None,
        variance=_usd(session.variance) if final else None,
        variance_approved_by=(
            session.variance_approved_by.display_name if session.variance_approved_by else ""
        ),
    )


def expected_cash_cents(session: DrawerSession) -> int:
    """Return the cents the drawer should hold now (see the module docstring)."""
    cash_in = Payment.objects.filter(
        drawer_session=session, tender=Tender.CASH, status=Payment.Status.CAPTURED
    ).aggregate(
        amounts=Sum("amount", default=0),
        tips=Sum("tip", default=0),
    )
    refunded = Refund.objects.filter(
        drawer_session=session, tender=Tender.CASH, status=Refund.Status.COMPLETED
    ).aggregate(subtotal=Sum("subtotal", default=0), tax=Sum("tax", default=0))
    moved = _movement_totals(CashMovement.objects.filter(session=session))
    return (
        session.opening_float
        + cash_in["amounts"]
        + cash_in["tips"]
        + moved[CashMovement.Kind.PAID_IN]
        - moved[CashMovement.Kind.PAID_OUT]
        - moved[CashMovement.Kind.DROP]
        - refunded["subtotal"]
        - refunded["tax"]
    )


def _movement_totals(movements) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for movement in movements:
        totals[movement.kind] += movement.amount
    return totals


def _refunds(session: DrawerSession, device_ids: list[int], in_window: Q) -> list[Refund]:
    return list(
        Refund.objects.filter(status=Refund.Status.COMPLETED).filter(
            Q(drawer_session=session, tender=Tender.CASH)
            | (Q(tender=Tender.CARD, device_id__in=device_ids) & in_window)
        )
    )


def _figures_by_tab(tab_ids: list[int]) -> dict[int, tuple[CheckFigures, dict]]:
    """Return each check's figures (and its lines by id) in three queries.

    The inputs mirror `pos.selectors.tab_figures` (same lines, same order, same adjustments),
    which priced the check when it closed; the report-equals-ledger test guards the mirror.
    """
    lines: dict[int, list[TabLine]] = defaultdict(list)
    for line in (
        TabLine.objects.filter(tab_id__in=tab_ids, voided_at__isnull=True)
        .select_related("category")
        .order_by("added_at", "id")
    ):
        lines[line.tab_id].append(line)
    adjustments: dict[int, list[AdjustmentInput]] = defaultdict(list)
    for adjustment in Adjustment.objects.filter(tab_id__in=tab_ids).order_by("created_at", "id"):
        adjustments[adjustment.tab_id].append(
            AdjustmentInput(
                kind=adjustment.kind,
                line_id=adjustment.line_id,
                percent=adjustment.percent,
                amount=adjustment.amount,
                reason=adjustment.reason,
            )
        )
    result = {}
    for tab_id in tab_ids:
        inputs = [
            LineInput(
                line_id=line.id,
                category_id=line.category_id,
                tax_rate=line.tax_rate,
                gross=line.amount,
                cost=line.quantity * line.unit_cost,
            )
            for line in lines[tab_id]
        ]
        by_id = {line.id: line for line in lines[tab_id]}
        result[tab_id] = (check_figures(inputs, adjustments[tab_id]), by_id)
    return result


def _sales(figures) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Return {category: [quantity, gross, discounts, comps]} and {comp reason: [lines, cents]}."""
    sales: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    comps: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for check, lines in figures.values():
        for figure in check.lines:
            line = lines[figure.line_id]
            row = sales[line.category.name]
            row[0] += line.quantity
            row[1] += figure.gross
            row[2] += figure.discount
            row[3] += figure.comp
            if figure.comp:
                # A line comped twice carries both reasons; its amount is not split between them.
                reason = ", ".join(sorted(set(figure.comp_reasons)))
                comps[reason][0] += 1
                comps[reason][1] += figure.comp
    return sales, comps


def _reason_rows(totals: dict[str, list[int]]) -> tuple[ReasonTotal, ...]:
    return tuple(
        ReasonTotal(reason, count, _usd(cents)) for reason, (count, cents) in sorted(totals.items())
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Money):
        return format_cents(to_cents(value), value.currency.code)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def _usd(cents: int) -> Money:
    return from_cents(cents, CURRENCY)
