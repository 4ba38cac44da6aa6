"""Refunds against the original check: exact cents, to the original tender, never more than paid."""

import uuid

import pytest

from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos import exceptions
from pos.gateway import get_gateway
from pos.models import Refund
from pos.services.checkout import pay_card, pay_cash
from pos.services.refunds import refund_lines
from pos.services.tabs import add_line, open_tab
from tests.pos.conftest import usd


@pytest.fixture
def paid_check(venue):
    """Two burgers ($24) and fries ($4.50): $28.50 + 8.25% tax (2.35125 -> $2.35) = $30.85."""
    tab = open_tab(client_id=uuid.uuid4(), table="7", staff=venue.cashier, device=venue.tablet)
    burgers = add_line(
        tab_id=tab.id, line_id=uuid.uuid4(), item_id=venue.burger.id, quantity=2,
        modifier_ids=[venue.medium.id], staff=venue.cashier, device=venue.tablet,
    )  # fmt: skip
    fries = add_line(
        tab_id=tab.id, line_id=uuid.uuid4(), item_id=venue.fries.id, staff=venue.cashier,
        device=venue.tablet,
    )  # fmt: skip
    return tab, burgers, fries


def refund(venue, tab, lines, **kwargs):
    return refund_lines(
        refund_id=kwargs.pop("refund_id", uuid.uuid4()), tab_id=tab.id, lines=lines,
        reason="cold food", staff=venue.cashier, device=venue.tablet,
        approved_by=kwargs.pop("approved_by", venue.manager), **kwargs,
    )  # fmt: skip


def postings(refund_row):
    entry = JournalEntry.objects.get(id=refund_row.ledger_entry_id)
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def test_refunding_a_whole_check_in_two_steps_returns_exactly_what_was_paid(venue, paid_check):
    tab, burgers, fries = paid_check
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("30.85"), tendered=usd("40"),
             staff=venue.cashier, device=venue.tablet)  # fmt: skip

    # One burger: $12.00; tax 2.35 x 12.00 / 28.50 = 0.98947 -> $0.99.
    first = refund(venue, tab, [(burgers.id, 1)])
    assert (first.subtotal, first.tax, first.tender) == (1200, 99, "cash")
    assert postings(first) == [
        ("C", "Assets:Cash:Drawer1", 1299),
        ("D", "Income:Sales:Food", 1200),
        ("D", "Liabilities:SalesTax:Payable", 99),
    ]
    # The rest: the last units take what remains: $16.50 and $1.36 of tax.
    second = refund(venue, tab, [(burgers.id, 1), (fries.id, 1)])
    assert (second.subtotal, second.tax) == (1650, 136)
    assert first.total + second.total == 3085

    with pytest.raises(exceptions.RefundError, match="only 0 left to refund"):
        refund(venue, tab, [(fries.id, 1)])
    assert account_balance(account="Income:Sales:Food") == usd("0.00")
    assert account_balance(account="Liabilities:SalesTax:Payable") == usd("0.00")
    assert verify_ledger().ok


def test_a_card_refund_goes_back_through_the_gateway_once(venue, paid_check):
    tab, burgers, _ = paid_check
    payment = pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("30.85"),
                       staff=venue.cashier, device=venue.tablet)  # fmt: skip
    refund_id = uuid.uuid4()

    done = refund(venue, tab, [(burgers.id, 2)], refund_id=refund_id)
    again = refund(venue, tab, [(burgers.id, 2)], refund_id=refund_id)

    assert done.status == again.status == Refund.Status.COMPLETED
    assert get_gateway().refunded[payment.gateway_reference] == 2400 + 198
    assert ("C", "Assets:Stripe:Clearing", 2598) in postings(done)
    with pytest.raises(exceptions.IdempotencyConflictError):
        refund(venue, tab, [(burgers.id, 1)], refund_id=refund_id)


def test_refunds_need_a_manager_and_a_closed_check(venue, paid_check):
    tab, burgers, _ = paid_check
    with pytest.raises(exceptions.RefundError, match="is not closed"):
        refund(venue, tab, [(burgers.id, 1)])
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("30.85"), tendered=usd("30.85"),
             staff=venue.cashier, device=venue.tablet)  # fmt: skip
    with pytest.raises(exceptions.ApprovalRequiredError):
        refund(venue, tab, [(burgers.id, 1)], approved_by=None)
    with pytest.raises(exceptions.PermissionDeniedError, match="is not a manager"):
        refund(venue, tab, [(burgers.id, 1)], approved_by=venue.cashier)
    with pytest.raises(exceptions.RefundError, match="was not paid by card"):
        refund(venue, tab, [(burgers.id, 1)], tender="card")
    assert not Refund.objects.exists()
