"""Giving at the point of sale: donations, round-ups, meal credits paid forward, and paying
with a community credit.

- A donation (for a chosen program or unrestricted) and a round-up to the next dollar are
  lines of the Giving category: untaxed, credited to the program's restricted-gift account
  or to unrestricted donations (`treasury.services.donations.donation_lines` decides which),
  never to sales.
- Meal credits are a line of the "Meals paid forward" item, priced by the treasury policy's
  meal credit; the check's entry credits `Liabilities:PayItForward` and, once the check
  closes, the units are recorded in the treasury's sub-ledger.
- A community credit is a tender like cash or card on the tablet and the receipt. It pays at
  most the credits' value; the check's entry takes the treasury's redemption lines (the
  liability, or the restricted fund released, per the policy), and nothing records who ate.
"""

import uuid

from django.db import transaction
from djmoney.money import Money

from ledger.money import from_cents, to_cents
from pos import clock
from pos.clock import business_date
from pos.exceptions import InvalidInputError, PaymentError
from pos.models import Device, Item, Payment, StaffMember, TabLine
from pos.models.catalog import Category
from pos.models.payments import Tender
from pos.selectors import balance_due
from pos.services import checkout
from pos.services.activity import record
from pos.services.meal_lines import MEAL_CREDITS
from pos.services.tabs import add_line, lock_open_tab
from treasury.selectors.earmarks import policy_for
from treasury.services.donations import donation_lines, round_up_cents

NO_GIVING_ITEM = "There is no donation item for {target}; load the demo venue or add one"
NOTHING_TO_ROUND = "Check {tab} is already a whole number of dollars"


def _donation_item(program: str | None) -> Item:
    account = donation_lines(amount=Money(1, "USD"), program=program)[0].account
    item = Item.objects.filter(
        category__kind=Category.Kind.GIVING, category__income_account=account, is_active=True
    ).first()
    if item is None:
        raise InvalidInputError(NO_GIVING_ITEM.format(target=program or "unrestricted gifts"))
    return item


@transaction.atomic
def add_donation(
    *, tab_id: int, line_id: uuid.UUID, amount: Money, program: str | None = None,
    staff: StaffMember, device: Device,
) -> TabLine:  # fmt: skip
    """Add a donation line (untaxed) for a program or unrestricted. Idempotent by line_id."""
    existing = TabLine.objects.filter(id=line_id).first()
    if existing is not None:
        return existing
    cents = to_cents(amount)
    if cents <= 0:
        raise InvalidInputError("A donation must be positive")
    item = _donation_item(program)
    tab = lock_open_tab(tab_id)
    line = TabLine.objects.create(
        id=line_id, tab=tab, item=item, category=item.category, name=item.name, station="",
        quantity=1, unit_price=cents, list_price=cents, unit_cost=0,
        tax_rate=item.category.tax_rate, added_by=staff, device=device, added_at=clock.now(),
    )  # fmt: skip
    record(action="line.donation", staff=staff, device=device, tab=tab, line=line.id,
           amount=cents, program=program or "")  # fmt: skip
    return line


@transaction.atomic
def round_up(
    *, tab_id: int, line_id: uuid.UUID, program: str | None = None, staff: StaffMember,
    device: Device,
) -> TabLine:  # fmt: skip
    """Round the check up to the next dollar with a donation.

    Raise InvalidInputError, NotFoundError (no such check), TabNotOpenError.
    """
    existing = TabLine.objects.filter(id=line_id).first()
    if existing is not None:
        return existing
    # Locked before its balance is read: a payment landing meanwhile cannot skew the round-up.
    cents = round_up_cents(balance_due(lock_open_tab(tab_id)))
    if not cents:
        raise InvalidInputError(NOTHING_TO_ROUND.format(tab=tab_id))
    return add_donation(tab_id=tab_id, line_id=line_id, amount=from_cents(cents, "USD"),
                        program=program, staff=staff, device=device)  # fmt: skip


def add_meal_credits(
    *, tab_id: int, line_id: uuid.UUID, units: int, staff: StaffMember, device: Device
) -> TabLine:
    """Add meal credits bought forward (units of the policy's meal credit)."""
    item = Item.objects.filter(category__income_account=MEAL_CREDITS, is_active=True).first()
    if item is None:
        raise InvalidInputError(NO_GIVING_ITEM.format(target="meal credits"))
    return add_line(tab_id=tab_id, line_id=line_id, item_id=item.id, quantity=units,
                    staff=staff, device=device)  # fmt: skip


@transaction.atomic
def pay_community_credit(
    *, tab_id: int, payment_id: uuid.UUID, units: int, staff: StaffMember, device: Device
) -> Payment:
    """Pay with meal credits: up to their value, never more than is due. Close once paid."""
    existing = Payment.objects.filter(id=payment_id).first()
    if existing is not None:
        return existing
    if units < 1:
        raise InvalidInputError("Use at least one community credit")
    tab = lock_open_tab(tab_id, key_update=True)
    value = units * policy_for(business_date()).meal_credit_cents
    amount = min(value, balance_due(tab, include_pending=True))
    if amount <= 0:
        raise PaymentError(f"Check {tab.id} has nothing due")
    payment = Payment.objects.create(
        id=payment_id, tab=tab, tender=Tender.CREDIT, amount=amount, tip=0,
        status=Payment.Status.CAPTURED, created_by=staff, device=device, created_at=clock.now(),
    )  # fmt: skip
    record(action="payment.credit.captured", staff=staff, device=device, tab=tab,
           payment=payment.id, amount=amount)  # fmt: skip
    if balance_due(tab) == 0:
        checkout.close_tab(tab_id=tab.id, staff=staff, device=device)
    return payment
