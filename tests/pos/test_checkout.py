"""Worked examples: a check from first line to ledger entry, with hand-computed figures.

Tax on food is 8.25%, on alcohol 10%, rounded half-up once per check and rate.
"""

import datetime
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ledger.models import JournalEntry
from ledger.money import from_cents
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos import exceptions
from pos.gateway import get_gateway
from pos.models import Payment, Tab
from pos.pricing import split_evenly
from pos.selectors import balance_due, tab_figures
from pos.services.checkout import add_adjustment, close_tab, pay_card, pay_cash, reopen_tab
from pos.services.tabs import add_line, open_tab, send_to_preparation, void_line
from tests.pos.conftest import usd

TUESDAY_EVENING = datetime.datetime(2026, 2, 17, 20, 0, tzinfo=timezone.get_default_timezone())
TUESDAY_HAPPY_HOUR = TUESDAY_EVENING.replace(hour=17, minute=30)


@pytest.fixture
def at(monkeypatch):
    """Set the server's clock (prices and business dates follow it)."""

    def set_clock(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_clock(TUESDAY_EVENING)
    return set_clock


def new_tab(venue, name="Sam"):
    return open_tab(client_id=uuid.uuid4(), name=name, staff=venue.cashier, device=venue.tablet)


def add(venue, tab, item, **kwargs):
    return add_line(
        tab_id=tab.id, line_id=uuid.uuid4(), item_id=item.id, staff=venue.cashier,
        device=venue.tablet, **kwargs,
    )  # fmt: skip


def postings(entry_id):
    entry = JournalEntry.objects.get(id=entry_id)
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def test_card_sale_with_tip_and_tax(venue, at):
    """Burger (medium) $12 + fries $4.50 = $16.50; tax 8.25% = 1.36125 -> $1.36; $3 tip."""
    tab = new_tab(venue)
    add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    add(venue, tab, venue.fries)

    assert tab_figures(tab).total == 1786
    payment = pay_card(
        tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("17.86"), tip=usd("3.00"),
        staff=venue.cashier, device=venue.tablet,
    )  # fmt: skip

    tab.refresh_from_db()
    assert payment.status == Payment.Status.CAPTURED
    assert tab.status == Tab.Status.CLOSED
    assert (tab.subtotal, tab.tax, tab.tips, tab.total) == (1650, 136, 300, 1786)
    assert tab.business_date == datetime.date(2026, 2, 17)
    assert postings(tab.ledger_entry_id) == [
        ("C", "Assets:Inventory:Food", 500),
        ("C", "Income:Sales:Food", 1650),
        ("C", "Liabilities:SalesTax:Payable", 136),
        ("C", "Liabilities:Tips:Payable", 300),
        ("D", "Assets:Stripe:Clearing", 2086),
        ("D", "Expenses:CostOfGoodsSold:Food", 500),
    ]
    assert get_gateway().charged[payment.gateway_reference] == 2086
    assert verify_ledger().ok


def test_happy_hour_beer_for_cash_with_change_after_an_age_check(venue, at):
    """Two lagers at happy hour: $6 - $1 = $5 each, $10 + 10% tax = $11; $20 tendered."""
    at(TUESDAY_HAPPY_HOUR)
    tab = new_tab(venue)
    with pytest.raises(exceptions.AgeCheckRequiredError, match="Lager is for guests 21"):
        add(venue, tab, venue.beer, quantity=2)
    line = add(venue, tab, venue.beer, quantity=2, age_confirmed=True)
    add(venue, tab, venue.beer)  # the age check is asked once per tab

    tab.refresh_from_db()
    assert (line.unit_price, line.list_price, line.price_rule) == (500, 600, "Happy hour")
    assert tab.age_checked_by == venue.cashier
    payment = pay_cash(
        tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("16.50"), tendered=usd("20.00"),
        staff=venue.cashier, device=venue.tablet,
    )  # fmt: skip

    tab.refresh_from_db()
    assert payment.change == 350
    assert tab.status == Tab.Status.CLOSED
    assert postings(tab.ledger_entry_id) == [
        ("C", "Assets:Inventory:Alcohol", 450),
        ("C", "Income:Sales:Alcohol", 1500),
        ("C", "Liabilities:SalesTax:Payable", 150),
        ("D", "Assets:Cash:Drawer1", 1650),
        ("D", "Expenses:CostOfGoodsSold:Alcohol", 450),
    ]


def test_happy_hour_ends_on_time(venue, at):
    at(TUESDAY_EVENING.replace(hour=18, minute=0))
    assert add(venue, new_tab(venue), venue.beer, age_confirmed=True).unit_price == 600


def test_an_86d_item_cannot_be_sold(venue, at):
    venue.fries.out_of_stock = True
    venue.fries.save()
    with pytest.raises(exceptions.ItemUnavailableError, match="Fries is out of stock"):
        add(venue, new_tab(venue), venue.fries)


def test_required_modifiers_are_enforced_and_priced(venue, at):
    tab = new_tab(venue)
    with pytest.raises(exceptions.ModifierChoiceError, match="choose at least 1 from Doneness"):
        add(venue, tab, venue.burger)
    line = add(venue, tab, venue.burger, modifier_ids=[venue.medium.id, venue.bacon.id])
    assert (line.unit_price, [m["name"] for m in line.modifiers]) == (1400, ["Medium", "Bacon"])


def test_split_evenly_three_ways_adds_up(venue, at):
    """$17.86 in three parts: 5.96 + 5.95 + 5.95."""
    tab = new_tab(venue)
    add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    add(venue, tab, venue.fries)
    parts = split_evenly(tab_figures(tab).total, 3)
    assert parts == [596, 595, 595]

    for cents in parts:
        pay_card(
            tab_id=tab.id, payment_id=uuid.uuid4(), amount=from_cents(cents, "USD"),
            staff=venue.cashier, device=venue.tablet,
        )  # fmt: skip

    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    assert ("D", "Assets:Stripe:Clearing", 1786) in postings(tab.ledger_entry_id)


def test_a_comp_needs_a_manager_and_is_recorded_at_menu_price(venue, at):
    """Fries comped (slow kitchen): income $4.50 offset by Expenses:Comps; no tax on it."""
    tab = new_tab(venue)
    add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    fries = add(venue, tab, venue.fries)
    comp = {"tab_id": tab.id, "kind": "comp", "line_id": fries.id, "percent": Decimal(100),
            "reason": "slow kitchen", "staff": venue.cashier}  # fmt: skip
    with pytest.raises(exceptions.ApprovalRequiredError, match="A manager must approve"):
        add_adjustment(adjustment_id=uuid.uuid4(), **comp)
    add_adjustment(adjustment_id=uuid.uuid4(), approved_by=venue.manager, **comp)

    figures = tab_figures(tab)
    assert (figures.subtotal, figures.comps, figures.tax, figures.total) == (1650, 450, 99, 1299)
    pay_cash(
        tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("12.99"), tendered=usd("12.99"),
        staff=venue.cashier, device=venue.tablet,
    )  # fmt: skip
    tab.refresh_from_db()
    entry = JournalEntry.objects.get(id=tab.ledger_entry_id)
    comp_posting = entry.postings.get(account__name="Expenses:Comps")
    assert (comp_posting.side, comp_posting.amount, comp_posting.memo) == (
        "D", 450, "comp: slow kitchen",
    )  # fmt: skip
    assert ("C", "Income:Sales:Food", 1650) in postings(entry.id)


def test_a_small_discount_needs_no_manager_but_a_big_one_does(venue, at):
    tab = new_tab(venue)
    add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    add_adjustment(
        tab_id=tab.id, adjustment_id=uuid.uuid4(), kind="discount", percent=Decimal(10),
        reason="staff meal", staff=venue.cashier,
    )  # fmt: skip
    with pytest.raises(exceptions.ApprovalRequiredError):
        add_adjustment(
            tab_id=tab.id, adjustment_id=uuid.uuid4(), kind="discount", amount=usd("5.00"),
            reason="birthday", staff=venue.cashier,
        )  # fmt: skip
    # $12 - 10% = $10.80; tax 0.891 -> $0.89
    assert tab_figures(tab).total == 1169


def test_a_sent_line_needs_a_manager_to_void_and_makes_a_cancel_ticket(venue, at):
    tab = new_tab(venue)
    burger = add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    fries = add(venue, tab, venue.fries)
    void_line(line_id=fries.id, reason="changed mind", staff=venue.cashier)  # not sent: no PIN
    (ticket,) = send_to_preparation(tab_id=tab.id, staff=venue.cashier)
    assert (ticket.station, ticket.kind, ticket.lines.count()) == ("grill", "order", 1)

    with pytest.raises(exceptions.ApprovalRequiredError):
        void_line(line_id=burger.id, reason="wrong order", staff=venue.cashier)
    void_line(
        line_id=burger.id, reason="wrong order", staff=venue.cashier, approved_by=venue.manager
    )

    assert tab.tickets.filter(kind="cancel", station="grill").count() == 1
    assert tab_figures(tab).total == 0


def test_payments_are_idempotent_and_never_exceed_what_is_due(venue, at):
    tab = new_tab(venue)
    add(venue, tab, venue.fries)  # $4.50 + 0.37125 -> $4.87
    payment_id = uuid.uuid4()
    with pytest.raises(exceptions.PaymentError, match="more than the"):
        pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("5.00"), staff=venue.cashier,
                 device=venue.tablet)  # fmt: skip
    first = pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("4.87"),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip
    calls = get_gateway().calls
    again = pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("4.87"),
                     staff=venue.cashier, device=venue.tablet)  # fmt: skip

    assert again.id == first.id
    assert get_gateway().calls == calls, "a replay never reaches the gateway again"
    with pytest.raises(exceptions.IdempotencyConflictError):
        pay_card(tab_id=tab.id, payment_id=payment_id, amount=usd("4.00"),
                 staff=venue.cashier, device=venue.tablet)  # fmt: skip
    assert JournalEntry.objects.filter(kind="sale").count() == 1


def test_a_declined_card_leaves_the_check_open(venue, at):
    tab = new_tab(venue)
    add(venue, tab, venue.fries)
    attempt = uuid.uuid4()
    get_gateway().decline_attempts.add(attempt)

    with pytest.raises(exceptions.PaymentDeclinedError):
        pay_card(tab_id=tab.id, payment_id=attempt, amount=usd("4.87"), staff=venue.cashier,
                 device=venue.tablet)  # fmt: skip

    tab.refresh_from_db()
    assert tab.status == Tab.Status.OPEN
    assert balance_due(tab) == 487
    assert not JournalEntry.objects.filter(kind="sale").exists()


def test_a_fully_comped_check_closes_without_payment(venue, at):
    tab = new_tab(venue)
    add(venue, tab, venue.darts)
    add_adjustment(
        tab_id=tab.id, adjustment_id=uuid.uuid4(), kind="comp", percent=Decimal(100),
        reason="broken board", staff=venue.cashier, approved_by=venue.manager,
    )  # fmt: skip

    closed = close_tab(tab_id=tab.id, staff=venue.cashier)

    assert closed.status == Tab.Status.CLOSED
    assert postings(closed.ledger_entry_id) == [
        ("C", "Income:Rentals:Games", 1000),
        ("D", "Expenses:Comps", 1000),
    ]
    assert account_balance(account="Income:Rentals:Games") == usd("10.00")


def test_every_action_records_who_and_on_which_tablet(venue, at):
    tab = new_tab(venue)
    fries = add(venue, tab, venue.fries)
    void_line(line_id=fries.id, reason="changed mind", staff=venue.cashier, device=venue.tablet)
    add(venue, tab, venue.burger, modifier_ids=[venue.medium.id])
    send_to_preparation(tab_id=tab.id, staff=venue.cashier, device=venue.tablet)
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("12.99"), tendered=usd("20"),
             staff=venue.cashier, device=venue.tablet)  # fmt: skip

    trail = list(tab.activities.order_by("id").values_list("action", "staff", "device"))
    assert [action for action, _, _ in trail] == [
        "tab.open", "line.add", "line.void", "line.add", "tab.send", "payment.cash.captured",
        "tab.close",
    ]  # fmt: skip
    assert {(staff, device) for _, staff, device in trail} == {(venue.cashier.id, venue.tablet.id)}


def test_a_manager_can_reopen_a_check_and_its_sale_posts_again(venue, at):
    """Fries paid by card; reopened to add a second portion: $9.00 + 8.25% (0.7425) = $9.74."""
    tab = new_tab(venue)
    add(venue, tab, venue.fries)
    pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("4.87"), staff=venue.cashier,
             device=venue.tablet)  # fmt: skip
    tab.refresh_from_db()
    first_sale = tab.ledger_entry_id

    with pytest.raises(exceptions.ApprovalRequiredError):
        reopen_tab(tab_id=tab.id, reason="forgot the fries", staff=venue.cashier)
    reopen_tab(tab_id=tab.id, reason="forgot the fries", staff=venue.cashier,
               approved_by=venue.manager)  # fmt: skip
    add(venue, tab, venue.fries)
    pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("4.87"), staff=venue.cashier,
             device=venue.tablet)  # fmt: skip

    tab.refresh_from_db()
    assert (tab.status, tab.closings, tab.total) == (Tab.Status.CLOSED, 2, 974)
    assert JournalEntry.objects.get(reverses_id=first_sale).kind == "reversal"
    assert ("D", "Assets:Stripe:Clearing", 974) in postings(tab.ledger_entry_id)
    assert account_balance(account="Income:Sales:Food") == usd("9.00")
    assert verify_ledger().ok


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tender", ["cash", "card"])
def test_a_payment_that_waited_for_the_check_sees_the_line_added_meanwhile(venue, at, tender):
    """Fries $4.50 + 8.25% = $4.87 is due when a second tablet adds more fries and, holding the
    check, a payment of $4.87 arrives: it waits, then must count the new line ($9.74 in all,
    tax 0.7425 -> $0.74): the check stays open with $4.87 due, and nothing is posted yet."""
    tab = new_tab(venue)
    add(venue, tab, venue.fries)
    line_in = threading.Event()

    def second_tablet() -> None:
        try:
            with transaction.atomic():
                add(venue, tab, venue.fries)  # locks the check until this commits
                line_in.set()
                time.sleep(0.5)  # the payment arrives meanwhile and waits on the check
        finally:
            connection.close()

    def payment() -> None:
        try:
            line_in.wait()
            paying = {"tendered": usd("4.87")} if tender == "cash" else {}
            pay = pay_cash if tender == "cash" else pay_card
            pay(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("4.87"), **paying,
                staff=venue.cashier, device=venue.tablet)  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=second_tablet), threading.Thread(target=payment)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    tab.refresh_from_db()
    assert tab.status == Tab.Status.OPEN
    assert tab_figures(tab).total == 974
    assert balance_due(tab) == 487
    assert not JournalEntry.objects.filter(kind="sale").exists()
