"""Rental sessions: start, pause, resume, players, games, extend, transfer, adjust, stop.

Every moment is the server's (`pos.clock.now()`); a tablet only says what happened. A session
is a list of stored segments: each event closes the open segment at its moment, cut at every
rate change (a happy hour starting or ending, pos.rentals.billing.rate_segments), and opens
the next one with the reason (pause, resume, players, transfer). The billing plan and the rate
table are frozen on the session when it starts (a transfer takes the new resource's rates), so
the charge is a pure function of stored rows: a closed browser, a dropped connection or a
server restart changes nothing.

Concurrency and idempotency: every write locks the tab (pos.services.tabs.lock_open_tab)
and then the resource row(s), in id order, so two tablets serialize; a start is idempotent by
the session's UUID, and the partial unique index rentals_session_one_active_per_resource makes
a second active session on one resource impossible even for writers that skip the service.
Each other action is idempotent by state (pausing a paused session returns it). On stop the
session becomes ONE tab line whose UUID is the session's, so a repeated stop never adds a
second line; that line carries the resource type's category, whose income account is the
type's own. Missing equipment is charged on a second line (Income:Other:Forfeits).
"""

import datetime
import uuid

from django.db import IntegrityError, transaction

from ledger.money import to_cents
from pos import clock
from pos.exceptions import IdempotencyConflictError, InvalidInputError, NotFoundError
from pos.models import Category, Device, Item, Payment, StaffMember, TabLine
from pos.rentals import billing
from pos.rentals.exceptions import ResourceBusyError, SessionStateError
from pos.rentals.models import RatePlan, RentalSession, Resource, Segment, TimeAdjustment
from pos.rentals.selectors import ACTIVE, billed_tab_id, session_bill, venue_zone
from pos.rentals.services.catalog import plan_for, plan_snapshot, rate_table
from pos.services.activity import record
from pos.services.staff import require_manager
from pos.services.tabs import lock_open_tab

BUSY = "{resource} is {status}; stop its session or choose another"
OUT_OF_ORDER = "{resource} is out of order"
BEING_PAID = "Check {tab} is being paid by card; start the game once that payment is done"
NOT_FOUND = "There is no rental session {session}"
NO_RESOURCE = "There is no resource {resource}"
STOPPED = "The session on {resource} is stopped"
SESSION_REUSED = "Session {session} already exists for another resource or tab"
WRONG_PLAN = "{resource} is not billed {what}"
PLAYERS = "Players must be 1 to 50"
FORFEITS = "Income:Other:Forfeits"
EQUIPMENT_CATEGORY = "Lost or broken game equipment"
LINE_NAMESPACE = uuid.UUID("6a3e9f0c-2f5b-4d0e-9b1c-7c4d2e8f1a35")


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
    resource = _lock_resources([resource_id])[resource_id]
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
    _open_segment(session, now, Segment.Reason.START)
    _set_status(resource, Resource.Status.IN_USE)
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
    session = _lock_session(session_id)
    status = RentalSession.Status.PAUSED if pause else RentalSession.Status.RUNNING
    if session.status == status:
        return session
    _next_segment(session, Segment.Reason.PAUSE if pause else Segment.Reason.RESUME, paused=pause)
    session.status = status
    session.save(update_fields=["status"])
    _set_status(session.resource, Resource.Status.PAUSED if pause else Resource.Status.IN_USE)
    _record("rental.pause" if pause else "rental.resume", session, staff, device)
    return session


@transaction.atomic
def set_players(
    *, session_id: uuid.UUID, players: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Players join or leave: a new segment from now (per-player plans bill by it)."""
    _check_players(players)
    session = _lock_session(session_id)
    if session.players == players:
        return session
    session.players = players
    session.save(update_fields=["players"])
    _next_segment(session, Segment.Reason.PLAYERS, paused=session.status == "paused")
    _record("rental.players", session, staff, device, players=players)
    return session


@transaction.atomic
def set_games(
    *, session_id: uuid.UUID, games: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Set the number of games played (per-game plans); the count is absolute, so a retry
    changes nothing."""
    if not 0 <= games <= 1000:
        raise InvalidInputError("Games must be 0 to 1000")
    session = _lock_session(session_id)
    if session.plan_kind != RatePlan.Kind.PER_GAME:
        raise SessionStateError(WRONG_PLAN.format(resource=session.resource.name, what="per game"))
    if session.games != games:
        session.games = games
        session.save(update_fields=["games"])
        _record("rental.games", session, staff, device, games=games)
    return session


@transaction.atomic
def extend_session(
    *, session_id: uuid.UUID, blocks: int, staff: StaffMember, device: Device | None = None
) -> RentalSession:
    """Set the number of prepaid blocks bought (the first plus extensions; absolute, so a retry
    changes nothing). Raise SessionStateError for a session not on a prepaid plan."""
    session = _lock_session(session_id)
    if session.plan_kind != RatePlan.Kind.PREPAID_BLOCK:
        raise SessionStateError(
            WRONG_PLAN.format(resource=session.resource.name, what="by prepaid block")
        )
    if not session.blocks <= blocks <= 48:
        raise InvalidInputError(f"Blocks go from {session.blocks} (bought) up to 48")
    if session.blocks != blocks:
        session.blocks = blocks
        session.save(update_fields=["blocks"])
        _record("rental.extend", session, staff, device, blocks=blocks)
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
    session = _lock_session(session_id)
    resources = _lock_resources([session.resource_id, resource_id])
    target = resources[resource_id]
    if target.status == Resource.Status.OUT_OF_ORDER:
        raise ResourceBusyError(OUT_OF_ORDER.format(resource=target.name))
    if target.sessions.filter(status__in=ACTIVE).exists():
        raise ResourceBusyError(BUSY.format(resource=target.name, status=target.status))
    source = resources[session.resource_id]
    _close_open_segment(session, clock.now())
    session.resource = target
    session.rates = rate_table(target, plan_for(target)).as_json()
    session.save(update_fields=["resource", "rates"])
    _open_segment(
        session,
        clock.now(),
        Segment.Reason.TRANSFER,
        paused=session.status == RentalSession.Status.PAUSED,
    )
    _set_status(source, Resource.Status.FREE)
    paused = session.status == RentalSession.Status.PAUSED
    _set_status(target, Resource.Status.PAUSED if paused else Resource.Status.IN_USE)
    _record("rental.transfer", session, staff, device, source=source.name, target=target.name)
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
    session = _lock_session(session_id)
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
    session = _lock_session(session_id)
    tab = session.tab
    if equipment_returned is not None and not 0 <= equipment_returned <= session.equipment_out:
        raise InvalidInputError(f"Between 0 and {session.equipment_out} pieces can come back")
    now = clock.now()
    _close_open_segment(session, now)
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
    _set_status(session.resource, Resource.Status.FREE)
    _record(
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
    resource = _lock_resources([resource_id])[resource_id]
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


def _lock_resources(resource_ids: list[int]) -> dict[int, Resource]:
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


def _lock_session(session_id: uuid.UUID) -> RentalSession:
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


def _open_segment(
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


def _close_open_segment(session: RentalSession, at: datetime.datetime) -> None:
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


def _next_segment(session: RentalSession, reason: str, *, paused: bool) -> None:
    now = clock.now()
    _close_open_segment(session, now)
    _open_segment(session, now, reason, paused=paused)


def _set_status(resource: Resource, status: str) -> None:
    if resource.status != Resource.Status.OUT_OF_ORDER and resource.status != status:
        resource.status = status
        resource.save(update_fields=["status"])


def _record(action: str, session: RentalSession, staff, device, **detail) -> None:
    record(
        action=action,
        staff=staff,
        device=device,
        tab=session.tab,
        session=session.id,
        resource=session.resource.name,
        **detail,
    )
