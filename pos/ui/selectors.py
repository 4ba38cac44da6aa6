"""Reads for the tablet screens, on top of pos.selectors and the API's tab description.

The screens show the same figures as the API: a tab is read by `pos.apis.outputs.describe_tab`
(lines with their discounts, payments, figures) and only grouped here for display: identical
lines (same item, modifiers, note and sent state) show as one row with a count, because a tap
adds one line and repeat taps add more.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from pos import clock
from pos.apis.catalog import menu_items
from pos.apis.outputs import describe_tab, tab_header, ticket_queryset
from pos.models import Category, Item, Tab, TabLine, Ticket

KITCHEN_LATE_AFTER = datetime.timedelta(minutes=15)


@dataclass
class LineGroup:
    """Identical lines of a ticket, shown as one row."""

    item_id: int
    name: str
    modifiers: list[str]
    modifier_ids: list[int]
    note: str
    sent: bool
    quantity: int = 0
    amount: int = 0
    line_ids: list = field(default_factory=list)

    @property
    def last_line_id(self):
        return self.line_ids[-1]

    @property
    def modifier_ids_csv(self) -> str:
        return ",".join(str(i) for i in self.modifier_ids)


def menu() -> list[Category]:
    """Categories with their active items (modifier groups prefetched), in menu order."""
    categories = Category.objects.prefetch_related(Prefetch("items", queryset=menu_items()))
    return [category for category in categories if category.items.all()]


def out_of_stock_ids() -> str:
    """Comma-separated ids of the 86'd items (the heartbeat every tablet polls)."""
    ids = Item.objects.filter(out_of_stock=True, is_active=True).values_list("id", flat=True)
    return ",".join(str(i) for i in sorted(ids))


def tab_screen(tab_id: int) -> dict:
    """A tab as the order and pay screens show it: describe_tab plus grouped lines."""
    tab = describe_tab(tab_id)
    groups: dict[tuple, LineGroup] = {}
    voided = []
    for line in tab["lines"]:
        if line.voided_at is not None:
            voided.append(line)
            continue
        ids = sorted(m["id"] for m in line.modifiers)
        key = (line.item_id, tuple(ids), line.note, line.sent_at is not None)
        group = groups.get(key)
        if group is None:
            group = groups[key] = LineGroup(
                item_id=line.item_id,
                name=line.name,
                modifiers=[m["name"] for m in line.modifiers],
                modifier_ids=ids,
                note=line.note,
                sent=line.sent_at is not None,
            )
        group.quantity += line.quantity
        group.amount += line.amount
        group.line_ids.append(line.id)
    tab["groups"] = list(groups.values())
    tab["voided"] = voided
    tab["live_lines"] = [line for line in tab["lines"] if line.voided_at is None]
    tab["unsent"] = sum(g.quantity for g in tab["groups"] if not g.sent)
    tab["has_bar_round"] = Ticket.objects.filter(
        tab_id=tab_id, station="bar", kind=Ticket.Kind.ORDER
    ).exists()
    return tab


def open_tabs() -> list[dict]:
    """Open tabs with their running totals, oldest first."""
    tabs = Tab.objects.filter(status=Tab.Status.OPEN).select_related("opened_by")
    now = clock.now()
    cards = []
    for tab in tabs.order_by("opened_at", "id"):
        header = tab_header(tab)
        header["minutes_open"] = int((now - tab.opened_at).total_seconds() // 60)
        cards.append(header)
    return cards


def closed_check_id(number: str) -> int | None:
    """The id of the closed check with this number as typed (digits, twelve at most: a longer
    number is no check's and would overflow the database), or None."""
    if not (number.isdigit() and len(number) <= 12):
        return None
    found = Tab.objects.filter(id=int(number), status=Tab.Status.CLOSED).exists()
    return int(number) if found else None


def latest_closed(limit: int = 100) -> list[Tab]:
    """The latest closed checks, newest first (earlier business days too: a guest may come
    back for a receipt or a refund)."""
    return list(Tab.objects.filter(status=Tab.Status.CLOSED).order_by("-closed_at", "-id")[:limit])


def last_bar_round(tab_id: int) -> list[TabLine]:
    """The live lines of the tab's latest bar ticket: what "repeat round" adds again."""
    ticket = (
        Ticket.objects.filter(tab_id=tab_id, station="bar", kind=Ticket.Kind.ORDER)
        .order_by("-created_at", "-id")
        .first()
    )
    if ticket is None:
        return []
    return [
        ticket_line.line
        for ticket_line in ticket.lines.select_related("line").order_by("line__added_at", "id")
        if ticket_line.line.voided_at is None
    ]


def kitchen_tickets(station: str | None) -> dict[str, list[Ticket]]:
    """Tickets not done yet, per station, in arrival order, each with its age in minutes."""
    tickets = ticket_queryset().filter(done_at__isnull=True).order_by("created_at", "id")
    if station:
        tickets = tickets.filter(station=station)
    now = timezone.now()
    by_station: dict[str, list[Ticket]] = {"grill": [], "bar": []} if not station else {station: []}
    for ticket in tickets:
        age = now - ticket.created_at
        ticket.age_minutes = int(age.total_seconds() // 60)
        ticket.is_late = age > KITCHEN_LATE_AFTER
        ticket.rows = kitchen_rows(ticket)
        by_station.setdefault(ticket.station, []).append(ticket)
    return by_station


@dataclass
class KitchenRow:
    """Identical lines of a ticket (same item, modifiers and note), made together."""

    name: str
    modifiers: list[str]
    note: str
    quantity: int = 0


def kitchen_rows(ticket: Ticket) -> list[KitchenRow]:
    """The ticket's lines in the order they were added, identical ones counted together."""
    rows: dict[tuple, KitchenRow] = {}
    lines = sorted((tl.line for tl in ticket.lines.all()), key=lambda ln: (ln.added_at, str(ln.id)))
    for line in lines:
        modifiers = [m["name"] for m in line.modifiers]
        key = (line.item_id, tuple(modifiers), line.note)
        row = rows.setdefault(key, KitchenRow(line.name, modifiers, line.note))
        row.quantity += line.quantity
    return list(rows.values())
