"""The rows every write of a session touches: the locks, the segments, the resource's status
and the activity record (see the package's docstring for the order of the locks)."""

import datetime
import uuid

from pos import clock
from pos.exceptions import NotFoundError
from pos.rentals import billing
from pos.rentals.exceptions import SessionStateError
from pos.rentals.models import RentalSession, Resource, Segment
from pos.rentals.selectors import billed_tab_id, venue_zone
from pos.services.activity import record
from pos.services.tabs import lock_open_tab

BUSY = "{resource} is {status}; stop its session or choose another"
OUT_OF_ORDER = "{resource} is out of order"
NOT_FOUND = "There is no rental session {session}"
NO_RESOURCE = "There is no resource {resource}"
STOPPED = "The session on {resource} is stopped"


def lock_resources(resource_ids: list[int]) -> dict[int, Resource]:
    # In id order, so two tablets transferring both ways cannot deadlock.
    locked = {
        r.id: r
        for r in Resource.objects.select_for_update(of=("self",))
        .select_related("type", "type__category", "rate_plan", "type__rate_plan")
        .filter(id__in=resource_ids)
        .order_by("id")
    }
    for resource_id in resource_ids:
        if resource_id not in locked:
            raise NotFoundError(NO_RESOURCE.format(resource=resource_id))
    return locked


def lock_session(session_id: uuid.UUID) -> RentalSession:
    """Lock an active session after its tab (the order of every tab write); `session.tab` is
    then the open tab it bills to. Raise NotFoundError, TabNotOpenError or SessionStateError."""
    session = RentalSession.objects.filter(id=session_id).first()
    if session is None:
        raise NotFoundError(NOT_FOUND.format(session=session_id))
    tab = lock_open_tab(billed_tab_id(session.tab_id, session.tab.merged_into_id))
    session = (
        RentalSession.objects.select_for_update(of=("self",))
        .select_related("resource__type__category")
        .get(id=session_id)
    )
    if session.status == RentalSession.Status.STOPPED:
        raise SessionStateError(STOPPED.format(resource=session.resource.name))
    session.tab = tab
    return session


def open_segment(
    session: RentalSession, at: datetime.datetime, reason: str, *, paused: bool = False
) -> Segment:
    rate, label = billing.RateTable.from_json(session.rates).rate_at(at, venue_zone())
    return Segment.objects.create(
        session=session,
        resource=session.resource,
        start=at,
        rate=rate,
        label=label,
        players=session.players,
        reason=reason,
        paused=paused,
    )


def close_open_segment(session: RentalSession, at: datetime.datetime) -> None:
    """End the open segment at `at`, cut at every rate change in between (stored as rows)."""
    row = session.segments.select_for_update().get(end__isnull=True)
    pieces = billing.rate_segments(
        row.start,
        at,
        billing.RateTable.from_json(session.rates),
        venue_zone(),
        players=row.players,
        reason=row.reason,
        paused=row.paused,
    )
    first, rest = pieces[0], pieces[1:]
    row.end, row.rate, row.label = first.end, first.rate, first.label
    row.save(update_fields=["end", "rate", "label"])
    Segment.objects.bulk_create(
        Segment(
            session=session,
            resource=row.resource,
            start=p.start,
            end=p.end,
            rate=p.rate,
            label=p.label,
            players=p.players,
            reason=p.reason,
            paused=p.paused,
        )
        for p in rest
    )


def next_segment(session: RentalSession, reason: str, *, paused: bool) -> None:
    now = clock.now()
    close_open_segment(session, now)
    open_segment(session, now, reason, paused=paused)


def set_status(resource: Resource, status: str) -> None:
    if resource.status != Resource.Status.OUT_OF_ORDER and resource.status != status:
        resource.status = status
        resource.save(update_fields=["status"])


def record_session(action: str, session: RentalSession, staff, device, **detail) -> None:
    record(
        action=action,
        staff=staff,
        device=device,
        tab=session.tab,
        session=session.id,
        resource=session.resource.name,
        **detail,
    )
