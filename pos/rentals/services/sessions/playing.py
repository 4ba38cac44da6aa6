"""Sessions while they run: start, pause, resume, players, games, prepaid blocks, transfer and
time adjustments."""

import uuid

from django.db import IntegrityError, transaction

from pos import clock
from pos.exceptions import IdempotencyConflictError, InvalidInputError, NotFoundError
from pos.models import Device, Payment, StaffMember
from pos.rentals.exceptions import ResourceBusyError, SessionStateError
from pos.rentals.models import RatePlan, RentalSession, Resource, Segment, TimeAdjustment
from pos.rentals.selectors import ACTIVE
from pos.rentals.services.catalog import plan_for, plan_snapshot, rate_table
from pos.rentals.services.sessions.rows import (
    BUSY,
    NOT_FOUND,
    OUT_OF_ORDER,
    close_open_segment,
    lock_resources,
    lock_session,
    next_segment,
    open_segment,
    record_session,
    set_status,
)
from pos.services.activity import record
from pos.services.staff import require_manager
from pos.services.tabs import lock_open_tab

BEING_PAID = "Check {tab} is being paid by card; start the game once that payment is done"
SESSION_REUSED = "Session {session} already exists for another resource or tab"
WRONG_PLAN = "{resource} is not billed {what}"
PLAYERS = "Players must be 1 to 50"


@transaction.atomic
def start_session(
    *,
    session_id: uuid.UUID,
    resource_id: int,
    tab_id: int,
    players: int = 1,
    staff: StaffMember,
    device: Device,
) -> RentalSession:
    """Start timing a resource for a tab. Idempotent by session_id.

    Raise NotFoundError, TabNotOpenError, ResourceBusyError (in use, paused or out of order),
    SessionStateError (the check's card is on the reader), IdempotencyConflictError,
    InvalidInputError (no rate plan, players).
    """
    _check_players(players)
    existing = RentalSession.objects.filter(id=session_id).first()
    if existing is not None:
        return _same_start(existing, resource_id, tab_id)
    tab = lock_open_tab(tab_id)
    resource = lock_resources([resource_id])[resource_id]
    existing = RentalSession.objects.filter(id=session_id).first()  # a twin that won the lock
    if existing is not None:
        return _same_start(existing, resource_id, tab_id)
    # A card payment waiting on the reader may be the last one: the check would close over
    # the new game (the last payment checks for running games before the card is charged).
    if tab.payments.filter(status=Payment.Status.PENDING).exists():
        raise SessionStateError(BEING_PAID.format(tab=tab.id))
    if resource.status == Resource.Status.OUT_OF_ORDER:
        raise ResourceBusyError(OUT_OF_ORDER.format(resource=resource.name))
    if resource.sessions.filter(status__in=ACTIVE).exists():
        raise ResourceBusyError(BUSY.format(resource=resource.name, status=resource.status))
    plan = plan_for(resource)
    now = clock.now()
    try:
        # A savepoint: the partial unique index refuses a second active session on the
        # resource (a writer that did not take the lock above), and nothing half-written stays.
        with transaction.atomic():
            session = RentalSession.objects.create(
                id=session_id,
                resource=resource,
                tab=tab,
                plan_kind=plan.kind,
                plan=plan_snapshot(plan),
                rates=rate_table(resource, plan).as_json(),
                players=players,
                blocks=1 if plan.kind == RatePlan.Kind.PREPAID_BLOCK else 0,
                equipment_out=resource.type.equipment_count,
                started_at=now,
                started_by=staff,
                device=device,
            )
    except IntegrityError as error:
        raise ResourceBusyError(BUSY.format(resource=resource.name, status="in use")) from error
    open_segment(session, now, Segment.Reason.START)
    set_status(resource, Resource.Status.IN_USE)
    record(
        action="rental.start",
        staff=staff,
        device=device,
        tab=tab,
        session=session.id,
        resource=resource.name,
        players=players,
        plan=plan.name,
    )
    return session


def pause_session(
    *, session_id: uuid.UUID, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Stop the clock for a while (a pause costs nothing). Pausing a paused session is a no-op."""
    return _pause_or_resume(session_id, True, staff, device)


def resume_session(
    *, session_id: uuid.UUID, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Start the clock again after a pause. Resuming a running session is a no-op."""
    return _pause_or_resume(session_id, False, staff, device)


@transaction.atomic
def _pause_or_resume(session_id, pause: bool, staff, device) -> RentalSession:
    session = lock_session(session_id)
    status = RentalSession.Status.PAUSED if pause else RentalSession.Status.RUNNING
    if session.status == status:
        return session
    next_segment(session, Segment.Reason.PAUSE if pause else Segment.Reason.RESUME, paused=pause)
    session.status = status
    session.save(update_fields=["status"])
    set_status(session.resource, Resource.Status.PAUSED if pause else Resource.Status.IN_USE)
    record_session("rental.pause" if pause else "rental.resume", session, staff, device)
    return session


@transaction.atomic
def set_players(
    *, session_id: uuid.UUID, players: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Players join or leave: a new segment from now (per-player plans bill by it)."""
    _check_players(players)
    session = lock_session(session_id)
    if session.players == players:
        return session
    session.players = players
    session.save(update_fields=["players"])
    next_segment(session, Segment.Reason.PLAYERS, paused=session.status == "paused")
    record_session("rental.players", session, staff, device, players=players)
    return session


@transaction.atomic
def set_games(
    *, session_id: uuid.UUID, games: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Set the number of games played (per-game plans); the count is absolute, so a retry
    changes nothing."""
    if not 0 <= games <= 1000:
        raise InvalidInputError("Games must be 0 to 1000")
    session = lock_session(session_id)
    if session.plan_kind != RatePlan.Kind.PER_GAME:
        raise SessionStateError(WRONG_PLAN.format(resource=session.resource.name, what="per game"))
    if session.games != games:
        session.games = games
        session.save(update_fields=["games"])
        record_session("rental.games", session, staff, device, games=games)
    return session


@transaction.atomic
def extend_session(
    *, session_id: uuid.UUID, blocks: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Set the number of prepaid blocks bought (the first plus extensions; absolute, so a retry
    changes nothing). Raise SessionStateError for a session not on a prepaid plan."""
    session = lock_session(session_id)
    if session.plan_kind != RatePlan.Kind.PREPAID_BLOCK:
        raise SessionStateError(
            WRONG_PLAN.format(resource=session.resource.name, what="by prepaid block")
        )
    if not session.blocks <= blocks <= 48:
        raise InvalidInputError(f"Blocks go from {session.blocks} (bought) up to 48")
    if session.blocks != blocks:
        session.blocks = blocks
        session.save(update_fields=["blocks"])
        record_session("rental.extend", session, staff, device, blocks=blocks)
    return session


@transaction.atomic
def transfer_session(
    *,
    session_id: uuid.UUID,
    resource_id: int,
    staff: StaffMember,
    device: Device | None = None,
) -> RentalSession:
    """Move the session to another free resource: the time played travels with it, and the
    new resource's rates apply from now. Raise ResourceBusyError."""
    session = RentalSession.objects.filter(id=session_id).first()
    if session is None:
        raise NotFoundError(NOT_FOUND.format(session=session_id))
    if session.resource_id == resource_id:
        return session
    session = lock_session(session_id)
    resources = lock_resources([session.resource_id, resource_id])
    target = resources[resource_id]
    if target.status == Resource.Status.OUT_OF_ORDER:
        raise ResourceBusyError(OUT_OF_ORDER.format(resource=target.name))
    if target.sessions.filter(status__in=ACTIVE).exists():
        raise ResourceBusyError(BUSY.format(resource=target.name, status=target.status))
    source = resources[session.resource_id]
    close_open_segment(session, clock.now())
    session.resource = target
    session.rates = rate_table(target, plan_for(target)).as_json()
    session.save(update_fields=["resource", "rates"])
    open_segment(
        session,
        clock.now(),
        Segment.Reason.TRANSFER,
        paused=session.status == RentalSession.Status.PAUSED,
    )
    set_status(source, Resource.Status.FREE)
    paused = session.status == RentalSession.Status.PAUSED
    set_status(target, Resource.Status.PAUSED if paused else Resource.Status.IN_USE)
    record_session(
        "rental.transfer", session, staff, device, source=source.name, target=target.name
    )
    return session


@transaction.atomic
def adjust_time(
    *,
    adjustment_id: uuid.UUID,
    session_id: uuid.UUID,
    minutes: int,
    reason: str,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> TimeAdjustment:
    """Add (positive) or take off (negative) minutes, with a reason; a manager approves, and
    both are kept in the audit trail. Idempotent by adjustment_id."""
    existing = TimeAdjustment.objects.filter(id=adjustment_id).first()
    if existing is not None:
        if (existing.session_id, existing.seconds, existing.reason) != (
            session_id,
            minutes * 60,
            reason.strip(),
        ):
            raise IdempotencyConflictError(f"Adjustment {adjustment_id} exists with other content")
        return existing
    if not minutes or abs(minutes) > 24 * 60 or not reason.strip():
        raise InvalidInputError("Give a number of minutes (not 0, at most a day) and a reason")
    session = lock_session(session_id)
    approved_by = require_manager(approved_by, action=f"adjust {session.resource.name} time")
    adjustment = TimeAdjustment.objects.create(
        id=adjustment_id,
        session=session,
        seconds=minutes * 60,
        reason=reason.strip(),
        staff=staff,
        approved_by=approved_by,
        at=clock.now(),
    )
    record(
        action="rental.adjust",
        staff=staff,
        device=device,
        tab=session.tab,
        approved_by=approved_by,
        session=session.id,
        minutes=minutes,
        reason=adjustment.reason,
    )
    return adjustment


def _check_players(players: int) -> None:
    if not (isinstance(players, int) and 1 <= players <= 50):
        raise InvalidInputError(PLAYERS)


def _same_start(existing: RentalSession, resource_id: int, tab_id: int) -> RentalSession:
    # A transfer moves the session; its first segment remembers where it started.
    first = existing.segments.order_by("start", "id").first()
    started_on = first.resource_id if first else existing.resource_id
    if (started_on, existing.tab_id) != (resource_id, tab_id):
        raise IdempotencyConflictError(SESSION_REUSED.format(session=existing.id))
    return existing
