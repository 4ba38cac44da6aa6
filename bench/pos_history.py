"""Trading history in bulk, built in minutes instead of hours: a year for bench/pos_bench.py,
the older days of bench/ui_bench.py's 90 (with the treasury's days, through `after_day`).

`manage.py simulate` drives every line, payment and drawer count through the services one
statement at a time: several seconds per simulated day on this machine, so a year takes far
longer than a benchmark can wait. The latency targets ask how much a year of data slows the
add-line and close requests, which depends on how many rows their indexes and tables hold,
not on how those rows were typed in. So this module writes the same rows, in bulk, per day:

- The demo venue's two drawers open in the morning and close at night on an exact count,
  through the real services (`pos.services.drawers.open_drawer` / `close_drawer`, with their
  ledger entries).
- Checks arrive as in `pos.simulation` (its volume by weekday and hour, its mix of food, drinks,
  alcohol, games and merchandise, 1 to 3 rounds of 1 to 4 lines, required modifiers chosen,
  an age check on tabs with alcohol). A check's tab, lines (priced at the menu price with
  their modifiers, the item's standard cost and its category's tax rate, sent to the bar or
  grill: one ticket per round and station, bumped as made, as `pos.simulation` bumps them),
  its payment (65 % card, often with a tip; otherwise cash with change from a $20
  note, into the tablet's open drawer), the audit trail of each step and an Idempotency-Key
  record per API call (open, each line, the payment) are bulk-inserted; the tab closed, with
  the figures `pos.pricing.check_figures` gives it (what the close service computes).
- Each check's ONE balanced sale entry is posted through `ledger.services.post_entry`, with the
  entry id, source and lines of the close service (`pos.services.checkout.ledger_entry_id`
  and `sale_entry_lines`), in the same transaction as its rows. (Calling the close service
  itself per check re-reads what was just written: about an hour for a year on a loaded
  two-core machine; the rows and the entries are the same.)

Not made here (simulate makes them): voids, comps, discounts, split checks, declined cards,
refunds, paid-outs, drops and happy-hour prices. bench/pos_bench.py's step 5
(`verify_ledger`, `reconcile_tenders` over the whole range) checks what was written.
"""

import datetime
import hashlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from ledger.models import EntryKind
from ledger.money import to_cents
from ledger.services import post_entry
from pos import clock
from pos.clock import business_date
from pos.models import (
    Activity,
    Device,
    DrawerSession,
    IdempotencyRecord,
    Item,
    Payment,
    StaffMember,
    Tab,
    TabLine,
    Ticket,
    TicketLine,
)
from pos.models.payments import Tender
from pos.pricing import CheckFigures, LineInput, check_figures
from pos.reports import expected_cash_cents
from pos.services import checkout, drawers
from pos.simulation import (
    CATEGORY_WEIGHTS,
    FLOAT_COUNT,
    MAKING_MINUTES,
    NAMES,
    _arrivals,
    _at,
)

CARD_SHARE = 0.65
API = "/api/v1"


@dataclass(frozen=True)
class MenuLine:
    """An item as a line on a check: its price with the required modifiers chosen."""

    item: Item
    unit_price: int
    unit_cost: int
    modifiers: list[dict]


@dataclass
class Venue:
    staff: list[StaffMember]
    devices: list[Device]
    menu: dict[str, list[MenuLine]]


def build(
    *,
    start: datetime.date,
    days: int,
    seed: int,
    after_day: Callable[[datetime.date], object] | None = None,
) -> dict[str, float]:
    """Write `days` days of history from `start`; return counts and the seconds it took.

    `after_day(day)` runs once each day's checks and drawers are written (bench/ui_bench.py
    runs the treasury's day there, as `pos.simulation` does after each simulated day).
    """
    venue = _venue()
    began = time.perf_counter()
    totals = {"checks": 0, "lines": 0}
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        rng = random.Random(f"history:{seed}:{day.isoformat()}")
        checks, lines = _day(rng, venue, day)
        totals["checks"] += checks
        totals["lines"] += lines
        if after_day is not None:
            after_day(day)
        if (offset + 1) % 30 == 0:
            elapsed = time.perf_counter() - began
            print(
                f"    {offset + 1} days, {totals['checks']:,} checks, {elapsed:.0f} s", flush=True
            )
    return {**totals, "seconds": time.perf_counter() - began}


def _venue() -> Venue:
    menu: dict[str, list[MenuLine]] = {}
    items = Item.objects.filter(is_active=True, out_of_stock=False).select_related("category")
    for item in items.prefetch_related("modifier_groups__modifiers"):
        modifiers = []
        for group in item.modifier_groups.all():
            wanted = max(group.min_choices, 1 if group.required else 0)
            options = [m for m in group.modifiers.all() if m.is_active][:wanted]
            modifiers += [
                {"id": m.id, "name": m.name, "delta": to_cents(m.price_delta)} for m in options
            ]
        price = to_cents(item.price) + sum(m["delta"] for m in modifiers)
        line = MenuLine(item, price, to_cents(item.unit_cost), modifiers)
        menu.setdefault(item.category.kind, []).append(line)
    return Venue(
        staff=list(
            StaffMember.objects.filter(role="cashier", is_active=True)
            .select_related("user")
            .order_by("id")
        ),
        devices=list(Device.objects.filter(drawer__isnull=False, is_active=True).order_by("id")),
        menu=menu,
    )


def _day(rng: random.Random, venue: Venue, day: datetime.date) -> tuple[int, int]:
    opener = venue.staff[0]
    sessions: dict[int, DrawerSession] = {}
    with clock.running_at(_at(day, 10, 45)):
        for drawer_id in dict.fromkeys(device.drawer_id for device in venue.devices):
            session = drawers.open_drawer(
                session_id=_uuid(rng), drawer_id=drawer_id, count=FLOAT_COUNT, staff=opener
            )
            sessions[drawer_id] = DrawerSession.objects.select_related("drawer").get(id=session.id)
    checks = [_check(rng, venue, sessions, moment) for moment in _arrivals(rng, day)]
    drawer_accounts = {session.id: session.drawer.account for session in sessions.values()}
    with transaction.atomic():
        Tab.objects.bulk_create([check.tab for check in checks])
        for check in checks:
            check.attach()
        TabLine.objects.bulk_create([line for check in checks for line in check.lines])
        sent = [ticket for check in checks for ticket in check.tickets()]
        Ticket.objects.bulk_create([ticket for ticket, _ in sent])
        TicketLine.objects.bulk_create(
            [TicketLine(ticket=ticket, line=line) for ticket, lines in sent for line in lines]
        )
        Payment.objects.bulk_create([check.payment for check in checks])
        Activity.objects.bulk_create([a for check in checks for a in check.activities()])
        IdempotencyRecord.objects.bulk_create([r for check in checks for r in check.key_records()])
        for check in checks:
            tab = check.tab
            post_entry(
                entry_id=tab.ledger_entry_id,
                kind=EntryKind.SALE,
                effective_date=tab.business_date,
                memo=str(tab),
                source_ref=f"check:{tab.id}",
                lines=checkout.sale_entry_lines(
                    tab, check.figures, [check.payment], drawer_accounts=drawer_accounts
                ),
                created_by=check.staff.user,
            )
    with clock.running_at(_at(day, 23, 59) + datetime.timedelta(hours=2)):
        for session in sessions.values():
            counted = drawers.count_for(expected_cash_cents(session))
            drawers.close_drawer(session_id=session.id, count=counted, staff=opener)
    return len(checks), sum(len(check.lines) for check in checks)


@dataclass
class Check:
    """One check's rows before they are written (ids and the tab's id are filled in then)."""

    tab: Tab
    lines: list[TabLine]
    figures: CheckFigures
    payment: Payment
    staff: StaffMember
    device: Device
    paid_at: datetime.datetime

    def attach(self) -> None:
        """Point the lines and the payment at the tab, once it has its id."""
        for line in self.lines:
            line.tab = self.tab
        self.payment.tab = self.tab

    def tickets(self) -> list[tuple[Ticket, list[TabLine]]]:
        """Each round's tickets to the bar and the grill, with their lines, bumped as made."""
        rounds: dict[tuple, list[TabLine]] = {}
        for line in self.lines:
            if line.station:
                rounds.setdefault((line.added_at, line.station), []).append(line)
        return [
            (
                Ticket(
                    tab=self.tab,
                    station=station,
                    kind=Ticket.Kind.ORDER,
                    created_at=at,
                    created_by=self.staff,
                    done_at=at + datetime.timedelta(minutes=MAKING_MINUTES[station]),
                ),
                lines,
            )
            for (at, station), lines in rounds.items()
        ]

    def activities(self) -> list[Activity]:
        def entry(action: str, at: datetime.datetime, **detail) -> Activity:
            return Activity(
                at=at,
                action=action,
                staff=self.staff,
                device=self.device,
                tab=self.tab,
                detail={key: str(value) for key, value in detail.items()},
            )

        payment = self.payment
        return [
            entry("tab.open", self.tab.opened_at),
            *(
                entry(
                    "line.add", line.added_at, line=line.id, item=line.name, quantity=line.quantity
                )
                for line in self.lines
            ),
            entry(
                f"payment.{payment.tender}.captured",
                self.paid_at,
                payment=payment.id,
                amount=payment.amount,
                tip=payment.tip,
            ),
            entry("tab.close", self.paid_at, entry=self.tab.ledger_entry_id),
        ]

    def key_records(self) -> list[IdempotencyRecord]:
        """The Idempotency-Key records of the API calls that rang the check up."""
        principal = f"{self.device.id}:{self.staff.id}"
        calls = [(f"{API}/tabs", self.tab.opened_at)]
        calls += [(f"{API}/tabs/{self.tab.id}/lines", line.added_at) for line in self.lines]
        calls.append((f"{API}/tabs/{self.tab.id}/payments", self.paid_at))
        return [
            IdempotencyRecord(
                key=str(uuid.uuid4()),
                principal=principal,
                endpoint=endpoint,
                fingerprint=hashlib.sha256(f"{endpoint}{at}".encode()).hexdigest(),
                status_code=201,
                body={"id": self.tab.id},
                created_at=at,
            )
            for endpoint, at in calls
        ]


def _check(rng, venue: Venue, sessions, opened_at: datetime.datetime) -> Check:
    staff, device = rng.choice(venue.staff), rng.choice(venue.devices)
    table = str(rng.randint(1, 24)) if rng.random() < 0.6 else ""
    tab = Tab(
        client_id=_uuid(rng),
        name=rng.choice(NAMES) if rng.random() < 0.7 or not table else "",
        table=table,
        opened_by=staff,
        device=device,
        opened_at=opened_at,
    )
    adults = rng.random() < 0.7
    kinds = [k for k in CATEGORY_WEIGHTS if k in venue.menu and (adults or k != "alcohol")]
    lines = []
    rounds = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
    for number in range(rounds):
        at = opened_at + datetime.timedelta(minutes=number * rng.randint(15, 35))
        for _ in range(rng.choices([1, 2, 3, 4], weights=[20, 40, 25, 15])[0]):
            kind = rng.choices(kinds, weights=[CATEGORY_WEIGHTS[k] for k in kinds])[0]
            lines.append(_line(rng, rng.choice(venue.menu[kind]), staff, device, at))
    if any(line.item.min_age for line in lines):
        tab.age_checked_by, tab.age_checked_at = staff, opened_at
    paid_at = opened_at + datetime.timedelta(minutes=rounds * 30 + rng.randint(5, 40))
    figures = check_figures(
        [
            LineInput(
                line_id=line.id,
                category_id=line.category_id,
                tax_rate=line.tax_rate,
                gross=line.amount,
                cost=line.quantity * line.unit_cost,
            )
            for line in lines
        ],
        [],
    )
    total = figures.total
    session = sessions[device.drawer_id]
    payment = Payment(
        id=_uuid(rng),
        amount=total,
        status=Payment.Status.CAPTURED,
        drawer_session=session,
        created_by=staff,
        device=device,
        created_at=paid_at,
    )
    if rng.random() < CARD_SHARE:
        payment.tender = Tender.CARD
        payment.tip = total * rng.choice([0, 0, 15, 18, 20]) // 100
        payment.gateway_reference = f"history_{payment.id.hex[:16]}"
    else:
        payment.tender = Tender.CASH
        payment.tendered = -(-total // 2000) * 2000
        payment.change = payment.tendered - total
    # Closed as the close service leaves it (pos.services.checkout.closing._close).
    tab.status, tab.closed_by, tab.closed_at = Tab.Status.CLOSED, staff, paid_at
    tab.business_date = business_date(paid_at)
    tab.ledger_entry_id = checkout.ledger_entry_id("tab-close", tab.client_id)
    tab.subtotal, tab.tax, tab.tips, tab.total = figures.subtotal, figures.tax, payment.tip, total
    tab.closings, tab.version = 1, 2
    return Check(tab, lines, figures, payment, staff, device, paid_at)


def _line(rng, menu_line: MenuLine, staff, device, at: datetime.datetime) -> TabLine:
    item = menu_line.item
    return TabLine(
        id=_uuid(rng),
        item=item,
        category=item.category,
        name=item.name,
        station=item.station,
        quantity=rng.choices([1, 2, 3], weights=[75, 20, 5])[0],
        unit_price=menu_line.unit_price,
        list_price=menu_line.unit_price,
        unit_cost=menu_line.unit_cost,
        tax_rate=item.category.tax_rate,
        modifiers=menu_line.modifiers,
        added_by=staff,
        device=device,
        added_at=at,
        sent_at=at,
    )


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
