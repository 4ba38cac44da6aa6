"""Worked examples: the grill counter's cash drawer from its opening float to the blind close.

The venue's safe starts the evening with $1,000.00 (an opening-balance entry). The grill
drawer (Assets:Cash:Drawer2, used by the grill tablet) opens with a $150.00 float counted in
notes and coins: 5 x $20 + 3 x $10 + 2 x $5 + 8 x $1 + 8 x 25c = 100 + 30 + 10 + 8 + 2.
Tax on food is 8.25%, on alcohol 10%. Drawers are opened through `open_drawer` here, on a
drawer of their own, not through the `venue` fixture's session of the bar drawer.
"""

import datetime
import threading
import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ledger.models import JournalEntry
from ledger.money import to_cents
from ledger.selectors import account_balance
from ledger.services import credit, debit, post_entry
from ledger.verification import verify_ledger
from pos import exceptions
from pos.models import Device, Drawer, DrawerSession, Refund, StaffMember, Tab
from pos.reports import ReasonTotal, drawer_report
from pos.services.checkout import ledger_entry_id, pay_card, pay_cash
from pos.services.drawers import close_drawer, open_drawer, record_cash_movement
from pos.services.tabs import add_line, open_tab
from tests.pos.conftest import usd

TUESDAY = datetime.datetime(2026, 2, 17, 17, 0, tzinfo=timezone.get_default_timezone())
FLOAT_150 = {2000: 5, 1000: 3, 500: 2, 100: 8, 25: 8}
SAFE, DRAWER = "Assets:Cash:Safe", "Assets:Cash:Drawer2"


def make_clock(monkeypatch):
    """Return set_clock("20:30"): the server's time on Tuesday 17 February 2026."""

    def set_clock(hh_mm: str) -> None:
        hour, minute = map(int, hh_mm.split(":"))
        moment = TUESDAY.replace(hour=hour, minute=minute)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_clock("17:00")
    return set_clock


def make_grill(venue) -> SimpleNamespace:
    """Create the grill drawer and its tablet, and put $1,000.00 in the safe."""
    drawer = Drawer.objects.create(name="Grill drawer", account=DRAWER)
    tablet = Device.objects.create(
        name="Grill tablet", station="grill", token_hash="1" * 64, drawer=drawer
    )
    post_entry(
        entry_id=uuid.uuid4(), kind="opening", effective_date=TUESDAY.date(),
        lines=[debit(SAFE, usd("1000.00")),
               credit("NetAssets:WithoutDonorRestrictions:Undesignated", usd("1000.00"))],
    )  # fmt: skip
    return SimpleNamespace(
        venue=venue, drawer=drawer, tablet=tablet, cashier=venue.cashier, manager=venue.manager
    )


@pytest.fixture
def at(monkeypatch):
    return make_clock(monkeypatch)


@pytest.fixture
def grill(venue, at):
    return make_grill(venue)


def open_grill(grill, count=FLOAT_150, session_id=None) -> DrawerSession:
    return open_drawer(
        session_id=session_id or uuid.uuid4(), drawer_id=grill.drawer.id, count=count,
        staff=grill.cashier,
    )  # fmt: skip


def move(grill, session, kind, amount, reason, **kwargs):
    return record_cash_movement(
        movement_id=kwargs.pop("movement_id", None) or uuid.uuid4(), session_id=session.id,
        kind=kind, amount=usd(amount), reason=reason, staff=grill.cashier, **kwargs,
    )  # fmt: skip


def new_tab(grill, items, name="Sam"):
    """Open a tab on the grill tablet with one line per item (ages checked)."""
    tab = open_tab(client_id=uuid.uuid4(), name=name, staff=grill.cashier, device=grill.tablet)
    lines = []
    for item, quantity in items:
        modifiers = [grill.venue.medium.id] if item == grill.venue.burger else []
        line = add_line(
            tab_id=tab.id, line_id=uuid.uuid4(), item_id=item.id, quantity=quantity,
            modifier_ids=modifiers, age_confirmed=True, staff=grill.cashier, device=grill.tablet,
        )  # fmt: skip
        lines.append(line)
    return tab, lines


def cash(grill, tab, amount, tendered, tip=None):
    return pay_cash(
        tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount), tendered=usd(tendered),
        tip=usd(tip) if tip else None, staff=grill.cashier, device=grill.tablet,
    )  # fmt: skip


def card(grill, tab, amount, tip=None, device=None):
    return pay_card(
        tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd(amount),
        tip=usd(tip) if tip else None, staff=grill.cashier, device=device or grill.tablet,
    )  # fmt: skip


def cents(account: str) -> int:
    return to_cents(account_balance(account=account))


def postings(event: str, client_id) -> list[tuple[str, str, int]]:
    entry = JournalEntry.objects.get(id=ledger_entry_id(event, client_id))
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def test_a_shift_from_float_to_a_close_two_dollars_thirty_five_short(grill, at):
    """Float 150.00 + cash sales 19.86 and 13.20 + paid in 20.00 - paid out 12.50
    - drop 100.00 = 90.56 expected; 88.21 counted: 2.35 short, within the $5 threshold."""
    session = open_grill(grill)
    assert (session.opening_float, session.status) == (15000, "open")
    assert session.opening_count == {"2000": 5, "1000": 3, "500": 2, "100": 8, "25": 8}
    assert postings("drawer-open", session.id) == [("C", SAFE, 15000), ("D", DRAWER, 15000)]

    at("20:00")  # burger 12.00 + fries 4.50 + 8.25% tax (1.36) = 17.86, with a 2.00 cash tip
    burger_and_fries, _ = new_tab(grill, [(grill.venue.burger, 1), (grill.venue.fries, 1)])
    payment = cash(grill, burger_and_fries, "17.86", "20.00", tip="2.00")
    assert (payment.drawer_session_id, payment.change) == (session.id, 14)
    lagers, _ = new_tab(grill, [(grill.venue.beer, 2)], name="Jo")  # 12.00 + 10% = 13.20
    cash(grill, lagers, "13.20", "20.00")
    assert cents(DRAWER) == 15000 + 1986 + 1320

    at("20:30")
    paid_in = move(grill, session, "paid_in", "20.00", "more quarters from the safe")
    assert paid_in.account == SAFE
    at("21:00")
    ice = {"kind": "paid_out", "amount": "12.50", "reason": "ice", "account": "Expenses:Supplies"}
    with pytest.raises(exceptions.ApprovalRequiredError, match=r"approve: pay out \$12.50 \(ice"):
        move(grill, session, **ice)
    with pytest.raises(exceptions.PermissionDeniedError, match="Casey is not a manager"):
        move(grill, session, approved_by=grill.cashier, **ice)
    paid_out = move(grill, session, approved_by=grill.manager, **ice)
    assert (paid_out.amount, paid_out.approved_by) == (1250, grill.manager)
    assert postings("cash-movement", paid_out.id) == [
        ("C", DRAWER, 1250), ("D", "Expenses:Supplies", 1250),
    ]  # fmt: skip
    at("22:00")
    drop = move(grill, session, "drop", "100.00", "drop at 10 pm")
    assert postings("cash-movement", drop.id) == [("C", DRAWER, 10000), ("D", SAFE, 10000)]
    entries = JournalEntry.objects.count()
    with pytest.raises(exceptions.ApprovalRequiredError):
        move(grill, session, "no_sale", "0", "change for the jukebox")
    move(grill, session, "no_sale", "0", "change for the jukebox", approved_by=grill.manager)
    assert JournalEntry.objects.count() == entries, "a no-sale moves no money"
    assert cents(DRAWER) == 9056

    at("23:30")  # 2 x 20 + 3 x 10 + 2 x 5 + 7 x 1 + 4 x 25c + 2 x 10c + 1c = 88.21
    count = {2000: 2, 1000: 3, 500: 2, 100: 7, 25: 4, 10: 2, 1: 1}
    closed = close_drawer(session_id=session.id, count=count, staff=grill.cashier)

    assert (closed.status, closed.expected, closed.counted, closed.variance) == (
        "closed", 9056, 8821, -235,
    )  # fmt: skip
    assert closed.variance_approved_by is None
    assert postings("drawer-close", session.id) == [
        ("C", DRAWER, 235), ("C", DRAWER, 8821),
        ("D", SAFE, 8821), ("D", "Expenses:CashOverShort", 235),
    ]  # fmt: skip
    assert cents(DRAWER) == 0
    assert cents(SAFE) == 100000 - 15000 - 2000 + 10000 + 8821 == 101821
    assert (cents("Expenses:CashOverShort"), cents("Expenses:Supplies")) == (235, 1250)
    assert verify_ledger().ok


def test_closing_seven_dollars_over_needs_a_manager(grill, at):
    """Nothing sold; 157.00 counted against 150.00 expected: 7.00 over, above $5.00."""
    session = open_grill(grill)
    at("23:00")
    count = {**FLOAT_150, 100: 15}
    with pytest.raises(exceptions.ApprovalRequiredError, match=r"close Grill drawer \$7.00 over"):
        close_drawer(session_id=session.id, count=count, staff=grill.cashier)
    session.refresh_from_db()
    assert session.status == "open"

    closed = close_drawer(
        session_id=session.id, count=count, staff=grill.cashier, approved_by=grill.manager
    )

    assert (closed.variance, closed.variance_approved_by) == (700, grill.manager)
    assert postings("drawer-close", session.id) == [
        ("C", DRAWER, 15700), ("C", "Expenses:CashOverShort", 700),
        ("D", DRAWER, 700), ("D", SAFE, 15700),
    ]  # fmt: skip
    assert cents(DRAWER) == 0
    assert cents("Expenses:CashOverShort") == -700
    assert verify_ledger().ok


@pytest.mark.parametrize(
    ("count", "variance", "needs_manager"),
    [
        ({**FLOAT_150, 500: 1}, -500, False),  # exactly $5.00 short: at the threshold
        ({**FLOAT_150, 500: 3, 1: 1}, 501, True),  # $5.01 over: above it
    ],
)
def test_the_variance_threshold_is_five_dollars_either_way(grill, count, variance, needs_manager):
    session = open_grill(grill)
    if needs_manager:
        with pytest.raises(exceptions.ApprovalRequiredError):
            close_drawer(session_id=session.id, count=count, staff=grill.cashier)
    closed = close_drawer(
        session_id=session.id, count=count, staff=grill.cashier,
        approved_by=grill.manager if needs_manager else None,
    )  # fmt: skip
    assert closed.variance == variance
    assert cents(DRAWER) == 0


def test_a_drawer_has_one_open_session_at_a_time(grill, at):
    first = open_grill(grill)
    with pytest.raises(
        exceptions.DrawerError, match=r"Grill drawer is already open \(since 17:00\)"
    ):
        open_grill(grill)
    # The database refuses a second open session even when Python is bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawerSession.objects.create(
            id=uuid.uuid4(), drawer=grill.drawer, opened_by=grill.cashier,
            opened_at=timezone.now(), opening_float=0,
        )  # fmt: skip
    close_drawer(session_id=first.id, count=FLOAT_150, staff=grill.cashier)
    assert open_grill(grill).status == "open", "after the close the drawer can open again"


def test_replays_return_the_first_answer_and_other_content_is_refused(grill):
    session_id, movement_id = uuid.uuid4(), uuid.uuid4()
    session = open_grill(grill, session_id=session_id)
    as_json = {str(denomination): n for denomination, n in FLOAT_150.items()}
    assert open_grill(grill, count={**as_json, "1": 0}, session_id=session_id) == session
    with pytest.raises(exceptions.IdempotencyConflictError, match="different opening count"):
        open_grill(grill, count={2000: 5}, session_id=session_id)

    drop = move(grill, session, "drop", "50.00", "early drop", movement_id=movement_id)
    assert move(grill, session, "drop", "50.00", "early drop", movement_id=movement_id) == drop
    with pytest.raises(exceptions.IdempotencyConflictError):
        move(grill, session, "drop", "60.00", "early drop", movement_id=movement_id)

    closed = close_drawer(session_id=session_id, count={10000: 1}, staff=grill.cashier)
    entries = JournalEntry.objects.count()
    again = close_drawer(session_id=session_id, count={"10000": 1}, staff=grill.cashier)
    assert (again.pk, again.counted, again.closed_at) == (closed.pk, 10000, closed.closed_at)
    with pytest.raises(exceptions.IdempotencyConflictError, match="different closing count"):
        close_drawer(session_id=session_id, count={5000: 2}, staff=grill.cashier)
    assert JournalEntry.objects.count() == entries
    assert cents(DRAWER) == 0
    assert verify_ledger().ok


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ({300: 1}, "300 is not a US note or coin"),
        ({"20.00": 1}, "'20.00' is not a US note or coin"),
        ({True: 1}, "True is not a US note or coin"),
        ({2000: -1}, "-1 is not a count from 0 to 9999"),
        ({2000: 1.5}, "1.5 is not a count"),
        ({2000: 1, "2000": 1}, "Denomination 2000 appears twice"),
        ([2000, 1], "A count maps denominations"),
    ],
)
def test_counts_are_checked_note_by_note(grill, count, message):
    with pytest.raises(exceptions.InvalidInputError, match=message):
        open_grill(grill, count=count)


def test_movements_are_checked_before_anything_moves(grill, at):
    session = open_grill(grill)
    refusals = [
        (("paid_in", "5.00", "  "), {}, "Give a reason"),
        (("paid_out", "5.00", "ice"), {}, "Name the ledger account"),
        (("paid_out", "5.00", "ice"), {"account": "Expenses"}, "'Expenses' is not a ledger"),
        (("paid_out", "5.00", "ice"), {"account": DRAWER}, "is not a ledger account"),
        (("paid_in", "5.00", "float"), {"account": "Expenses:Nope"}, "is not a ledger account"),
        (("drop", "5.00", "drop"), {"account": "Assets:Bank:Checking"}, "always goes to"),
        (("no_sale", "1.00", "peek"), {}, "A no-sale moves no money"),
        (("drop", "0.00", "drop"), {}, "needs a positive amount"),
        (("refund", "1.00", "?"), {}, "'refund' is not a cash movement"),
    ]
    for args, kwargs, message in refusals:
        with pytest.raises(exceptions.InvalidInputError, match=message):
            move(grill, session, *args, approved_by=grill.manager, **kwargs)
    with pytest.raises(exceptions.DrawerError, match=r"should hold \$150.00; it cannot give"):
        move(grill, session, "drop", "150.01", "too much")
    close_drawer(session_id=session.id, count=FLOAT_150, staff=grill.cashier)
    with pytest.raises(exceptions.DrawerError, match="session is closed"):
        move(grill, session, "drop", "1.00", "late drop")
    assert verify_ledger().ok


def test_the_safe_must_hold_the_float(grill):
    with pytest.raises(exceptions.DrawerError, match=r"The safe holds \$1,000.00"):
        open_grill(grill, count={10000: 10, 1: 1})
    assert not DrawerSession.objects.filter(drawer=grill.drawer).exists()


def test_a_zero_float_shift_posts_nothing(grill):
    entries = JournalEntry.objects.count()
    session = open_grill(grill, count={})
    closed = close_drawer(session_id=session.id, count={}, staff=grill.cashier)
    assert (session.opening_float, closed.expected, closed.variance) == (0, 0, 0)
    assert JournalEntry.objects.count() == entries


def test_cash_on_a_check_still_open_blocks_the_close(grill, at):
    """Its sale entry (at the check's close) would debit a drawer already emptied."""
    session = open_grill(grill)
    tab, _ = new_tab(grill, [(grill.venue.burger, 1), (grill.venue.fries, 1)])  # 17.86
    cash(grill, tab, "10.00", "10.00")
    with pytest.raises(exceptions.DrawerError, match=f"Check.s. {tab.id} took cash"):
        close_drawer(session_id=session.id, count={**FLOAT_150, 1000: 4}, staff=grill.cashier)
    card(grill, tab, "7.86")
    closed = close_drawer(session_id=session.id, count={**FLOAT_150, 1000: 4}, staff=grill.cashier)
    assert (closed.expected, closed.variance) == (16000, 0)
    assert cents(DRAWER) == 0


def test_a_cash_refund_from_the_drawer_lowers_what_it_should_hold(grill, at):
    """Fries 4.50 + 0.37 tax paid in cash, then refunded in cash: 150.00 expected."""
    session = open_grill(grill)
    tab, _ = new_tab(grill, [(grill.venue.fries, 1)])
    cash(grill, tab, "4.87", "5.00")
    tab.refresh_from_db()
    assert tab.status == Tab.Status.CLOSED
    # What the refund service records and posts, written here by hand.
    refund = Refund.objects.create(
        id=uuid.uuid4(), status="completed", tab=tab, tender="cash", subtotal=450, tax=37,
        reason="cold", drawer_session=session, created_by=grill.cashier,
        approved_by=grill.manager, device=grill.tablet, created_at=timezone.now(),
        business_date=TUESDAY.date(),
    )  # fmt: skip
    post_entry(
        entry_id=ledger_entry_id("refund", refund.id), kind="refund",
        effective_date=TUESDAY.date(),
        lines=[debit("Income:Sales:Food", usd("4.50")),
               debit("Liabilities:SalesTax:Payable", usd("0.37")), credit(DRAWER, usd("4.87"))],
    )  # fmt: skip
    closed = close_drawer(session_id=session.id, count=FLOAT_150, staff=grill.cashier)
    assert (closed.expected, closed.variance) == (15000, 0)
    assert cents(DRAWER) == 0
    report = drawer_report(session_id=session.id)
    assert (report.cash_taken, report.cash_refunds) == (usd("4.87"), usd("4.87"))
    assert report.refunds == (ReasonTotal("cash", 1, usd("4.87")),)
    assert verify_ledger().ok


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_tablets_opening_the_same_drawer_at_once_open_one_session():
    """Both threads commit for real, each on its own connection; one session opens."""
    user = get_user_model().objects.create_user(username="casey")
    staff = StaffMember.objects.create(user=user, display_name="Casey", role="cashier")
    drawer = Drawer.objects.create(name="Grill drawer", account=DRAWER)
    barrier, results = threading.Barrier(2), []

    def tablet() -> None:
        try:
            barrier.wait()
            open_drawer(session_id=uuid.uuid4(), drawer_id=drawer.id, count={}, staff=staff)
            results.append("opened")
        except exceptions.DrawerError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=tablet) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["opened", "refused"]
    assert DrawerSession.objects.filter(drawer=drawer, status="open").count() == 1
