"""Simulated trading days for the demo venue, through the same services the API calls.

Each business day: both drawers open with a counted float; checks arrive by weekday and hour
(busy Friday and Saturday evenings, a lunch bump, happy hour at the bar); guests order rounds
of food, drinks and games (an age check before the first drink), lines go to the bar and the
grill (which bump their tickets off the kitchen display once made), a few are voided (sent ones
with a manager's approval), comped or discounted; guests pay by card (often with a tip,
sometimes split evenly) or cash (with change); a few refunds; a paid-out for supplies now and
then, a drop to the safe, cash tips paid out, and the drawers close with a blind count that is
usually right and sometimes a little off.
Games are timed on the boards and tables, and parties book them (pos.rentals.simulation).

Everything is drawn from `random.Random(seed)` (one stream per day), ids included, so a seed
always gives the same history. A day that was simulated already is skipped (its drawer
sessions exist), so re-running a command adds only the days that are missing; a day that an
interrupted run left half done is closed as it stands (its drawers still open would keep
every later day from opening them).
"""

import datetime
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from djmoney.money import Money

from ledger.exceptions import LedgerError
from ledger.money import from_cents
from pos import clock
from pos.exceptions import PaymentDeclinedError, PosError
from pos.models import Device, Drawer, DrawerSession, Item, StaffMember, Tab
from pos.pricing import split_evenly
from pos.rentals import simulation as games
from pos.reports import expected_cash_cents
from pos.selectors import balance_due
from pos.services import checkout, drawers, refunds, tabs
from treasury.simulation import simulate_treasury_day

# Relative traffic by weekday (Monday first) and by opening hour.
WEEKDAY_TRAFFIC = [0.6, 0.7, 0.8, 0.9, 1.4, 1.7, 1.1]
HOUR_TRAFFIC = {11: 3, 12: 8, 13: 6, 14: 3, 15: 3, 16: 5, 17: 7, 18: 9, 19: 10, 20: 9, 21: 7,
                22: 5, 23: 3}  # fmt: skip
LATE_HOURS = {0: 2}  # Friday and Saturday nights run past midnight
CHECKS_PER_DAY = 60
CATEGORY_WEIGHTS = {"food": 45, "drinks": 20, "alcohol": 24, "games": 8, "merchandise": 2,
                    "events": 1}  # fmt: skip
NAMES = ["Sam", "Alex", "Priya", "Jordan", "Kim", "Luis", "Maya", "Omar", "Rosa", "Chen", "Ada",
         "Bea", "Dev", "Eli", "Fay", "Gus", "Ines", "Jo", "Kai", "Lena"]  # fmt: skip
FLOAT_COUNT = {2000: 4, 1000: 4, 500: 4, 100: 15, 25: 16, 10: 10, 5: 10}  # $165.50
# Minutes from sending a round to its ticket bumped as made: fixed, not drawn, so that a seed
# gives the same checks as before the simulation bumped its tickets.
MAKING_MINUTES = {"bar": 4, "grill": 12}


@dataclass
class Cast:
    """Who works a simulated day, and on which tablets."""

    cashiers: list[StaffMember]
    manager: StaffMember
    devices: list[Device]
    items: dict[str, list[Item]]

    @property
    def drawer_ids(self) -> list[int]:
        """The drawers the tablets work, each once (two tablets may share one drawer)."""
        return list(dict.fromkeys(device.drawer_id for device in self.devices))


def simulate(*, days: int, start: datetime.date, seed: int) -> dict[str, int]:
    """Simulate `days` business days from `start`. Return counts of what happened."""
    cast = _cast()
    totals = {"checks": 0, "refunds": 0, "declines": 0}
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        rng = random.Random(f"{seed}:{day.isoformat()}")  # noqa: S311 - a simulation, not crypto
        for key, count in _simulate_day(rng, cast, day).items():
            totals[key] += count
        # The venue's bills, gifts, program spending and the daily earmark accrual.
        for key, count in simulate_treasury_day(day=day, seed=seed).items():
            totals[key] = totals.get(key, 0) + count
    return totals


def _simulate_day(rng: random.Random, cast: Cast, day: datetime.date) -> dict[str, int]:
    counts = {"checks": 0, "refunds": 0, "declines": 0}
    # One session per drawer (a drawer has one open session at a time, however many tablets).
    session_ids = {drawer_id: _uuid(rng) for drawer_id in cast.drawer_ids}
    simulated = DrawerSession.objects.filter(id__in=session_ids.values())
    if simulated.exists():  # this day was simulated already, or begun by a run interrupted
        _close_drawers(rng, cast, day, simulated.filter(status=DrawerSession.Status.OPEN))
        return counts
    sessions = {}
    with clock.running_at(_at(day, 10, 45)):
        for drawer_id, session_id in session_ids.items():
            sessions[drawer_id] = drawers.open_drawer(
                session_id=session_id, drawer_id=drawer_id, count=FLOAT_COUNT,
                staff=cast.cashiers[0],
            )  # fmt: skip
    games.host_a_party(rng, day=day, staff=cast.cashiers[0], manager=cast.manager,
                       device=cast.devices[0])  # fmt: skip
    closed: list[Tab] = []
    for moment in _arrivals(rng, day):
        device = rng.choice(cast.devices)
        tab, declined = _serve_check(rng, cast, device, moment)
        counts["checks"] += 1
        counts["declines"] += declined
        if tab.status == Tab.Status.CLOSED:
            closed.append(tab)
        if closed and rng.random() < 0.01:
            counts["refunds"] += _refund_something(rng, cast, rng.choice(closed), moment)
    _close_drawers(rng, cast, day, sessions.values())
    return counts


def _close_drawers(rng, cast, day: datetime.date, sessions: Iterable[DrawerSession]) -> None:
    """Close the day's drawers after its last check: a blind count, usually right."""
    with clock.running_at(_at(day, 23, 59) + datetime.timedelta(hours=2)):
        for session in sessions:
            _close_drawer(rng, cast, session)


def _serve_check(rng, cast, device, moment) -> tuple[Tab, int]:
    cashier = rng.choice(cast.cashiers)
    name = rng.choice(NAMES)
    table = str(rng.randint(1, 24)) if rng.random() < 0.6 else ""
    with clock.running_at(moment):
        tab = tabs.open_tab(
            client_id=_uuid(rng),
            name=name if (rng.random() < 0.7 or not table) else "",
            table=table,
            staff=cashier,
            device=device,
        )
    adults = rng.random() < 0.7
    rounds = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
    for number in range(rounds):
        at = moment + datetime.timedelta(minutes=number * rng.randint(15, 35))
        with clock.running_at(at):
            _order_round(rng, cast, tab, cashier, device, adults)
            tabs.send_to_preparation(tab_id=tab.id, staff=cashier)
            _maybe_void_sent(rng, cast, tab, cashier)
        _bump_tickets(tab, at)
    pay_at = moment + datetime.timedelta(minutes=rounds * 30 + rng.randint(5, 40))
    games.play_a_game(rng, tab=tab, staff=cashier, manager=cast.manager, device=device,
                      start=moment, end=pay_at)  # fmt: skip
    with clock.running_at(pay_at):
        _maybe_adjust(rng, cast, tab, cashier)
        declined = _pay(rng, cast, tab, cashier, device)
    tab.refresh_from_db()
    return tab, declined


def _order_round(rng, cast, tab, cashier, device, adults) -> None:
    kinds = [k for k in CATEGORY_WEIGHTS if adults or k != "alcohol"]
    for _ in range(rng.choices([1, 2, 3, 4], weights=[20, 40, 25, 15])[0]):
        kind = rng.choices(kinds, weights=[CATEGORY_WEIGHTS[k] for k in kinds])[0]
        item = rng.choice(cast.items[kind])
        if item.out_of_stock:
            continue
        line = tabs.add_line(
            tab_id=tab.id,
            line_id=_uuid(rng),
            item_id=item.id,
            quantity=rng.choices([1, 2, 3], weights=[75, 20, 5])[0],
            modifier_ids=_modifiers(rng, item),
            age_confirmed=True,
            staff=cashier,
            device=device,
        )
        if rng.random() < 0.03:
            tabs.void_line(line_id=line.id, reason="changed mind", staff=cashier)


def _maybe_void_sent(rng, cast, tab, cashier) -> None:
    if rng.random() < 0.01:
        line = tab.lines.filter(voided_at__isnull=True, sent_at__isnull=False).first()
        if line is not None:
            tabs.void_line(
                line_id=line.id, reason="kitchen error", staff=cashier, approved_by=cast.manager
            )


def _bump_tickets(tab, sent_at) -> None:
    """The bar and the grill make what was sent (or stop) and bump it off the kitchen display."""
    for ticket in tab.tickets.filter(done_at__isnull=True).order_by("id"):
        made_at = sent_at + datetime.timedelta(minutes=MAKING_MINUTES[ticket.station])
        with clock.running_at(made_at):
            tabs.bump_ticket(ticket_id=ticket.id)


def _maybe_adjust(rng, cast, tab, cashier) -> None:
    live = list(tab.lines.filter(voided_at__isnull=True))
    if not live:
        return
    if rng.random() < 0.02:
        checkout.add_adjustment(
            tab_id=tab.id, adjustment_id=_uuid(rng), kind="comp", line_id=rng.choice(live).id,
            percent=Decimal(100), reason=rng.choice(["slow kitchen", "birthday", "regular"]),
            staff=cashier, approved_by=cast.manager,
        )  # fmt: skip
    elif rng.random() < 0.04:
        checkout.add_adjustment(
            tab_id=tab.id, adjustment_id=_uuid(rng), kind="discount", percent=Decimal(10),
            reason=rng.choice(["staff meal", "volunteer", "co-op member"]), staff=cashier,
        )  # fmt: skip


def _pay(rng, cast, tab, cashier, device) -> int:
    """Pay the check in full; return 1 if a card was declined on the way."""
    due = balance_due(tab)
    if due == 0:
        if tab.lines.filter(voided_at__isnull=True).exists():
            checkout.close_tab(tab_id=tab.id, staff=cashier)  # fully comped
        else:
            tabs.void_tab(tab_id=tab.id, reason="nothing ordered", staff=cashier)
        return 0
    declined = 0
    if rng.random() < 0.65:
        parts = split_evenly(due, rng.choice([2, 3, 4])) if rng.random() < 0.1 else [due]
        for part in parts:
            tip = _card_tip(rng, part)
            try:
                checkout.pay_card(tab_id=tab.id, payment_id=_uuid(rng), amount=_usd(part),
                                  tip=_usd(tip), staff=cashier, device=device)  # fmt: skip
            except PaymentDeclinedError:
                declined = 1
                _pay_cash(rng, tab, cashier, device, part)
    else:
        _pay_cash(rng, tab, cashier, device, due)
    return declined


def _pay_cash(rng, tab, cashier, device, amount: int) -> None:
    tip = (100 - amount % 100) % 100 if rng.random() < 0.3 else 0  # "keep the change"
    tendered = amount + tip
    for note in (500, 1000, 2000, 5000, 10000):
        if rng.random() < 0.6 and note >= tendered:
            tendered = note
            break
    checkout.pay_cash(
        tab_id=tab.id, payment_id=_uuid(rng), amount=_usd(amount), tendered=_usd(tendered),
        tip=_usd(tip), staff=cashier, device=device,
    )  # fmt: skip


def _card_tip(rng, amount: int) -> int:
    if rng.random() < 0.4:
        return 0
    return amount * rng.choice([15, 18, 20, 22]) // 100


def _refund_something(rng, cast, tab, moment) -> int:
    line = tab.lines.filter(voided_at__isnull=True).exclude(refund_lines__isnull=False).first()
    if line is None or tab.payments.values("tender").distinct().count() != 1:
        return 0
    with clock.running_at(moment):
        try:
            refunds.refund_lines(
                refund_id=_uuid(rng), tab_id=tab.id, lines=[(line.id, line.quantity)],
                reason=rng.choice(["cold food", "wrong order", "guest complaint"]),
                staff=cast.cashiers[0], device=tab.payments.first().device,
                approved_by=cast.manager,
            )  # fmt: skip
        except (PosError, LedgerError):  # a refund the venue would refuse is simply not made
            return 0
    return 1


def _close_drawer(rng, cast, session) -> None:
    expected = expected_cash_cents(session)
    variance = 0
    roll = rng.random()
    if roll < 0.15:
        variance = rng.choice([-1, 1]) * rng.randint(1, 300)
    elif roll < 0.2:
        variance = rng.choice([-1, 1]) * rng.randint(301, 800)
    counted = max(expected + variance, 0)
    drawers.close_drawer(
        session_id=session.id, count=drawers.count_for(counted), staff=cast.cashiers[0],
        approved_by=cast.manager,
    )  # fmt: skip


def _modifiers(rng, item) -> list[int]:
    chosen = []
    for group in item.modifier_groups.all():
        options = list(group.modifiers.filter(is_active=True))
        wanted = max(group.min_choices, 1 if group.required else 0)
        if not wanted and rng.random() < 0.2:
            wanted = 1
        chosen += [m.id for m in rng.sample(options, min(wanted, len(options)))]
    return chosen


def _arrivals(rng, day: datetime.date) -> Iterator[datetime.datetime]:
    hours = dict(HOUR_TRAFFIC)
    if day.weekday() in (4, 5):
        hours.update(LATE_HOURS)
    count = round(CHECKS_PER_DAY * WEEKDAY_TRAFFIC[day.weekday()] * rng.uniform(0.85, 1.15))
    chosen = rng.choices(list(hours), weights=list(hours.values()), k=count)
    moments = []
    for hour in chosen:
        base = _at(day + datetime.timedelta(days=1), hour, 0) if hour < 4 else _at(day, hour, 0)
        moments.append(base + datetime.timedelta(minutes=rng.randint(0, 59)))
    return iter(sorted(moments))


def _cast() -> Cast:
    items: dict[str, list[Item]] = {}
    for item in Item.objects.filter(is_active=True).select_related("category"):
        items.setdefault(item.category.kind, []).append(item)
    devices = list(Device.objects.filter(drawer__isnull=False, is_active=True).order_by("id"))
    if not devices or not Drawer.objects.exists():
        raise RuntimeError("Load the demo venue first: python manage.py demo")
    return Cast(
        cashiers=list(StaffMember.objects.filter(role="cashier", is_active=True).order_by("id")),
        manager=StaffMember.objects.filter(role="manager", is_active=True).order_by("id").first(),
        devices=devices,
        items=items,
    )


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _usd(cents: int) -> Money:
    return from_cents(cents, "USD")
