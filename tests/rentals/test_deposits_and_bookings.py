"""Deposits (returned, forfeited, spent on a check) and party bookings, each with its entry."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.verification import verify_ledger
from pos.cards.models import BalanceTransaction
from pos.cards.postings import fee_ref
from pos.exceptions import ApprovalRequiredError, DrawerError, PaymentDeclinedError
from pos.gateway import get_gateway
from pos.models import Activity, Payment, Tab
from pos.rentals import overlap
from pos.rentals.exceptions import BookingConflictError, DepositError
from pos.rentals.models import BookingSlot, Deposit
from pos.rentals.services import bookings, deposits, sessions
from pos.reports import expected_cash_cents
from pos.services.checkout import ledger_entry_id, pay_cash
from pos.services.drawers import record_cash_movement
from tests.cards.conftest import deliver, fake  # noqa: F401 - the fake gateway fixture
from tests.rentals.conftest import local, usd

pytestmark = pytest.mark.django_db

DEPOSITS = "Liabilities:CustomerDeposits"
FORFEITS = "Income:Other:Forfeits"


def entry_lines(entry_id):
    entry = JournalEntry.objects.get(id=entry_id)
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def balance(account: str) -> int:
    return int(account_balance(account=account).amount * 100)


def game(floor, clock, new_tab):
    clock.at(12, 0)
    tab = new_tab()
    return sessions.start_session(
        session_id=uuid.uuid4(),
        resource_id=floor.board1.id,
        tab_id=tab.id,
        staff=floor.cashier,
        device=floor.tablet,
    )


def cash_deposit(floor, amount="20.00", **subject):
    return deposits.take_cash_deposit(
        deposit_id=uuid.uuid4(),
        amount=usd(amount),
        staff=floor.cashier,
        device=floor.tablet,
        **subject,
    )


def book(floor, start, end, resources, name="Birthday"):
    return bookings.create_booking(
        booking_id=uuid.uuid4(),
        name=name,
        starts_at=start,
        ends_at=end,
        resource_ids=[r.id for r in resources],
        staff=floor.cashier,
    )


def test_cash_deposit_returned_each_way_with_its_entry(floor, clock, new_tab):
    """$20.00 in: D Drawer1 / C CustomerDeposits. Back out: D CustomerDeposits / C Drawer1.
    The drawer expects the cash in, then out; the liability ends at zero."""
    session = game(floor, clock, new_tab)
    deposit = cash_deposit(floor, session_id=session.id)
    assert entry_lines(ledger_entry_id("cash-movement", deposit.id)) == [
        ("C", DEPOSITS, 2000), ("D", "Assets:Cash:Drawer1", 2000),
    ]  # fmt: skip
    assert expected_cash_cents(floor.drawer_session) == 2000
    assert balance(DEPOSITS) == 2000
    returned = deposits.return_deposit(
        deposit_id=deposit.id, staff=floor.cashier, device=floor.tablet
    )
    assert returned.status == "returned"
    assert entry_lines(ledger_entry_id("deposit-return", deposit.id)) == [
        ("C", "Assets:Cash:Drawer1", 2000), ("D", DEPOSITS, 2000),
    ]  # fmt: skip
    assert (expected_cash_cents(floor.drawer_session), balance(DEPOSITS)) == (0, 0)
    # A retry changes nothing.
    deposits.return_deposit(deposit_id=deposit.id, staff=floor.cashier, device=floor.tablet)
    assert balance(DEPOSITS) == 0
    assert verify_ledger().ok


def test_cash_deposit_forfeited_needs_a_manager_and_goes_to_other_income(floor, clock, new_tab):
    session = game(floor, clock, new_tab)
    deposit = cash_deposit(floor, "15.00", session_id=session.id)
    kwargs = {"deposit_id": deposit.id, "reason": "broken dart board", "staff": floor.cashier,
              "device": floor.tablet}  # fmt: skip
    with pytest.raises(ApprovalRequiredError):
        deposits.forfeit_deposit(**kwargs)
    kept = deposits.forfeit_deposit(**kwargs, approved_by=floor.manager)
    assert (kept.status, kept.reason) == ("forfeited", "broken dart board")
    assert entry_lines(ledger_entry_id("deposit-forfeit", deposit.id)) == [
        ("C", FORFEITS, 1500), ("D", DEPOSITS, 1500),
    ]  # fmt: skip
    assert (balance(DEPOSITS), balance(FORFEITS)) == (0, 1500)  # on their normal sides
    with pytest.raises(DepositError):
        deposits.return_deposit(deposit_id=deposit.id, staff=floor.cashier, device=floor.tablet)


def test_returning_more_cash_than_the_drawer_holds_is_refused(floor, clock, new_tab):
    session = game(floor, clock, new_tab)
    deposit = cash_deposit(floor, session_id=session.id)
    # The drawer is partly emptied to the safe meanwhile.
    record_cash_movement(
        movement_id=uuid.uuid4(),
        session_id=floor.drawer_session.id,
        kind="drop",
        amount=usd("15.00"),
        reason="drop",
        staff=floor.cashier,
    )
    with pytest.raises(DrawerError, match="cannot give back"):
        deposits.return_deposit(deposit_id=deposit.id, staff=floor.cashier, device=floor.tablet)
    assert Deposit.objects.get(id=deposit.id).status == "held"


def test_card_hold_cancelled_on_return_and_captured_on_forfeit(floor, clock, new_tab):
    """A hold posts nothing; returned, it is cancelled; forfeited, it is captured and posts
    D Assets:Stripe:Clearing / C Income:Other:Forfeits, then the capture's fee like any card
    payment's: 2.7% of $25.00 = 67.5 -> 68 cents, + 5 = $0.73."""
    session = game(floor, clock, new_tab)
    gateway = get_gateway()
    hold = deposits.hold_card(
        deposit_id=uuid.uuid4(),
        amount=usd("25.00"),
        session_id=session.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    assert (hold.status, gateway.held[hold.gateway_reference]) == ("held", 2500)
    assert hold.hold_expires_at == local(12, 0) + datetime.timedelta(days=5)
    deposits.return_deposit(deposit_id=hold.id, staff=floor.cashier, device=floor.tablet)
    assert hold.gateway_reference not in gateway.held
    other = deposits.hold_card(
        deposit_id=uuid.uuid4(),
        amount=usd("25.00"),
        session_id=session.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    kept = deposits.forfeit_deposit(
        deposit_id=other.id,
        reason="darts lost",
        staff=floor.cashier,
        device=floor.tablet,
        approved_by=floor.manager,
    )
    assert (kept.status, gateway.charged[other.gateway_reference]) == ("forfeited", 2500)
    assert entry_lines(ledger_entry_id("deposit-forfeit", other.id)) == [
        ("C", FORFEITS, 2500), ("D", "Assets:Stripe:Clearing", 2500),
    ]  # fmt: skip
    assert fee_lines(other.gateway_reference) == [
        ("C", "Assets:Stripe:Clearing", 73), ("D", "Expenses:CardFees", 73),
    ]  # fmt: skip
    assert balance("Assets:Stripe:Clearing") == 2500 - 73


@pytest.mark.usefixtures("fake")
def test_a_hold_fee_the_capture_did_not_carry_posts_once_on_the_webhook(
    floor, clock, new_tab, client
):
    """The capture's answer names no balance transaction: the forfeit posts, the fee waits for
    payment_intent.succeeded, and posts once however often the events arrive."""
    session = game(floor, clock, new_tab)
    gateway = get_gateway()
    deposit_id = uuid.uuid4()
    gateway.late_fee_attempts.add(deposit_id)
    hold = deposits.hold_card(
        deposit_id=deposit_id, amount=usd("25.00"), session_id=session.id,
        staff=floor.cashier, device=floor.tablet,
    )  # fmt: skip
    deposits.forfeit_deposit(
        deposit_id=hold.id, reason="no-show", staff=floor.cashier, device=floor.tablet,
        approved_by=floor.manager,
    )  # fmt: skip
    assert fee_lines(hold.gateway_reference) == []
    succeeded = [e for e in gateway.events if e["type"] == "payment_intent.succeeded"]
    assert len(succeeded) == 1
    gateway.late_fee_attempts.discard(deposit_id)  # the processor knows the fee by now
    for event in gateway.events * 2:
        assert deliver(client, event).status_code == 200
    assert fee_lines(hold.gateway_reference) == [
        ("C", "Assets:Stripe:Clearing", 73), ("D", "Expenses:CardFees", 73),
    ]  # fmt: skip
    assert balance("Assets:Stripe:Clearing") == 2500 - 73
    assert verify_ledger().ok


def fee_lines(payment_intent: str) -> list[tuple]:
    """The fee entries posted for the PaymentIntent's balance transactions, as lines."""
    txns = BalanceTransaction.objects.filter(payment_intent=payment_intent)
    refs = [fee_ref(txn.id) for txn in txns]
    return sorted(
        (p.side, p.account.name, p.amount)
        for entry in JournalEntry.objects.filter(source_ref__in=refs)
        for p in entry.postings.all()
    )


def test_an_expired_card_hold_cannot_be_captured(floor, clock, new_tab):
    session = game(floor, clock, new_tab)
    hold = deposits.hold_card(
        deposit_id=uuid.uuid4(),
        amount=usd("25.00"),
        session_id=session.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    clock.at(local(12, 0) + datetime.timedelta(days=5))
    with pytest.raises(DepositError, match="expired"):
        deposits.forfeit_deposit(
            deposit_id=hold.id,
            reason="late",
            staff=floor.cashier,
            device=floor.tablet,
            approved_by=floor.manager,
        )


def test_a_declined_hold_is_recorded_and_refused(floor, clock, new_tab):
    session = game(floor, clock, new_tab)
    deposit_id = uuid.uuid4()
    get_gateway().decline_attempts.add(deposit_id)
    with pytest.raises(PaymentDeclinedError):
        deposits.hold_card(
            deposit_id=deposit_id,
            amount=usd("25.00"),
            session_id=session.id,
            staff=floor.cashier,
            device=floor.tablet,
        )
    assert Deposit.objects.get(id=deposit_id).status == "declined"


def test_id_held_is_a_flag_only(floor, clock, new_tab):
    session = game(floor, clock, new_tab)
    flag = deposits.hold_id(
        deposit_id=uuid.uuid4(), session_id=session.id, staff=floor.cashier, device=floor.tablet
    )
    assert (flag.kind, flag.amount) == ("id_held", 0)
    with pytest.raises(DepositError):
        deposits.forfeit_deposit(
            deposit_id=flag.id,
            reason="x",
            staff=floor.cashier,
            device=floor.tablet,
            approved_by=floor.manager,
        )
    assert (
        deposits.return_deposit(deposit_id=flag.id, staff=floor.cashier, device=floor.tablet).status
        == "returned"
    )


def test_booking_deposit_becomes_a_credit_on_the_party_check(floor, clock):
    """A $50.00 cash deposit for a birthday on Shuffleboard 2, 18:00-20:00. On arrival the
    party's check is opened and the deposit is a credit on it. Shuffleboard 18:00-19:00:
    happy hour $12/h to 19:00 = $12.00, tax $0.99: $12.99 due, all paid by the deposit; the
    check closes and its sale entry debits CustomerDeposits $12.99. $37.01 is left, returned
    in cash."""
    clock.at(11, 0)
    booking = book(floor, local(18), local(20), [floor.table2])
    deposit = cash_deposit(floor, "50.00", booking_id=booking.id)
    clock.at(17, 55)
    arrived = bookings.arrive(
        booking_id=booking.id, tab_client_id=uuid.uuid4(), staff=floor.cashier, device=floor.tablet
    )
    tab = arrived.tab
    assert Deposit.objects.get(id=deposit.id).tab_id == tab.id
    clock.at(18, 0)
    session = sessions.start_session(
        session_id=uuid.uuid4(),
        resource_id=floor.table2.id,
        tab_id=tab.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    clock.at(19, 0)
    sessions.stop_session(session_id=session.id, staff=floor.cashier, device=floor.tablet)
    payment = deposits.apply_deposit(
        deposit_id=deposit.id, payment_id=uuid.uuid4(), staff=floor.cashier, device=floor.tablet
    )
    assert (payment.tender, payment.amount) == ("deposit", 1299)
    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    assert entry_lines(tab.ledger_entry_id) == [
        ("C", "Income:Rentals:Games:Shuffleboard", 1200),
        ("C", "Liabilities:SalesTax:Payable", 99),
        ("D", DEPOSITS, 1299),
    ]
    assert Deposit.objects.get(id=deposit.id).remaining == 3701
    deposits.return_deposit(deposit_id=deposit.id, staff=floor.cashier, device=floor.tablet)
    assert balance(DEPOSITS) == 0
    assert expected_cash_cents(floor.drawer_session) == 1299  # what the party spent
    assert verify_ledger().ok


def test_a_deposit_larger_than_nothing_due_is_refused_and_a_smaller_one_pays_part(floor, clock):
    clock.at(11, 0)
    booking = book(floor, local(18), local(20), [floor.table2])
    deposit = cash_deposit(floor, "5.00", booking_id=booking.id)
    clock.at(18, 0)
    tab = bookings.arrive(
        booking_id=booking.id, tab_client_id=uuid.uuid4(), staff=floor.cashier, device=floor.tablet
    ).tab
    with pytest.raises(DepositError, match="nothing due"):
        deposits.apply_deposit(
            deposit_id=deposit.id, payment_id=uuid.uuid4(), staff=floor.cashier, device=floor.tablet
        )
    session = sessions.start_session(
        session_id=uuid.uuid4(),
        resource_id=floor.table2.id,
        tab_id=tab.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    clock.at(19, 0)
    sessions.stop_session(session_id=session.id, staff=floor.cashier, device=floor.tablet)
    payment_id = uuid.uuid4()
    for _ in range(2):  # a retry is the same payment
        deposits.apply_deposit(
            deposit_id=deposit.id, payment_id=payment_id, staff=floor.cashier, device=floor.tablet
        )
    assert Payment.objects.get(id=payment_id).amount == 500
    assert Deposit.objects.get(id=deposit.id).status == "applied"
    pay_cash(
        tab_id=tab.id,
        payment_id=uuid.uuid4(),
        amount=usd("7.99"),
        tendered=usd("10"),
        staff=floor.cashier,
        device=floor.tablet,
    )
    tab.refresh_from_db()
    assert entry_lines(tab.ledger_entry_id) == [
        ("C", "Income:Rentals:Games:Shuffleboard", 1200),
        ("C", "Liabilities:SalesTax:Payable", 99),
        ("D", "Assets:Cash:Drawer1", 799),
        ("D", DEPOSITS, 500),
    ]


def test_a_no_show_forfeits_the_deposit_and_frees_the_slot(floor, clock):
    clock.at(11, 0)
    booking = book(floor, local(18), local(20), [floor.table1, floor.table2])
    deposit = cash_deposit(floor, "30.00", booking_id=booking.id)
    clock.at(18, 45)
    with pytest.raises(ApprovalRequiredError):
        bookings.no_show(booking_id=booking.id, staff=floor.cashier, device=floor.tablet)
    bookings.no_show(
        booking_id=booking.id, staff=floor.cashier, device=floor.tablet, approved_by=floor.manager
    )
    assert entry_lines(ledger_entry_id("deposit-forfeit", deposit.id)) == [
        ("C", FORFEITS, 3000), ("D", DEPOSITS, 3000),
    ]  # fmt: skip
    assert not BookingSlot.objects.filter(booking=booking, active=True).exists()
    no_show = Activity.objects.get(action="booking.no_show")  # the override names its manager
    assert (no_show.staff, no_show.approved_by) == (floor.cashier, floor.manager)
    book(floor, local(19), local(20), [floor.table1], name="Walk-in party")


def test_overlapping_bookings_are_refused_and_back_to_back_ones_are_not(floor, clock):
    clock.at(11, 0)
    book(floor, local(18), local(20), [floor.table1])
    with pytest.raises(BookingConflictError, match="Shuffleboard 1 already booked"):
        book(floor, local(19, 30), local(21), [floor.table2, floor.table1])
    book(floor, local(20), local(22), [floor.table1])  # starts as the other ends
    book(floor, local(19, 30), local(21), [floor.table2])
    cancelled = book(floor, local(12), local(13), [floor.board1])
    bookings.cancel_booking(booking_id=cancelled.id, staff=floor.cashier, device=floor.tablet)
    book(floor, local(12), local(13), [floor.board1])


def test_the_database_refuses_overlapping_slots_whoever_writes_them(floor, clock):
    """Bypassing the service: the exclusion constraint (PostgreSQL) or the trigger (SQLite)."""
    assert overlap.installed(connection)
    clock.at(11, 0)
    booking = book(floor, local(18), local(20), [floor.table1])
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingSlot.objects.create(
            booking=booking, resource=floor.table1, starts_at=local(19, 59), ends_at=local(21)
        )
    later = BookingSlot.objects.create(
        booking=booking, resource=floor.table1, starts_at=local(20), ends_at=local(21)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingSlot.objects.filter(id=later.id).update(starts_at=local(19))
    inactive = BookingSlot.objects.create(
        booking=booking, resource=floor.table1, starts_at=local(18), ends_at=local(19), active=False
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingSlot.objects.filter(id=inactive.id).update(active=True)
