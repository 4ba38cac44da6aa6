"""Closing a check: its ONE balanced ledger entry, its closing fields, reopening it.

A check closes when its payments cover its total: the last payment and the close, with its
entry, commit together or not at all. The entry (idempotent by an id derived from the tab's
UUID) debits each tender account (the drawer for cash, Stripe clearing for cards), credits
income per category net of discounts, sales tax payable and tips payable; comps are income
given away at menu price, debited to Expenses:Comps with their reasons; cost of goods sold is
debited at standard cost against inventory. A check with a game still running does not close.
"""

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from djmoney.money import Money

from ledger.models import EntryKind
from ledger.money import from_cents
from ledger.services import Line, credit, debit, post_entry, reverse_entry
from pos import clock, sql
from pos.clock import business_date
from pos.exceptions import (
    GamesRunningError,
    InvalidInputError,
    NotFoundError,
    PaymentError,
    TabNotOpenError,
)
from pos.models import (
    Activity,
    Category,
    Device,
    Payment,
    StaffMember,
    Tab,
)
from pos.models.payments import Tender
from pos.pricing import CheckFigures
from pos.selectors import tender_account
from pos.services import activity
from pos.services.activity import record
from pos.services.checkout.reading import Check, read_check
from pos.services.meal_lines import giving_lines
from pos.services.staff import require_manager
from pos.services.tabs.checks import TAB_NOT_FOUND

LEDGER_NAMESPACE = uuid.UUID("0b6f3c9e-55d1-4c47-9a3f-7d1c2e8a4b60")
SALES_TAX = "Liabilities:SalesTax:Payable"
TIPS = "Liabilities:Tips:Payable"
COMPS = "Expenses:Comps"

# What closing a check writes on its row.
CLOSE_FIELDS = ("status", "closed_by", "closed_at", "business_date", "ledger_entry_id",
                "subtotal", "discounts", "tax", "tips", "total", "closings", "version")  # fmt: skip
BALANCE_DUE = "Check {tab} still has {due} due"
NOTHING_TO_CLOSE = "Check {tab} has no lines; void it instead"
GAMES_RUNNING = "Check {tab} still has a game running ({games}); stop it before the last payment"


@dataclass(frozen=True)
class Standing:
    """How a check stands after a payment, as the service read it under the tab's lock.

    `figures` and `paid` (cents its captured payments cover, tips excluded). A service that
    read them sets them on the Payment it returns as `payment.standing`, and the payment's
    `tab` is then the row as the payment left it, so the answer need not read either again.
    """

    figures: CheckFigures
    paid: int


def usd(cents: int) -> Money:
    """Cents as Money, for the ledger lines the point of sale posts."""
    return from_cents(cents, "USD")


def ledger_entry_id(kind: str, client_id: uuid.UUID) -> uuid.UUID:
    """The ledger entry id of a POS event: the same event always gives the same id."""
    return uuid.uuid5(LEDGER_NAMESPACE, f"{kind}:{client_id}")


@transaction.atomic
def close_tab(*, tab_id: int, staff: StaffMember, device: Device | None = None) -> Tab:
    """Close a check whose payments cover it (a fully comped one needs none). Raise PaymentError."""
    check = read_check(tab_id)
    if check is None:
        raise NotFoundError(TAB_NOT_FOUND.format(tab=tab_id))
    if check.tab.status == Tab.Status.CLOSED:
        return check.tab
    check.require_open()
    due = check.due()
    if due:
        raise PaymentError(BALANCE_DUE.format(tab=tab_id, due=from_cents(due, "USD")), due=due)
    check_no_games_running(check)
    return _close(check, staff, device)


@transaction.atomic
def reopen_tab(
    *,
    tab_id: int,
    reason: str,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> Tab:
    """Reopen a closed check (a manager approves): its sale entry is reversed, its payments stay.

    When it closes again its sale posts anew. Raise TabNotOpenError if it was refunded.
    """
    tab = Tab.objects.select_for_update().filter(id=tab_id).first()
    if tab is None:
        raise InvalidInputError(f"There is no check {tab_id}")
    if tab.status == Tab.Status.OPEN:
        return tab
    if tab.status != Tab.Status.CLOSED:
        raise TabNotOpenError(f"Check {tab.id} was voided; it cannot be reopened")
    if not reason.strip():
        raise InvalidInputError("Give a reason for reopening the check")
    approved_by = require_manager(approved_by, action=f"reopen check {tab.id}")
    if tab.refunds.exists():
        raise TabNotOpenError(f"Check {tab.id} has refunds; it cannot be reopened")
    reverse_entry(
        entry_id=ledger_entry_id(f"tab-reopen/{tab.closings}", tab.client_id),
        reverses=tab.ledger_entry_id,
        effective_date=business_date(),
        memo=f"Check {tab.id} reopened: {reason.strip()}",
        created_by=staff.user,
    )
    tab.status, tab.ledger_entry_id = Tab.Status.OPEN, None
    tab.closed_by = tab.closed_at = tab.business_date = None
    tab.subtotal = tab.discounts = tab.tax = tab.tips = tab.total = 0
    tab.version += 1
    tab.save()
    record(action="tab.reopen", staff=staff, device=device, tab=tab, approved_by=approved_by,
           reason=reason.strip())  # fmt: skip
    return tab


def in_marks(column: str, values: list) -> str:
    """`column IN (%s, ...)` for these values (fixed SQL with one mark per value)."""
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def check_no_games_running(check: Check) -> None:
    """A check closes only once its games have stopped: their time goes on it as lines."""
    running = ", ".join(check.games)
    if running:
        raise GamesRunningError(
            GAMES_RUNNING.format(tab=check.tab.id, games=running), games=running
        )


def settle(
    check: Check, staff: StaffMember, device: Device | int | None, *, trail: list[Activity]
) -> Standing:
    """Close the check if its captured payments cover its figures; write `trail` (audit
    records) with it."""
    paid = sum(payment.amount for payment in check.captured())
    if check.figures.total == paid:
        _close(check, staff, device, trail=trail)
    else:
        activity.record_all(trail)
    return Standing(figures=check.figures, paid=paid)


def _close(
    check: Check, staff: StaffMember, device: Device | int | None, *, trail: list[Activity] = ()
) -> Tab:
    """Post the check's sale and mark it closed (its payments cover it: the caller checked).

    The audit records in `trail` (the payment that closes it) are written with its own.
    """
    tab, figures, payments = check.tab, check.figures, check.captured()
    if not figures.lines:
        raise PaymentError(NOTHING_TO_CLOSE.format(tab=tab.id))
    now = clock.now()
    day = business_date(now)
    # A reopened check posts its sale again under a new id once it closes again.
    again = f"/{tab.closings}" if tab.closings else ""
    entry = post_entry(
        entry_id=ledger_entry_id(f"tab-close{again}", tab.client_id),
        kind=EntryKind.SALE,
        effective_date=day,
        memo=str(tab),
        source_ref=f"check:{tab.id}{again}",
        lines=sale_entry_lines(
            tab,
            figures,
            payments,
            drawer_accounts=check.drawer_accounts,
            categories=check.categories,
        ),
        created_by=staff.user,
    )
    tab.status = Tab.Status.CLOSED
    tab.closed_by, tab.closed_at, tab.business_date = staff, now, day
    tab.ledger_entry_id = entry.id
    tab.subtotal = figures.subtotal
    tab.discounts = figures.discounts + figures.comps
    tab.tax = figures.tax
    tab.tips = sum(p.tip for p in payments)
    tab.total = figures.total
    tab.closings += 1
    tab.version += 1
    sql.update(tab, CLOSE_FIELDS)
    activity.record_all(
        [*trail, activity.entry(action="tab.close", staff=staff, device=device, tab=tab,
                                entry=entry.id)]
    )  # fmt: skip
    return tab


def sale_entry_lines(
    tab: Tab,
    figures: CheckFigures,
    payments: list[Payment],
    *,
    drawer_accounts: Mapping[uuid.UUID, str],
    categories: Mapping[int, Category] | None = None,
) -> list[Line]:
    """The ledger lines of a closed check (see the module docstring).

    drawer_accounts: the ledger account of each cash payment's drawer session, by session id;
    categories: those of the check's lines, by id, if the caller read them already.
    """
    if categories is None:
        ids = list({f.category_id for f in figures.lines})
        categories = {c.id: c for c in sql.select(Category, in_marks("id", ids), ids)}
    tenders: dict[str, int] = defaultdict(int)
    for payment in payments:
        if payment.tender == Tender.CREDIT:
            continue  # a community credit's side comes from the treasury (giving_lines below)
        drawer = None  # only cash lands in a drawer (tender_account)
        if payment.tender == Tender.CASH and payment.drawer_session_id:
            drawer = drawer_accounts[payment.drawer_session_id]
        tenders[tender_account(payment.tender, drawer)] += payment.amount + payment.tip
    income: dict[str, int] = defaultdict(int)
    cogs: dict[tuple[str, str], int] = defaultdict(int)
    comps, comp_reasons = 0, set()
    for line in figures.lines:
        category = categories[line.category_id]
        income[category.income_account] += line.net + line.comp
        comps += line.comp
        comp_reasons.update(line.comp_reasons)
        if category.cogs_account and line.cost:
            cogs[(category.cogs_account, category.inventory_account)] += line.cost
    tips = sum(p.tip for p in payments)
    lines = [debit(account, usd(cents)) for account, cents in sorted(tenders.items()) if cents]
    if comps:
        lines.append(debit(COMPS, usd(comps), memo="comp: " + ", ".join(sorted(comp_reasons))))
    lines += [credit(account, usd(cents)) for account, cents in sorted(income.items()) if cents]
    if figures.tax:
        lines.append(credit(SALES_TAX, usd(figures.tax)))
    if tips:
        lines.append(credit(TIPS, usd(tips)))
    for (cogs_account, inventory_account), cents in sorted(cogs.items()):
        lines += [debit(cogs_account, usd(cents)), credit(inventory_account, usd(cents))]
    # Meal credits bought and used: units in the treasury's sub-ledger, its redemption lines.
    return lines + giving_lines(tab, payments, categories)
