"""A session's end: stopped, it becomes ONE line on its tab (and one more for equipment that
did not come back); and resources taken out of order or put back in service."""

import uuid

from django.db import transaction

from ledger.money import to_cents
from pos import clock
from pos.exceptions import InvalidInputError, NotFoundError
from pos.models import Category, Device, Item, StaffMember, TabLine
from pos.rentals import billing
from pos.rentals.exceptions import ResourceBusyError
from pos.rentals.models import RatePlan, RentalSession, Resource
from pos.rentals.selectors import ACTIVE, session_bill
from pos.rentals.services.sessions.rows import (
    BUSY,
    NOT_FOUND,
    close_open_segment,
    lock_resources,
    lock_session,
    record_session,
    set_status,
)
from pos.services.activity import record

FORFEITS = "Income:Other:Forfeits"
EQUIPMENT_CATEGORY = "Lost or broken game equipment"
LINE_NAMESPACE = uuid.UUID("6a3e9f0c-2f5b-4d0e-9b1c-7c4d2e8f1a35")


@transaction.atomic
def stop_session(
    *,
    session_id: uuid.UUID,
    equipment_returned: int | None = None,
    staff: StaffMember,
    device: Device,
) -> RentalSession:
    """Stop the clock and put the session on its tab as ONE line (its UUID is the session's).

    Missing equipment (handed out minus returned) is charged on a second line at the type's
    price per piece. Stopping a stopped session returns it. Raise TabNotOpenError.
    """
    session = RentalSession.objects.filter(id=session_id).first()
    if session is None:
        raise NotFoundError(NOT_FOUND.format(session=session_id))
    if session.status == RentalSession.Status.STOPPED:
        return session
    session = lock_session(session_id)
    tab = session.tab
    if equipment_returned is not None and not 0 <= equipment_returned <= session.equipment_out:
        raise InvalidInputError(f"Between 0 and {session.equipment_out} pieces can come back")
    now = clock.now()
    close_open_segment(session, now)
    session.status, session.stopped_at = RentalSession.Status.STOPPED, now
    bill = session_bill(session)
    resource_type = session.resource.type
    session.charge = bill.total
    session.line = TabLine.objects.create(
        id=session.id,
        tab=tab,
        item=resource_type.item,
        category=resource_type.category,
        name=_line_name(session, bill),
        quantity=1,
        unit_price=bill.total,
        list_price=bill.total,
        unit_cost=0,
        tax_rate=resource_type.category.tax_rate,
        price_rule=", ".join(sorted(_rules_used(session, bill)))[:60],
        added_by=staff,
        device=device,
        added_at=now,
    )
    session.equipment_returned = equipment_returned
    session.save()
    missing = session.equipment_out - equipment_returned if equipment_returned is not None else 0
    price = to_cents(resource_type.missing_equipment_price)
    if missing and price:
        _charge_missing_equipment(session, tab, missing, price, staff, device, now)
    set_status(session.resource, Resource.Status.FREE)
    record_session(
        "rental.stop",
        session,
        staff,
        device,
        charge=bill.total,
        line=session.line_id,
        missing=missing,
    )
    return session


@transaction.atomic
def set_out_of_order(
    *,
    resource_id: int,
    out_of_order: bool,
    reason: str = "",
    staff: StaffMember,
    device: Device | None = None,
) -> Resource:
    """Take a free resource out of order (with a reason), or put it back in service.

    Raise ResourceBusyError while a session runs on it: stop or move the session first.
    """
    resource = lock_resources([resource_id])[resource_id]
    if (resource.status == Resource.Status.OUT_OF_ORDER) == out_of_order:
        return resource
    if out_of_order and not reason.strip():
        raise InvalidInputError("Say what is wrong with it")
    if resource.sessions.filter(status__in=ACTIVE).exists():
        raise ResourceBusyError(BUSY.format(resource=resource.name, status=resource.status))
    resource.status = Resource.Status.OUT_OF_ORDER if out_of_order else Resource.Status.FREE
    resource.save(update_fields=["status"])
    record(
        action="rental.out_of_order" if out_of_order else "rental.in_service",
        staff=staff,
        device=device,
        resource=resource.name,
        reason=reason.strip(),
    )
    return resource


def _charge_missing_equipment(session, tab, missing, price, staff, device, now) -> None:
    category, _ = Category.objects.get_or_create(
        name=EQUIPMENT_CATEGORY,
        defaults={
            "kind": Category.Kind.GAMES,
            "income_account": FORFEITS,
            "tax_rate": session.resource.type.category.tax_rate,
            "sort_order": 999,
        },
    )
    item, _ = Item.objects.get_or_create(
        category=category,
        name="Missing game equipment",
        defaults={"price": session.resource.type.missing_equipment_price, "is_active": False},
    )
    equipment = session.resource.type.equipment_name or "pieces"
    TabLine.objects.create(
        id=uuid.uuid5(LINE_NAMESPACE, f"missing-equipment:{session.id}"),
        tab=tab,
        item=item,
        category=category,
        name=f"Missing {equipment} ({session.resource.name})",
        quantity=missing,
        unit_price=price,
        list_price=price,
        unit_cost=0,
        tax_rate=category.tax_rate,
        added_by=staff,
        device=device,
        added_at=now,
    )


def _line_name(session: RentalSession, bill) -> str:
    if session.plan_kind == RatePlan.Kind.PER_GAME:
        return f"{session.resource.name}: {session.games} game(s)"[:80]
    if session.plan_kind == RatePlan.Kind.PREPAID_BLOCK:
        minutes = session.blocks * session.plan["block_minutes"]
        return f"{session.resource.name}: {minutes} min prepaid"[:80]
    billed = bill.charge.billed_seconds // 60
    return f"{session.resource.name}: {billed // 60}h{billed % 60:02d} billed"[:80]


def _rules_used(session: RentalSession, bill) -> set[str]:
    base = billing.RateTable.from_json(session.rates).base_label
    return {s.label for s in bill.segments if not s.paused and s.label != base and s.label}
