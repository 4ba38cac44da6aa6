"""What game time costs: a pure function of a session's stored segments (no database, no clock).

Design
------
A session is timed by the server and stored as segments: (start, end, hourly rate, players,
reason), a pause being a segment that costs nothing. The rate of a stretch of play follows a
fixed priority, resolved when the session starts (or moves to another resource) and frozen on
the session as a `RateTable`: a time rule (a happy hour) > the resource's own plan > its type's
plan > the default plan. A time rule switches the rate at the very moment it starts or ends:
`rate_segments` cuts a stretch of play at those moments (in the venue's local time, so a rule
"17:00-19:00" means the wall clock, across midnight and daylight-saving changes alike, while
durations are always real elapsed seconds).

The charge of a per-time session (`time_charge`), the default rule:

1. Played time is the sum of the play segments, plus any manager time adjustments.
2. A session whose played time is within the plan's grace minutes costs nothing.
3. Increments apply to the session's TOTAL played time (not to each segment): it is rounded
   to the increment (1, 5, 15 or 30 minutes) up, to the nearest (a half rounds up) or down.
4. Every segment is billed exactly: seconds x hourly rate / 3600 (x players with per-player
   pricing). The difference rounding makes is billed at the rate in force when the session
   stops (rounded up), or taken off the end of the session, walking back through its segments
   (rounded down); time a manager adds or removes is treated the same way.
5. The exact sum (a fraction of a cent) gets the minimum charge and the cap, and is rounded
   half-up ONCE, to the cent, on the session total. The bill shows each segment's exact amount
   rounded for display; only the total is charged.

Worked example (tests/rentals/test_billing.py): shuffleboard from 16:50 at $20/h, 15-minute
increments rounded up, happy hour $12/h 17:00-19:00, paused 17:30-17:40, stopped at 18:07:
16:50-17:00 10 min at $20/h = $3.3333; 17:00-17:30 30 min at $12/h = $6.00; pause; 17:40-18:07
27 min at $12/h = $5.40; 67 played minutes round up to 75: 8 more minutes at the stop rate
$12/h = $1.60; total $16.3333 -> $16.33.

Per-game plans charge games x price; prepaid blocks charge blocks bought x block price.
"""

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from pos.pricing import RuleView, apply_rule, best_rule

INCREMENTS = (1, 5, 15, 30)
ROUNDINGS = ("up", "nearest", "down")
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class RateTable:
    """The hourly rates a session bills at: a base rate and the time rules that may replace it."""

    base_rate: int  # cents per hour
    base_label: str  # where the base rate comes from, e.g. "Shuffleboard tables rate"
    rules: tuple[RuleView, ...] = ()

    def rate_at(self, moment: datetime.datetime, tz: ZoneInfo) -> tuple[int, str]:
        """The rate in force at moment, and its label (the rule's name, or the base label)."""
        rule = best_rule(self.rules, moment.astimezone(tz))
        if rule is None:
            return self.base_rate, self.base_label
        return apply_rule(rule, self.base_rate), rule.name

    def as_json(self) -> dict:
        return {
            "base_rate": self.base_rate,
            "base_label": self.base_label,
            "rules": [
                {
                    "name": r.name,
                    "weekdays": r.weekdays,
                    "start_time": r.start_time.isoformat(),
                    "end_time": r.end_time.isoformat(),
                    "kind": r.kind,
                    "percent": str(r.percent) if r.percent is not None else None,
                    "amount": r.amount,
                    "priority": r.priority,
                    "rule_id": r.rule_id,
                }
                for r in self.rules
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> "RateTable":
        rules = tuple(
            RuleView(
                name=r["name"],
                weekdays=r["weekdays"],
                start_time=datetime.time.fromisoformat(r["start_time"]),
                end_time=datetime.time.fromisoformat(r["end_time"]),
                kind=r["kind"],
                percent=Decimal(r["percent"]) if r["percent"] is not None else None,
                amount=r["amount"],
                priority=r["priority"],
                rule_id=r["rule_id"],
            )
            for r in data["rules"]
        )
        return cls(base_rate=data["base_rate"], base_label=data["base_label"], rules=rules)


@dataclass(frozen=True)
class TimePlan:
    """How played time becomes a charge (see the module docstring)."""

    increment_minutes: int = 1
    rounding: str = "up"
    grace_minutes: int = 0
    minimum: int = 0  # cents
    cap: int | None = None  # cents per session
    per_player: bool = False

    def __post_init__(self) -> None:
        if self.increment_minutes not in INCREMENTS:
            raise ValueError(f"An increment is one of {INCREMENTS} minutes")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"Rounding is one of {ROUNDINGS}")


@dataclass(frozen=True)
class Segment:
    """A stretch of a session at one rate; a paused one costs nothing."""

    start: datetime.datetime
    end: datetime.datetime
    rate: int  # cents per hour (per player with per-player pricing)
    players: int = 1
    reason: str = "start"
    label: str = ""
    paused: bool = False

    @property
    def seconds(self) -> int:
        # In UTC: Python subtracts two datetimes of the same zone by their wall clocks.
        return int(
            (
                self.end.astimezone(datetime.UTC) - self.start.astimezone(datetime.UTC)
            ).total_seconds()
        )


@dataclass(frozen=True)
class ChargedSegment:
    segment: Segment
    seconds: int
    amount: Fraction  # exact cents


@dataclass(frozen=True)
class Charge:
    """A session's charge, segment by segment, and the cents to bill."""

    segments: tuple[ChargedSegment, ...]
    played_seconds: int
    adjustment_seconds: int
    billed_seconds: int
    rounding_amount: Fraction  # exact cents the rounding (and adjustments) added or removed
    exact: Fraction  # exact cents before the minimum and the cap
    within_grace: bool = False
    minimum_applied: bool = False
    cap_applied: bool = False
    total: int = 0  # cents, rounded half-up once


def round_half_up(value: Fraction) -> int:
    """Round exact cents to a whole cent, halves away from zero (amounts here are >= 0)."""
    sign = -1 if value < 0 else 1
    whole, rest = divmod(abs(value), 1)
    return sign * int(whole + (1 if rest * 2 >= 1 else 0))


def billed_seconds(seconds: int, plan: TimePlan) -> int:
    """Played seconds rounded to the plan's increment, up, to the nearest or down."""
    increment = plan.increment_minutes * 60
    whole, rest = divmod(max(seconds, 0), increment)
    if rest == 0 or plan.rounding == "down":
        return whole * increment
    if plan.rounding == "nearest" and rest * 2 < increment:
        return whole * increment
    return (whole + 1) * increment


def rate_segments(
    start: datetime.datetime,
    end: datetime.datetime,
    rates: RateTable,
    tz: ZoneInfo,
    *,
    players: int = 1,
    reason: str = "start",
    paused: bool = False,
) -> list[Segment]:
    """Cut [start, end) at every moment a time rule starts or ends and the rate changes.

    The first piece keeps `reason`; the others are "rate change". Moments are compared in UTC
    (within one zone Python compares wall clocks, which repeat when the clocks fall back).
    """
    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    cuts = sorted({m for m in _rule_edges(start, end, rates, tz) if start < m < end} | {start, end})
    pieces: list[Segment] = []
    for piece_start, piece_end in itertools.pairwise(cuts):
        rate, label = rates.rate_at(piece_start, tz)
        if pieces and (pieces[-1].rate, pieces[-1].label) == (rate, label):
            pieces[-1] = Segment(
                pieces[-1].start, piece_end, rate, players, pieces[-1].reason, label, paused
            )
            continue
        piece_reason = reason if not pieces else "rate change"
        pieces.append(Segment(piece_start, piece_end, rate, players, piece_reason, label, paused))
    if not pieces:  # an empty stretch still records the rate in force
        rate, label = rates.rate_at(start, tz)
        pieces.append(Segment(start, end, rate, players, reason, label, paused))
    return pieces


def _rule_edges(start, end, rates: RateTable, tz: ZoneInfo):
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    day = first - datetime.timedelta(days=1)
    while day <= last:
        for rule in rates.rules:
            for edge in (rule.start_time, rule.end_time):
                yield datetime.datetime.combine(day, edge, tzinfo=tz).astimezone(datetime.UTC)
        day += datetime.timedelta(days=1)


def segment_amount(segment: Segment, plan: TimePlan, seconds: int | None = None) -> Fraction:
    """Exact cents for `seconds` (default: all) of a segment; nothing while paused."""
    if segment.paused:
        return Fraction(0)
    seconds = segment.seconds if seconds is None else seconds
    players = segment.players if plan.per_player else 1
    return Fraction(seconds * segment.rate * players, SECONDS_PER_HOUR)


def time_charge(
    segments: Sequence[Segment], plan: TimePlan, *, adjustment_seconds: int = 0
) -> Charge:
    """The charge of a per-time session (the default rule of the module docstring)."""
    charged = tuple(ChargedSegment(s, s.seconds, segment_amount(s, plan)) for s in segments)
    played = sum(c.seconds for c in charged if not c.segment.paused)
    exact_segments = sum((c.amount for c in charged), Fraction(0))
    counted = max(played + adjustment_seconds, 0)
    if counted <= plan.grace_minutes * 60:
        return Charge(
            charged, played, adjustment_seconds, 0, -exact_segments, Fraction(0), within_grace=True
        )
    billed = billed_seconds(counted, plan)
    rounding = _tail_amount(segments, plan, billed - played)
    exact = exact_segments + rounding
    amount, minimum_applied, cap_applied = exact, False, False
    if billed and amount < plan.minimum:
        amount, minimum_applied = Fraction(plan.minimum), True
    if plan.cap is not None and amount > plan.cap:
        amount, cap_applied = Fraction(plan.cap), True
    return Charge(
        segments=charged,
        played_seconds=played,
        adjustment_seconds=adjustment_seconds,
        billed_seconds=billed,
        rounding_amount=rounding,
        exact=exact,
        minimum_applied=minimum_applied,
        cap_applied=cap_applied,
        total=round_half_up(amount),
    )


def _tail_amount(segments: Sequence[Segment], plan: TimePlan, delta: int) -> Fraction:
    """Exact cents for delta seconds at the end of the session (negative: taken off the end)."""
    if delta == 0 or not segments:
        return Fraction(0)
    if delta > 0:
        last = segments[-1]  # the rate in force when the session stopped (paused or not)
        stop = Segment(last.start, last.end, last.rate, last.players, last.reason, last.label)
        return segment_amount(stop, plan, delta)
    removed, left = Fraction(0), -delta
    for segment in reversed(segments):
        if left <= 0:
            break
        if segment.paused:
            continue
        take = min(left, segment.seconds)
        removed += segment_amount(segment, plan, take)
        left -= take
    return -removed


def game_charge(games: int, price: int) -> int:
    """Cents for games played at a price per game (or credit)."""
    return games * price


def block_charge(blocks: int, price: int) -> int:
    """Cents for prepaid blocks bought (the first one and every extension)."""
    return blocks * price
