"""Rental sessions through their services, on a controlled clock, down to the ledger entry."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import JournalEntry
from ledger.verification import verify_ledger
from pos import gateway as gateway_module
from pos.cards.models import CardAttempt, Reader
from pos.exceptions import (
    ApprovalRequiredError,
    GamesRunningError,
    IdempotencyConflictError,
)
from pos.models import Activity, Payment, TabLine
from pos.rentals.exceptions import ResourceBusyError, SessionStateError
from pos.rentals.models import RatePlan, RentalSession, Resource
from pos.rentals.selectors import availability_board, session_bill
from pos.rentals.services import sessions
from pos.services.checkout import close_tab, pay_card, pay_cash
from pos.services.tabs import merge_tabs
from tests.rentals.conftest import TUESDAY, local, usd

pytestmark = pytest.mark.django_db


def start(floor, tab, resource, **kwargs):
    return sessions.start_session(session_id=uuid.uuid4(), resource_id=resource.id, tab_id=tab.id,
                                  staff=floor.cashier, device=floor.tablet, **kwargs)  # fmt: skip


def act(floor, service, session, **kwargs):
    return service(session_id=session.id, staff=floor.cashier, device=floor.tablet, **kwargs)


def stored_segments(session):
    return [
        (s.start.astimezone(local(0).tzinfo).strftime("%H:%M"),
         s.end.astimezone(local(0).tzinfo).strftime("%H:%M"), s.rate, s.reason, s.paused,
         s.resource.name)
        for s in session.segments.select_related("resource")
    ]  # fmt: skip


def postings(entry_id):
    entry = JournalEntry.objects.get(id=entry_id)
    return sorted((p.side, p.account.name, p.amount) for p in entry.postings.all())


def play_worked_example(floor, clock, tab):
    clock.at(16, 50)
    session = start(floor, tab, floor.table1)
    clock.at(17, 30)
    act(floor, sessions.pause_session, session)
    clock.at(17, 40)
    act(floor, sessions.resume_session, session)
    clock.at(18, 7)
    return session


def test_worked_example_becomes_one_line_and_posts_to_the_shuffleboard_account(
    floor, clock, new_tab
):
    """Shuffleboard from 16:50 at $20/h (15-minute increments rounded up), happy hour $12/h
    17:00-19:00, paused 17:30-17:40, stopped 18:07: segments 16:50-17:00 $20/h ($3.3333),
    17:00-17:30 $12/h ($6.00), 17:30-17:40 paused, 17:40-18:07 $12/h ($5.40); 67 minutes up
    to 75: 8 minutes at $12/h ($1.60); $16.3333 -> $16.33. Tax 8.25% of $16.33 = $1.347225
    -> $1.35; the guest pays $17.68 cash. The sale entry credits Income:Rentals:Games:
    Shuffleboard $16.33."""
    tab = new_tab()
    session = play_worked_example(floor, clock, tab)
    stopped = act(floor, sessions.stop_session, session, equipment_returned=8)
    assert stored_segments(stopped) == [
        ("16:50", "17:00", 2000, "start", False, "Shuffleboard 1"),
        ("17:00", "17:30", 1200, "rate change", False, "Shuffleboard 1"),
        ("17:30", "17:40", 1200, "pause", True, "Shuffleboard 1"),
        ("17:40", "18:07", 1200, "resume", False, "Shuffleboard 1"),
    ]
    line = TabLine.objects.get(id=session.id)
    assert (line.tab_id, line.quantity, line.unit_price, line.price_rule) == (
        tab.id, 1, 1633, "Happy hour",
    )  # fmt: skip
    assert line.name == "Shuffleboard 1: 1h15 billed"
    assert stopped.charge == 1633
    assert Resource.objects.get(id=floor.table1.id).status == "free"
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("17.68"), tendered=usd("20"),
             staff=floor.cashier, device=floor.tablet)  # fmt: skip
    tab.refresh_from_db()
    assert tab.status == "closed"
    assert postings(tab.ledger_entry_id) == [
        ("C", "Income:Rentals:Games:Shuffleboard", 1633),
        ("C", "Liabilities:SalesTax:Payable", 135),
        ("D", "Assets:Cash:Drawer1", 1768),
    ]
    assert verify_ledger().ok


@pytest.mark.django_db(transaction=True)
def test_a_server_restart_mid_session_does_not_change_the_charge(floor, clock, new_tab):
    """The running charge read before a restart, and the charge at the stop after it, are the
    worked example's: everything lives in committed segments and the server's clock."""
    tab = new_tab()
    clock.at(16, 50)
    session = start(floor, tab, floor.table1)
    clock.at(17, 30)
    act(floor, sessions.pause_session, session)
    connection.close()  # the server goes away; nothing was kept in memory
    clock.at(17, 40)
    act(floor, sessions.resume_session, RentalSession.objects.get(id=session.id))
    clock.at(18, 7)
    running = session_bill(RentalSession.objects.get(id=session.id))
    connection.close()
    stopped = act(floor, sessions.stop_session, RentalSession.objects.get(id=session.id))
    assert running.total == stopped.charge == 1633
    # Read again later, the stopped session still costs what it cost.
    clock.at(23, 0)
    assert session_bill(RentalSession.objects.get(id=session.id)).total == 1633


def test_stop_is_idempotent_by_the_session_uuid(floor, clock, new_tab):
    tab = new_tab()
    clock.at(12, 0)
    session = start(floor, tab, floor.board1)
    clock.at(12, 30)
    first = act(floor, sessions.stop_session, session)
    clock.at(12, 45)
    again = act(floor, sessions.stop_session, session)
    assert first.line_id == again.line_id == session.id
    assert TabLine.objects.filter(tab=tab).count() == 1
    assert again.charge == 600  # 30 minutes of darts at $12/h


def test_start_is_idempotent_and_refuses_a_reused_uuid(floor, clock, new_tab):
    tab = new_tab()
    clock.at(12, 0)
    session_id = uuid.uuid4()
    kwargs = {"session_id": session_id, "tab_id": tab.id, "staff": floor.cashier,
              "device": floor.tablet}  # fmt: skip
    first = sessions.start_session(resource_id=floor.table1.id, **kwargs)
    assert sessions.start_session(resource_id=floor.table1.id, **kwargs) == first
    with pytest.raises(IdempotencyConflictError):
        sessions.start_session(resource_id=floor.table2.id, **kwargs)


def test_a_busy_resource_refuses_a_second_start(floor, clock, new_tab):
    clock.at(12, 0)
    start(floor, new_tab("Sam"), floor.table1)
    with pytest.raises(ResourceBusyError, match="Shuffleboard 1 is in_use"):
        start(floor, new_tab("Kim"), floor.table1)


def test_the_database_refuses_two_active_sessions_on_one_resource(floor, clock, new_tab):
    clock.at(12, 0)
    first = start(floor, new_tab(), floor.table1)
    twin = RentalSession.objects.get(id=first.id)
    twin.id, twin.started_at = uuid.uuid4(), local(12, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)


def test_transfer_carries_the_time_played_and_bills_the_new_rate(floor, clock, new_tab):
    """12:00-12:30 on Shuffleboard 1 at $20/h, then moved to Dart board 1 ($12/h) until 13:00.
    The plan stays the session's (15-minute increments): 60 minutes, $10.00 + $6.00."""
    tab = new_tab()
    clock.at(12, 0)
    session = start(floor, tab, floor.table1)
    clock.at(12, 30)
    act(floor, sessions.transfer_session, session, resource_id=floor.board1.id)
    assert Resource.objects.get(id=floor.table1.id).status == "free"
    assert Resource.objects.get(id=floor.board1.id).status == "in_use"
    clock.at(13, 0)
    stopped = act(floor, sessions.stop_session, session)
    assert stored_segments(stopped) == [
        ("12:00", "12:30", 2000, "start", False, "Shuffleboard 1"),
        ("12:30", "13:00", 1200, "transfer", False, "Dart board 1"),
    ]
    assert stopped.charge == 1600
    # The session is the same one: its start replays, naming where it started.
    replay = sessions.start_session(
        session_id=session.id,
        resource_id=floor.table1.id,
        tab_id=tab.id,
        staff=floor.cashier,
        device=floor.tablet,
    )
    assert replay.id == session.id


def test_transfer_to_a_busy_resource_is_refused(floor, clock, new_tab):
    clock.at(12, 0)
    session = start(floor, new_tab("Sam"), floor.table1)
    start(floor, new_tab("Kim"), floor.table2)
    with pytest.raises(ResourceBusyError):
        act(floor, sessions.transfer_session, session, resource_id=floor.table2.id)


def test_players_joining_start_a_new_segment_and_per_player_plans_bill_by_it(floor, clock, new_tab):
    """Darts per player at $4/h: 2 players 12:00-12:30 ($4.00), 4 players 12:30-13:00 ($8.00)."""
    plan = RatePlan.objects.create(name="Per player", rate_per_hour=usd("4.00"), per_player=True)
    floor.board1.rate_plan = plan
    floor.board1.save()
    tab = new_tab()
    clock.at(12, 0)
    session = start(floor, tab, floor.board1, players=2)
    clock.at(12, 30)
    act(floor, sessions.set_players, session, players=4)
    clock.at(13, 0)
    stopped = act(floor, sessions.stop_session, session)
    assert [s.players for s in stopped.segments.all()] == [2, 4]
    assert stopped.charge == 1200


def test_a_session_crossing_midnight_lands_on_its_evening(floor, clock, new_tab):
    """Darts 23:30-00:45 at $12/h: 75 minutes = $15.00, on the check closed after midnight,
    whose business date is still Tuesday."""
    tab = new_tab()
    clock.at(23, 30)
    session = start(floor, tab, floor.board1)
    clock.at(0, 45, TUESDAY + datetime.timedelta(days=1))
    stopped = act(floor, sessions.stop_session, session)
    assert stopped.charge == 1500
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("16.24"), tendered=usd("20"),
             staff=floor.cashier, device=floor.tablet)  # fmt: skip
    tab.refresh_from_db()
    assert tab.business_date == TUESDAY


def test_daylight_saving_change_mid_session(floor, clock, new_tab):
    """America/Chicago springs forward on Sunday 2026-03-08 at 02:00. Darts from Saturday
    23:30 to 03:30 on the new clock is 3 real hours: $36.00, not the wall clock's $48.00."""
    saturday = datetime.date(2026, 3, 7)
    tab = new_tab()
    clock.at(23, 30, saturday)
    session = start(floor, tab, floor.board1)
    clock.at(3, 30, saturday + datetime.timedelta(days=1))
    assert act(floor, sessions.stop_session, session).charge == 3600


def test_manager_time_adjustment_is_approved_and_kept_in_the_audit_trail(floor, clock, new_tab):
    """Darts 12:00-12:50 ($10.00); the board was broken for 20 minutes: -20 min -> $6.00."""
    clock.at(12, 0)
    session = start(floor, new_tab(), floor.board1)
    clock.at(12, 50)
    kwargs = {"adjustment_id": uuid.uuid4(), "session_id": session.id, "minutes": -20,
              "reason": "board light broken", "staff": floor.cashier}  # fmt: skip
    with pytest.raises(ApprovalRequiredError):
        sessions.adjust_time(**kwargs)
    with pytest.raises(Exception, match="not a manager"):
        sessions.adjust_time(**kwargs, approved_by=floor.cashier)
    sessions.adjust_time(**kwargs, approved_by=floor.manager)
    sessions.adjust_time(**kwargs, approved_by=floor.manager)  # a retry: once
    activity = Activity.objects.get(action="rental.adjust")
    assert (activity.approved_by, activity.detail["reason"], activity.detail["minutes"]) == (
        floor.manager, "board light broken", "-20",
    )  # fmt: skip
    assert act(floor, sessions.stop_session, session).charge == 600


def test_missing_equipment_is_charged_to_forfeits(floor, clock, new_tab):
    """6 darts out, 4 back: 2 x $3.00 on a second line, whose category credits
    Income:Other:Forfeits."""
    tab = new_tab()
    clock.at(12, 0)
    session = start(floor, tab, floor.board1)
    clock.at(12, 10)
    act(floor, sessions.stop_session, session, equipment_returned=4)
    missing = TabLine.objects.get(tab=tab, name="Missing darts (Dart board 1)")
    assert (missing.quantity, missing.unit_price, missing.category.income_account) == (
        2, 300, "Income:Other:Forfeits",
    )  # fmt: skip


def test_a_session_running_past_closing_is_flagged(floor, clock, new_tab):
    clock.at(23, 0)
    start(floor, new_tab(), floor.board1)
    clock.at(0, 59, TUESDAY + datetime.timedelta(days=1))
    assert [row.past_closing for row in availability_board() if row.session] == [False]
    clock.at(1, 0, TUESDAY + datetime.timedelta(days=1))
    board = {row.resource.name: row for row in availability_board()}
    assert board["Dart board 1"].past_closing
    assert board["Dart board 1"].bill.total == 2 * 1200


def test_the_board_shows_status_elapsed_time_and_running_charge(floor, clock, new_tab):
    clock.at(16, 50)
    session = start(floor, new_tab(), floor.table1)
    clock.at(17, 30)
    act(floor, sessions.pause_session, session)
    board = {row.resource.name: row for row in availability_board()}
    assert board["Shuffleboard 1"].status == "paused"
    assert board["Shuffleboard 1"].bill.played_seconds == 40 * 60
    # 40 minutes up to 45: 10 x $20/h + 30 x $12/h + 5 x $12/h = 333 1/3 + 600 + 100 cents.
    assert board["Shuffleboard 1"].bill.total == 1033
    assert board["Shuffleboard 2"].status == "free"


def test_per_game_and_prepaid_block_plans(floor, clock, new_tab):
    per_game = RatePlan.objects.create(name="Per game", kind="per_game",
                                       price_per_game=usd("2.50"))  # fmt: skip
    block = RatePlan.objects.create(name="Half hour", kind="prepaid_block", block_minutes=30,
                                    block_price=usd("9.00"))  # fmt: skip
    floor.board1.rate_plan, floor.table2.rate_plan = per_game, block
    floor.board1.save()
    floor.table2.save()
    tab = new_tab()
    clock.at(12, 0)
    darts = start(floor, tab, floor.board1)
    table = start(floor, tab, floor.table2)
    act(floor, sessions.set_games, darts, games=3)
    clock.at(12, 31)
    board = {row.resource.name: row for row in availability_board()}
    assert board["Shuffleboard 2"].prepaid_expired  # the alert at expiry
    act(floor, sessions.extend_session, table, blocks=2)
    assert not {r.resource.name: r for r in availability_board()}["Shuffleboard 2"].prepaid_expired
    with pytest.raises(SessionStateError):
        act(floor, sessions.set_games, table, games=1)
    clock.at(12, 50)
    assert act(floor, sessions.stop_session, darts).charge == 750
    assert act(floor, sessions.stop_session, table).charge == 1800


def test_a_session_follows_its_tab_into_a_merge(floor, clock, new_tab):
    first, second = new_tab("Sam"), new_tab("Kim")
    clock.at(12, 0)
    session = start(floor, first, floor.board1)
    merge_tabs(source_id=first.id, target_id=second.id, staff=floor.cashier)
    clock.at(12, 30)
    stopped = act(floor, sessions.stop_session, session)
    assert stopped.line.tab_id == second.id


def test_a_check_is_not_paid_up_while_a_game_runs_on_it(floor, clock, new_tab):
    """Darts 12:00-12:30 at $12/h: $6.00 + 8.25 % tax = $6.50 (rounded half-up from 6.495).
    With the shuffleboard still running, the last payment is refused by name, before any money
    moves; a part payment is not. Once the game stops, its time is on the check."""
    tab = new_tab()
    clock.at(12, 0)
    game = start(floor, tab, floor.board1)
    other = start(floor, tab, floor.table1)
    clock.at(12, 30)
    act(floor, sessions.stop_session, game)
    with pytest.raises(GamesRunningError) as refused:
        pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("6.50"), tendered=usd("20"),
                 staff=floor.cashier, device=floor.tablet)  # fmt: skip
    assert refused.value.message == (
        f"Check {tab.id} still has a game running (Shuffleboard 1); stop it before the last payment"
    )
    with pytest.raises(GamesRunningError):
        pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("6.50"),
                 staff=floor.cashier, device=floor.tablet)  # fmt: skip
    assert not Payment.objects.exists()
    assert not CardAttempt.objects.exists()  # the card was never charged
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("5.00"), tendered=usd("5"),
             staff=floor.cashier, device=floor.tablet)  # fmt: skip
    clock.at(13, 0)
    stopped = act(floor, sessions.stop_session, other)
    assert stopped.line.tab_id == tab.id
    assert stopped.charge == 2000  # an hour at $20/h (15-minute increments)
    # $6.00 + $20.00 = $26.00, tax $2.145 -> $2.15 (one rounding on the check): $28.15 in all.
    pay_cash(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("23.15"), tendered=usd("25"),
             staff=floor.cashier, device=floor.tablet)  # fmt: skip
    tab.refresh_from_db()
    assert (tab.status, tab.total) == ("closed", 2815)


def test_a_game_on_a_check_merged_into_another_keeps_that_one_open(floor, clock, new_tab):
    first, second = new_tab("Sam"), new_tab("Kim")
    clock.at(12, 0)
    start(floor, first, floor.board1)
    merge_tabs(source_id=first.id, target_id=second.id, staff=floor.cashier)
    with pytest.raises(GamesRunningError, match=r"\(Dart board 1\)"):
        close_tab(tab_id=second.id, staff=floor.cashier, device=floor.tablet)


def test_the_cap_per_day_covers_all_of_a_tabs_sessions_on_a_resource_type(floor, clock, new_tab):
    """Darts at $12/h, capped at $20.00 a day per tab: 12:00-13:00 costs $12.00; 14:00-15:00
    only the $8.00 left; a third hour nothing. Another tab pays its own $12.00."""
    capped = RatePlan.objects.create(name="Darts capped", rate_per_hour=usd("12.00"),
                                     cap_per_day=usd("20.00"))  # fmt: skip
    floor.darts.rate_plan = capped
    floor.darts.save()
    tab, other = new_tab("Sam"), new_tab("Kim")
    charges = []
    for hour, who in ((12, tab), (14, tab), (16, tab), (18, other)):
        clock.at(hour, 0)
        session = start(floor, who, floor.board1)
        clock.at(hour + 1, 0)
        charges.append(act(floor, sessions.stop_session, session).charge)
    assert charges == [1200, 800, 0, 1200]


def test_no_game_starts_on_a_check_whose_card_is_on_the_reader(floor, clock, new_tab, settings):
    """The last payment checks for running games before the card is charged; a game started
    while the card waits on the reader would be closed over, so it cannot start."""
    settings.STRIPE_SECRET_KEY = ""
    gateway_module._gateways.clear()
    Reader.objects.create(stripe_id="tmr_bar_1", label="Bar reader", station="bar")
    tab = new_tab()
    clock.at(12, 0)
    game = start(floor, tab, floor.board1)
    clock.at(12, 30)
    act(floor, sessions.stop_session, game)
    payment = pay_card(tab_id=tab.id, payment_id=uuid.uuid4(), amount=usd("6.50"),
                       staff=floor.cashier, device=floor.tablet)  # fmt: skip
    assert payment.status == Payment.Status.PENDING  # waiting on the bar reader
    with pytest.raises(SessionStateError) as refused:
        start(floor, tab, floor.table1)
    assert refused.value.message == (
        f"Check {tab.id} is being paid by card; start the game once that payment is done"
    )
    assert floor.table1.sessions.count() == 0
    gateway_module._gateways.clear()
