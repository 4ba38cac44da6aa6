"""Reads of game rentals: a session's bill (segments and charge), the availability board.

A running session's charge is computed, never stored: its closed segments come from the
database and its open segment is cut at rate changes up to now (pos.rentals.billing), so the
board shows the same figure the stop will charge, and a restart changes nothing.
A plan's cap per day is applied here, across the tab's earlier sessions on the resource type
that business day (`charged_earlier_today`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Sum
from django.utils import timezone

from pos import clock
from pos.models import Tab
from pos.rentals import billing
from pos.rentals.models import BookingSlot, RatePlan, RentalSession, Resource

ACTIVE = (RentalSession.Status.RUNNING, RentalSession.Status.PAUSED)
RESERVED_AHEAD = datetime.timedelta(minutes=30)  # a board is "reserved" this long before a slot


def billed_tab_id(tab_id: int, merged_into_id: int | None) -> int:
    """The tab a session started on this tab bills to: a tab merged into another bills there."""
    while merged_into_id is not None:
        tab_id, merged_into_id = (
            Tab.objects.filter(id=merged_into_id).values_list("id", "merged_into_id").get()
        )
    return tab_id


# The sessions whose game still runs (or is paused) on a check ({tab}: its id), a check merged
# into it included: a FROM ... WHERE for the check's one read under its lock
# (pos.services.checkout.reading). Its rows, as RUNNING_GAME_COLUMNS, go through
# games_billed_to. The ACTIVE statuses are written as literals, as the partial index
# rentals_session_one_active_per_resource states them: only then does SQLite (or a generic plan
# on PostgreSQL) read the few active sessions from that index rather than scan every session
# the venue ever ran.
RUNNING_GAMES = (
    "rentals_rentalsession s JOIN pos_tab m ON m.id = s.tab_id "
    "JOIN rentals_resource r ON r.id = s.resource_id "
    f"WHERE s.status IN ('{ACTIVE[0]}', '{ACTIVE[1]}') "
    "AND (s.tab_id = {tab} OR m.merged_into_id IS NOT NULL)"
)
RUNNING_GAME_COLUMNS = ("r.name", "s.tab_id", "m.merged_into_id")


def games_billed_to(tab_id: int, running: list) -> list[str]:
    """Of the running games (name, tab id, tab merged into), those billed to this check: the
    check cannot close before they stop, or their time would never be billed."""
    return sorted(name for name, on, merged in running if billed_tab_id(on, merged) == tab_id)


def venue_zone() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def time_plan(session: RentalSession) -> billing.TimePlan:
    plan = session.plan
    return billing.TimePlan(
        increment_minutes=plan["increment_minutes"],
        rounding=plan["rounding"],
        grace_minutes=plan["grace_minutes"],
        minimum=plan["minimum"],
        cap=plan["cap"],
        per_player=plan["per_player"],
    )


def session_segments(session: RentalSession, *, now: datetime.datetime) -> list[billing.Segment]:
    """The session's segments; the open one (if any) cut at rate changes up to now."""
    rates = billing.RateTable.from_json(session.rates)
    segments: list[billing.Segment] = []
    for row in session.segments.all():
        if row.end is not None:
            segments.append(
                billing.Segment(
                    row.start, row.end, row.rate, row.players, row.reason, row.label, row.paused
                )
            )
        else:
            segments += billing.rate_segments(
                row.start,
                max(now, row.start),
                rates,
                venue_zone(),
                players=row.players,
                reason=row.reason,
                paused=row.paused,
            )
    return segments


@dataclass(frozen=True)
class SessionBill:
    session: RentalSession
    total: int  # cents
    segments: list[billing.Segment]
    charge: billing.Charge | None  # per-time sessions
    played_seconds: int
    adjustment_seconds: int
    prepaid_seconds_left: int | None  # prepaid blocks: negative once expired
    now: datetime.datetime  # the moment the bill is for (the stop, once stopped)


def session_bill(session: RentalSession, *, now: datetime.datetime | None = None) -> SessionBill:
    """What the session costs: at its stop if stopped, else if it stopped now."""
    now = session.stopped_at or now or clock.now()
    segments = session_segments(session, now=now)
    adjustment = session.adjustments.aggregate(total=Sum("seconds", default=0))["total"]
    played = sum(s.seconds for s in segments if not s.paused)
    plan = session.plan
    charge, left = None, None
    if session.plan_kind == RatePlan.Kind.PER_TIME:
        charge = billing.time_charge(segments, time_plan(session), adjustment_seconds=adjustment)
        total = charge.total
        if plan.get("day_cap") is not None:
            total = min(total, max(plan["day_cap"] - charged_earlier_today(session, now), 0))
    elif session.plan_kind == RatePlan.Kind.PER_GAME:
        total = billing.game_charge(session.games, plan["price_per_game"])
    else:
        total = billing.block_charge(session.blocks, plan["block_price"])
        left = session.blocks * plan["block_minutes"] * 60 - played - adjustment
    return SessionBill(session, total, segments, charge, played, adjustment, left, now)


def charged_earlier_today(session: RentalSession, now: datetime.datetime) -> int:
    """Cents the session's tab already paid for this resource type this business day (the
    plan's cap per day applies to all of them together)."""
    day = clock.business_date(now)
    earlier = RentalSession.objects.filter(
        tab_id=session.tab_id, resource__type_id=session.resource.type_id,
        status=RentalSession.Status.STOPPED, stopped_at__lt=now,
    ).exclude(id=session.id)  # fmt: skip
    return sum(s.charge for s in earlier if clock.business_date(s.stopped_at) == day)


def closing_moment(session: RentalSession) -> datetime.datetime:
    """When the venue closes on the business day the session started (RENTALS_CLOSING_TIME)."""
    closing = datetime.time.fromisoformat(settings.RENTALS_CLOSING_TIME)
    day = clock.business_date(session.started_at)
    if closing.hour < settings.POS_BUSINESS_DAY_STARTS_AT_HOUR:
        day += datetime.timedelta(days=1)  # closing after midnight, on the calendar's next day
    return datetime.datetime.combine(day, closing, tzinfo=venue_zone())


def is_past_closing(session: RentalSession, *, now: datetime.datetime) -> bool:
    return session.status in ACTIVE and now >= closing_moment(session)


@dataclass(frozen=True)
class BoardRow:
    resource: Resource
    status: str  # free, in_use, paused, reserved, out_of_order
    session: RentalSession | None
    bill: SessionBill | None
    past_closing: bool
    prepaid_expired: bool
    next_booking: BookingSlot | None


def availability_board(*, now: datetime.datetime | None = None) -> list[BoardRow]:
    """Every resource with its status, its session's elapsed time and running charge."""
    now = now or clock.now()
    active = RentalSession.objects.filter(status__in=ACTIVE).prefetch_related(
        "segments", "adjustments"
    )
    resources = Resource.objects.select_related("type").prefetch_related(
        Prefetch("sessions", queryset=active, to_attr="active_sessions"),
        Prefetch(
            "slots",
            queryset=BookingSlot.objects.filter(active=True, ends_at__gt=now)
            .select_related("booking")
            .order_by("starts_at"),
            to_attr="upcoming",
        ),
    )
    rows = []
    for resource in resources:
        session = resource.active_sessions[0] if resource.active_sessions else None
        bill = session_bill(session, now=now) if session else None
        upcoming = resource.upcoming[0] if resource.upcoming else None
        status = resource.status
        soon = upcoming is not None and upcoming.starts_at <= now + RESERVED_AHEAD
        if status == Resource.Status.FREE and soon:
            status = Resource.Status.RESERVED
        rows.append(
            BoardRow(
                resource=resource,
                status=status,
                session=session,
                bill=bill,
                past_closing=bool(session) and is_past_closing(session, now=now),
                prepaid_expired=bool(bill)
                and bill.prepaid_seconds_left is not None
                and bill.prepaid_seconds_left <= 0,
                next_booking=upcoming,
            )
        )
    return rows
