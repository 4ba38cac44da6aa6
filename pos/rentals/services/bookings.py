"""Party bookings: reserve resources for a time slot, arrive, no-show, cancel.

A booking holds each of its resources through a `BookingSlot`. The service refuses an overlap
with a typed error (BookingConflictError); the database refuses it anyway (pos/rentals/
overlap.py), so two tablets booking the same board at the same time cannot both succeed: the
loser's insert fails inside a savepoint and gets the same error. A deposit taken for a booking
(pos.rentals.services.deposits, booking_id=...) becomes a credit on the party's check when
they arrive; a no-show forfeits it (with a manager's approval) and frees the slots.
"""

import datetime
import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from pos import clock
from pos.exceptions import IdempotencyConflictError, InvalidInputError, NotFoundError
from pos.models import Device, StaffMember
from pos.rentals.exceptions import BookingConflictError
from pos.rentals.models import Booking, BookingSlot, Deposit, Resource
from pos.rentals.services.deposits import forfeit_deposit
from pos.services.activity import record
from pos.services.staff import require_manager
from pos.services.tabs import open_tab

TAKEN = "{resources} already booked between {start:%H:%M} and {end:%H:%M}"
NOT_BOOKED = "Booking {booking} is {status}"
REUSED = "Booking {booking} already exists with other content"


@transaction.atomic
def create_booking(
    *,
    booking_id: uuid.UUID,
    name: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    resource_ids: Sequence[int],
    staff: StaffMember,
    device: Device | None = None,
) -> Booking:
    """Book resources for [starts_at, ends_at). Idempotent by booking_id.

    Raise InvalidInputError, NotFoundError, BookingConflictError, IdempotencyConflictError.
    """
    name, ids = name.strip(), sorted(set(resource_ids))
    existing = Booking.objects.filter(id=booking_id).first()
    if existing is not None:
        return _same(existing, name, starts_at, ends_at, ids)
    if not name or not ids or not starts_at < ends_at:
        raise InvalidInputError("A booking needs a name, resources and an end after its start")
    resources = list(Resource.objects.select_for_update().filter(id__in=ids).order_by("id"))
    if len(resources) != len(ids):
        raise NotFoundError("Some of those resources do not exist")
    taken = BookingSlot.objects.filter(
        resource_id__in=ids, active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).select_related("resource")
    if taken:
        names = ", ".join(sorted({slot.resource.name for slot in taken}))
        raise BookingConflictError(TAKEN.format(resources=names, start=_local(starts_at),
                                                end=_local(ends_at)))  # fmt: skip
    try:
        # A savepoint: the database's overlap guard is the last word (a concurrent booking
        # that committed after the check above), and nothing half-written stays.
        with transaction.atomic():
            booking = Booking.objects.create(
                id=booking_id, name=name, starts_at=starts_at, ends_at=ends_at,
                created_by=staff, created_at=clock.now(),
            )  # fmt: skip
            BookingSlot.objects.bulk_create(
                BookingSlot(booking=booking, resource=r, starts_at=starts_at, ends_at=ends_at)
                for r in resources
            )
    except IntegrityError as error:
        names = ", ".join(r.name for r in resources)
        raise BookingConflictError(
            TAKEN.format(resources=names, start=_local(starts_at), end=_local(ends_at))
        ) from error
    record(action="booking.create", staff=staff, device=device, booking=booking.id, name=name,
           resources=", ".join(r.name for r in resources), starts_at=starts_at,
           ends_at=ends_at)  # fmt: skip
    return booking


@transaction.atomic
def arrive(
    *, booking_id: uuid.UUID, tab_client_id: uuid.UUID, staff: StaffMember, device: Device
) -> Booking:
    """The party is here: open its check (by the tablet's UUID), and its held cash deposits
    become a credit on it. Arriving twice returns the booking."""
    booking = _lock(booking_id)
    if booking.status == Booking.Status.ARRIVED:
        return booking
    _require_booked(booking)
    tab = open_tab(client_id=tab_client_id, name=booking.name, staff=staff, device=device)
    booking.status, booking.tab = Booking.Status.ARRIVED, tab
    booking.save(update_fields=["status", "tab"])
    credit = booking.deposits.filter(status=Deposit.Status.HELD, kind=Deposit.Kind.CASH)
    credit.update(tab=tab)
    record(action="booking.arrive", staff=staff, device=device, tab=tab, booking=booking.id,
           credit=sum(d.remaining for d in credit))  # fmt: skip
    return booking


def no_show(
    *,
    booking_id: uuid.UUID,
    staff: StaffMember,
    device: Device,
    approved_by: StaffMember | None = None,
) -> Booking:
    """The party never came: its slots are freed and its deposits kept (a manager approves)."""
    require_manager(approved_by, action=f"mark booking {booking_id} a no-show")
    booking = _release(booking_id, Booking.Status.NO_SHOW, staff, device, approved_by)
    for deposit in booking.deposits.filter(status=Deposit.Status.HELD).exclude(kind="id_held"):
        forfeit_deposit(deposit_id=deposit.id, reason="no-show", staff=staff, device=device,
                        approved_by=approved_by)  # fmt: skip
    return booking


def cancel_booking(*, booking_id: uuid.UUID, staff: StaffMember, device: Device) -> Booking:
    """Cancel a booking: its slots are freed; its deposits stay held until returned."""
    return _release(booking_id, Booking.Status.CANCELLED, staff, device)


@transaction.atomic
def _release(booking_id, status, staff, device, approved_by=None) -> Booking:
    booking = _lock(booking_id)
    if booking.status == status:
        return booking
    _require_booked(booking)
    booking.status = status
    booking.save(update_fields=["status"])
    booking.slots.update(active=False)
    record(action=f"booking.{status}", staff=staff, device=device, approved_by=approved_by,
           booking=booking.id)  # fmt: skip
    return booking


def _lock(booking_id: uuid.UUID) -> Booking:
    booking = Booking.objects.select_for_update().filter(id=booking_id).first()
    if booking is None:
        raise NotFoundError(f"There is no booking {booking_id}")
    return booking


def _require_booked(booking: Booking) -> None:
    if booking.status != Booking.Status.BOOKED:
        raise BookingConflictError(NOT_BOOKED.format(booking=booking.name, status=booking.status))


def _same(existing: Booking, name, starts_at, ends_at, ids) -> Booking:
    slots = sorted(existing.slots.values_list("resource_id", flat=True))
    if (existing.name, existing.starts_at, existing.ends_at, slots) != (
        name, starts_at, ends_at, ids,
    ):  # fmt: skip
        raise IdempotencyConflictError(REUSED.format(booking=existing.id))
    return existing


def _local(moment: datetime.datetime) -> datetime.datetime:
    return clock.local_time(moment)
