"""Sending a check's new lines to the bar or grill as tickets, and bumping tickets."""

from collections import defaultdict

from django.db import transaction

from pos import clock
from pos.exceptions import (
    NotFoundError,
)
from pos.models import (
    Device,
    StaffMember,
    TabLine,
    Ticket,
    TicketLine,
)
from pos.services.activity import record
from pos.services.tabs.checks import lock_open_tab


@transaction.atomic
def send_to_preparation(
    *, tab_id: int, staff: StaffMember, device: Device | None = None
) -> list[Ticket]:
    """Turn the tab's unsent lines into one ticket per station (bar, grill)."""
    tab = lock_open_tab(tab_id)
    unsent = tab.lines.filter(sent_at__isnull=True, voided_at__isnull=True).exclude(station="")
    by_station: dict[str, list[TabLine]] = defaultdict(list)
    for line in unsent:
        by_station[line.station].append(line)
    now = clock.now()
    tickets = []
    for station in sorted(by_station):
        ticket = Ticket.objects.create(
            tab=tab, station=station, kind=Ticket.Kind.ORDER, created_at=now, created_by=staff
        )
        TicketLine.objects.bulk_create(
            TicketLine(ticket=ticket, line=ln) for ln in by_station[station]
        )
        tickets.append(ticket)
    unsent.update(sent_at=now)
    if tickets:
        record(
            action="tab.send", staff=staff, device=device, tab=tab,
            tickets=", ".join(f"{t.station} #{t.id}" for t in tickets),
        )  # fmt: skip
    return tickets


@transaction.atomic
def bump_ticket(*, ticket_id: int, done: bool = True) -> Ticket:
    """Mark a preparation ticket done (bumped off the kitchen display), or recall it.

    Idempotent: bumping a done ticket keeps its first done_at. The kitchen display has no
    staff sign-in, so this writes no activity row; done_at is the record.
    """
    ticket = Ticket.objects.select_for_update().filter(id=ticket_id).first()
    if ticket is None:
        raise NotFoundError(f"There is no ticket {ticket_id}")
    if done and ticket.done_at is None:
        ticket.done_at = clock.now()
        ticket.save(update_fields=["done_at"])
    elif not done and ticket.done_at is not None:
        ticket.done_at = None
        ticket.save(update_fields=["done_at"])
    return ticket
