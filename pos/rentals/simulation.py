"""Games in the simulated days (pos.simulation): walk-in sessions and party bookings.

Through the same services as the API, on the simulated clock:
- a walk-in check plays a game now and then (more in the evening): a free board or table, a
  few players, sometimes a cash deposit, a card hold or an ID held; a pause, a player joining,
  a move to another resource; per-game boards count games, prepaid tables buy more blocks; the
  session stops just before the check is paid (equipment usually all back), and the deposit
  is returned, or now and then kept with a manager's approval. Evening sessions cross the
  happy hours' edges (17:00 and 19:00 on weekdays).
- on Fridays and Saturdays a party books both shuffleboard tables for 19:00-21:00 in the
  morning with a cash deposit; it arrives and plays, the deposit pays its check (the rest in
  cash) and what is left is handed back; or it never comes and the deposit is kept.

Draws come from the day's random stream, so a seed always gives the same history.
"""

import datetime
import random
import uuid

from django.utils import timezone
from djmoney.money import Money

from ledger.money import from_cents
from pos import clock
from pos.exceptions import PaymentDeclinedError
from pos.models import Device, StaffMember, Tab
from pos.rentals.models import Deposit, RatePlan, RentalSession, Resource
from pos.rentals.services import bookings, deposits, sessions
from pos.selectors import balance_due
from pos.services import checkout

PARTY_TABLES = ("Shuffleboard table 1", "Shuffleboard table 2")
PARTY_DEPOSIT = Money("40.00", "USD")
GAME_DEPOSIT = Money("20.00", "USD")


def play_a_game(
    rng: random.Random,
    *,
    tab: Tab,
    staff: StaffMember,
    manager: StaffMember,
    device: Device,
    start: datetime.datetime,
    end: datetime.datetime,
) -> bool:
    """Maybe play a game on the check between start and end (its payment). Return if played."""
    evening = clock.local_time(start).hour >= 16
    if rng.random() >= (0.3 if evening else 0.12):
        return False
    begin, stop = start + datetime.timedelta(minutes=3), end - datetime.timedelta(minutes=2)
    free = list(Resource.objects.filter(status=Resource.Status.FREE).order_by("id"))
    if stop - begin < datetime.timedelta(minutes=10) or not free:
        return False
    resource = rng.choice(free)
    with clock.running_at(begin):
        session = sessions.start_session(
            session_id=_uuid(rng), resource_id=resource.id, tab_id=tab.id,
            players=rng.randint(2, 4), staff=staff, device=device,
        )  # fmt: skip
        deposit = _take_deposit(rng, session, staff, device)
    _play(rng, session, staff, device, begin, stop)
    with clock.running_at(stop):
        session.refresh_from_db()
        returned = session.equipment_out - (1 if rng.random() < 0.05 else 0)
        sessions.stop_session(session_id=session.id, equipment_returned=returned, staff=staff,
                              device=device)  # fmt: skip
        if deposit is not None:
            _settle(rng, deposit, staff, manager, device)
    return True


def _play(rng, session: RentalSession, staff, device, begin, stop) -> None:
    """Pauses, players, transfers, games and extensions between begin and stop."""
    length = stop - begin
    if rng.random() < 0.2:
        pause_at = begin + length * rng.uniform(0.2, 0.5)
        resume_at = min(pause_at + datetime.timedelta(minutes=rng.randint(5, 15)), stop)
        with clock.running_at(pause_at):
            sessions.pause_session(session_id=session.id, staff=staff, device=device)
        with clock.running_at(resume_at):
            sessions.resume_session(session_id=session.id, staff=staff, device=device)
    if rng.random() < 0.1:
        with clock.running_at(begin + length * 0.6):
            sessions.set_players(session_id=session.id, players=session.players + 1,
                                 staff=staff, device=device)  # fmt: skip
    if rng.random() < 0.1:
        free = list(Resource.objects.filter(status=Resource.Status.FREE).order_by("id"))
        if free:
            with clock.running_at(begin + length * 0.7):
                sessions.transfer_session(session_id=session.id, resource_id=rng.choice(free).id,
                                          staff=staff, device=device)  # fmt: skip
    _count_play(rng, session, staff, device, stop, length)


def _count_play(rng, session: RentalSession, staff, device, stop, length) -> None:
    """Per-game boards count their games; prepaid tables buy the blocks the play needed."""
    session.refresh_from_db()
    with clock.running_at(stop - datetime.timedelta(minutes=1)):
        if session.plan_kind == RatePlan.Kind.PER_GAME:
            games = max(1, int(length.total_seconds() // 600))
            sessions.set_games(session_id=session.id, games=rng.randint(1, games), staff=staff,
                               device=device)  # fmt: skip
        elif session.plan_kind == RatePlan.Kind.PREPAID_BLOCK:
            needed = -(-int(length.total_seconds()) // (session.plan["block_minutes"] * 60))
            sessions.extend_session(session_id=session.id, blocks=max(needed, 1), staff=staff,
                                    device=device)  # fmt: skip


def _take_deposit(rng, session, staff, device) -> Deposit | None:
    roll = rng.random()
    deposit_id = _uuid(rng)
    if roll < 0.2:
        return deposits.take_cash_deposit(
            deposit_id=deposit_id,
            amount=GAME_DEPOSIT,
            session_id=session.id,
            staff=staff,
            device=device,
        )
    if roll < 0.3:
        return deposits.hold_id(deposit_id=deposit_id, session_id=session.id, staff=staff,
                                device=device)  # fmt: skip
    if roll < 0.4:
        try:
            return deposits.hold_card(
                deposit_id=deposit_id,
                amount=GAME_DEPOSIT,
                session_id=session.id,
                staff=staff,
                device=device,
            )
        except PaymentDeclinedError:
            return None  # the guest leaves their ID instead... or nothing; play goes on
    return None


def _settle(rng, deposit: Deposit, staff, manager, device) -> None:
    if deposit.kind != Deposit.Kind.ID_HELD and rng.random() < 0.05:
        deposits.forfeit_deposit(deposit_id=deposit.id, reason="equipment damaged",
                                 staff=staff, device=device, approved_by=manager)  # fmt: skip
    else:
        deposits.return_deposit(deposit_id=deposit.id, staff=staff, device=device)


def host_a_party(
    rng: random.Random,
    *,
    day: datetime.date,
    staff: StaffMember,
    manager: StaffMember,
    device: Device,
) -> bool:
    """On Fridays and Saturdays, maybe a party books the shuffleboard tables. Return if booked."""
    if day.weekday() not in (4, 5) or rng.random() >= 0.6:
        return False
    tables = list(Resource.objects.filter(name__in=PARTY_TABLES).order_by("id"))
    if not tables:
        return False
    start, end = _local(day, 19), _local(day, 21)
    booking_id = _uuid(rng)
    with clock.running_at(_local(day, 10, 50)):
        bookings.create_booking(booking_id=booking_id, name=f"Party {day:%b %d}",
                                starts_at=start, ends_at=end,
                                resource_ids=[t.id for t in tables], staff=staff)  # fmt: skip
        deposit = deposits.take_cash_deposit(
            deposit_id=_uuid(rng),
            amount=PARTY_DEPOSIT,
            booking_id=booking_id,
            staff=staff,
            device=device,
        )
    if rng.random() < 0.15:
        with clock.running_at(start + datetime.timedelta(minutes=30)):
            bookings.no_show(booking_id=booking_id, staff=staff, device=device,
                             approved_by=manager)  # fmt: skip
        return True
    with clock.running_at(start - datetime.timedelta(minutes=5)):
        tab = bookings.arrive(booking_id=booking_id, tab_client_id=_uuid(rng), staff=staff,
                              device=device).tab  # fmt: skip
    played = []
    with clock.running_at(start):
        for table in tables:
            played.append(sessions.start_session(session_id=_uuid(rng), resource_id=table.id,
                                                 tab_id=tab.id, players=4, staff=staff,
                                                 device=device))  # fmt: skip
    stop = end - datetime.timedelta(minutes=rng.randint(5, 20))
    for session in played:
        _count_play(rng, session, staff, device, stop, stop - start)
    with clock.running_at(stop):
        for session in played:
            sessions.stop_session(session_id=session.id, staff=staff, device=device)
        deposits.apply_deposit(deposit_id=deposit.id, payment_id=_uuid(rng), staff=staff,
                               device=device)  # fmt: skip
        tab.refresh_from_db()
        due = balance_due(tab)
        if due:
            checkout.pay_cash(
                tab_id=tab.id,
                payment_id=_uuid(rng),
                amount=from_cents(due, "USD"),
                tendered=from_cents(due, "USD"),
                staff=staff,
                device=device,
            )
        deposit.refresh_from_db()
        if deposit.status == Deposit.Status.HELD:
            deposits.return_deposit(deposit_id=deposit.id, staff=staff, device=device)
    return True


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
