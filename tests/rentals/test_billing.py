"""The billing rule of game time, as a pure function: hand-computed figures, no database."""

import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from pos.pricing import RuleView
from pos.rentals.billing import (
    RateTable,
    Segment,
    TimePlan,
    billed_seconds,
    block_charge,
    game_charge,
    rate_segments,
    round_half_up,
    time_charge,
)

VENUE = ZoneInfo("America/Chicago")
TUESDAY = datetime.date(2026, 2, 10)
HAPPY_HOUR = RuleView(
    name="Happy hour",
    weekdays="01234",
    start_time=datetime.time(17),
    end_time=datetime.time(19),
    kind="fixed_price",
    percent=None,
    amount=1200,
    priority=10,
    rule_id=1,
)
SHUFFLEBOARD = RateTable(base_rate=2000, base_label="Shuffleboard", rules=(HAPPY_HOUR,))
FLAT = RateTable(base_rate=2000, base_label="Flat")


def at(hour: int, minute: int = 0, day: datetime.date = TUESDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VENUE)


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(VENUE).strftime("%H:%M")


def played(start, end, rates=FLAT, **kwargs) -> list[Segment]:
    return rate_segments(start, end, rates, VENUE, **kwargs)


def test_worked_example_shuffleboard_across_happy_hour_with_a_pause():
    """Shuffleboard from 16:50 at $20/h, 15-minute increments rounded up, happy hour $12/h from
    17:00 to 19:00, paused 17:30-17:40, stopped at 18:07.

    Segment                  minutes  rate    exact cents
    16:50-17:00 start          10     $20/h   10 x 2000/60 =  333 1/3
    17:00-17:30 rate change    30     $12/h   30 x 1200/60 =  600
    17:30-17:40 pause          10     -                         0
    17:40-18:07 resume         27     $12/h   27 x 1200/60 =  540
    Played 10 + 30 + 27 = 67 minutes; 15-minute increments rounded up: 75 minutes; the
    8 minutes more are billed at the rate in force at the stop ($12/h): 8 x 1200/60 = 160.
    Total 333 1/3 + 600 + 540 + 160 = 1633 1/3 cents, rounded half-up once: $16.33.
    """
    plan = TimePlan(increment_minutes=15, rounding="up")
    segments = [
        *played(at(16, 50), at(17, 30), SHUFFLEBOARD),
        *played(at(17, 30), at(17, 40), SHUFFLEBOARD, reason="pause", paused=True),
        *played(at(17, 40), at(18, 7), SHUFFLEBOARD, reason="resume"),
    ]
    charge = time_charge(segments, plan)
    rows = [
        (
            local(c.segment.start),
            local(c.segment.end),
            c.segment.rate,
            c.segment.reason,
            c.segment.label,
            c.segment.paused,
            c.amount,
        )
        for c in charge.segments
    ]
    assert rows == [
        ("16:50", "17:00", 2000, "start", "Shuffleboard", False, Fraction(1000, 3)),
        ("17:00", "17:30", 1200, "rate change", "Happy hour", False, Fraction(600)),
        ("17:30", "17:40", 1200, "pause", "Happy hour", True, Fraction(0)),
        ("17:40", "18:07", 1200, "resume", "Happy hour", False, Fraction(540)),
    ]
    assert charge.played_seconds == 67 * 60
    assert charge.billed_seconds == 75 * 60
    assert charge.rounding_amount == Fraction(160)
    assert charge.exact == Fraction(4900, 3)
    assert charge.total == 1633


@pytest.mark.parametrize(
    ("increment", "rounding", "minutes", "billed"),
    [
        (15, "up", 67, 75),
        (15, "up", 60, 60),
        (15, "nearest", 67, 60),  # 7 of 15 is less than half
        (15, "nearest", 68, 75),
        (15, "down", 74, 60),
        (1, "up", 7, 7),
        (5, "up", 11, 15),
        (5, "nearest", 12, 10),
        (5, "down", 14, 10),
        (30, "up", 31, 60),
        (30, "nearest", 45, 60),  # exactly half rounds up
        (30, "down", 59, 30),
    ],
)
def test_increment_rounding_of_the_total_played_time(increment, rounding, minutes, billed):
    plan = TimePlan(increment_minutes=increment, rounding=rounding)
    assert billed_seconds(minutes * 60, plan) == billed * 60


def test_rounding_up_bills_the_remainder_at_the_stop_rate():
    """$20/h until 17:00, then happy hour $12/h; 16:20-17:07 is 47 minutes, up to 60:
    40 x 2000/60 + 7 x 1200/60 + 13 x 1200/60 = 1333 1/3 + 140 + 260 = 1733 1/3 -> $17.33."""
    charge = time_charge(played(at(16, 20), at(17, 7), SHUFFLEBOARD), TimePlan(15, "up"))
    assert charge.total == 1733


def test_rounding_down_takes_the_remainder_off_the_end_of_the_session():
    """16:50-17:57 at $20/h then $12/h: 67 minutes, down to 60: the last 7 minutes (at $12/h)
    come off: 10 x 2000/60 + 57 x 1200/60 - 7 x 1200/60 = 333 1/3 + 1140 - 140 -> $13.33."""
    charge = time_charge(played(at(16, 50), at(17, 57), SHUFFLEBOARD), TimePlan(15, "down"))
    assert charge.rounding_amount == Fraction(-140)
    assert charge.total == 1333


def test_rounding_down_walks_back_across_a_rate_change():
    """16:55-17:02 (5 min at $20/h, 2 at $12/h) down to 5 minutes: the 2 happy-hour minutes
    go first, nothing else: 5 x 2000/60 = 166 2/3 -> $1.67."""
    charge = time_charge(played(at(16, 55), at(17, 2), SHUFFLEBOARD), TimePlan(5, "down"))
    assert charge.total == 167


def test_minimum_charge():
    """10 minutes at $12/h = $2.00, below a $5.00 minimum."""
    plan = TimePlan(increment_minutes=1, minimum=500)
    charge = time_charge(played(at(17, 0), at(17, 10), SHUFFLEBOARD), plan)
    assert (charge.exact, charge.minimum_applied, charge.total) == (Fraction(200), True, 500)


def test_grace_period_makes_a_short_session_free_and_no_more():
    plan = TimePlan(increment_minutes=15, grace_minutes=5, minimum=500)
    free = time_charge(played(at(12, 0), at(12, 5)), plan)
    assert (free.within_grace, free.total) == (True, 0)
    # 5 minutes and one second: past grace, 15 minutes at $20/h = $5.00.
    billed = time_charge(played(at(12, 0), at(12, 5) + datetime.timedelta(seconds=1)), plan)
    assert (billed.within_grace, billed.billed_seconds, billed.total) == (False, 900, 500)


def test_cap_per_session():
    """5 hours at $20/h is $100; the cap is $60."""
    charge = time_charge(played(at(11, 0), at(16, 0)), TimePlan(cap=6000))
    assert (charge.exact, charge.cap_applied, charge.total) == (Fraction(10000), True, 6000)


def test_per_player_pricing_follows_the_player_count_of_each_segment():
    """$5/h per player: 2 players for 30 min = $5.00, 3 players for 20 min = $5.00; up to 60 min
    adds 10 min x 3 players at $5/h = $2.50. Total $12.50."""
    rates = RateTable(base_rate=500, base_label="Per player")
    segments = [
        *played(at(12, 0), at(12, 30), rates, players=2),
        *played(at(12, 30), at(12, 50), rates, players=3, reason="players"),
    ]
    charge = time_charge(segments, TimePlan(increment_minutes=30, per_player=True))
    assert [c.amount for c in charge.segments] == [500, 500]
    assert charge.total == 1250


def test_manager_adjustment_adds_or_removes_time_at_the_end():
    """50 minutes at $20/h with 1-minute increments: +10 min -> 60 min = $20.00;
    -20 min -> 30 min = $10.00."""
    segments = played(at(12, 0), at(12, 50))
    assert time_charge(segments, TimePlan(), adjustment_seconds=600).total == 2000
    assert time_charge(segments, TimePlan(), adjustment_seconds=-1200).total == 1000


def test_a_rule_switches_the_rate_at_the_moment_it_starts_and_ends():
    segments = played(at(16, 30), at(19, 30), SHUFFLEBOARD)
    assert [(local(s.start), local(s.end), s.rate) for s in segments] == [
        ("16:30", "17:00", 2000),
        ("17:00", "19:00", 1200),
        ("19:00", "19:30", 2000),
    ]


def test_a_session_starting_inside_happy_hour_starts_at_the_happy_hour_rate():
    segments = played(at(17, 0), at(17, 45), SHUFFLEBOARD)
    assert [(s.rate, s.label, s.reason) for s in segments] == [(1200, "Happy hour", "start")]


def test_happy_hour_does_not_run_at_the_weekend():
    saturday = TUESDAY + datetime.timedelta(days=4)
    segments = played(at(16, 0, saturday), at(18, 0, saturday), SHUFFLEBOARD)
    assert [(s.rate, s.label) for s in segments] == [(2000, "Shuffleboard")]


def test_a_session_crossing_midnight_under_a_late_night_rule():
    """Late night $8/h from 22:00 to 01:00, a rule that runs past midnight and belongs to its
    Friday; base rate $15/h. Friday 23:30 to Saturday 01:30: 90 min at $8/h = $12.00, then
    30 min at $15/h = $7.50; total $19.50."""
    late = RuleView(
        name="Late night",
        weekdays="4",
        start_time=datetime.time(22),
        end_time=datetime.time(1),
        kind="fixed_price",
        percent=None,
        amount=800,
        priority=5,
        rule_id=2,
    )
    rates = RateTable(base_rate=1500, base_label="Darts", rules=(late,))
    friday = datetime.date(2026, 2, 13)
    saturday = friday + datetime.timedelta(days=1)
    segments = played(at(23, 30, friday), at(1, 30, saturday), rates)
    assert [(s.rate, s.seconds // 60) for s in segments] == [(800, 90), (1500, 30)]
    assert time_charge(segments, TimePlan()).total == 1950


def test_daylight_saving_spring_forward_bills_real_elapsed_time():
    """America/Chicago springs forward on 2026-03-08 at 02:00 (to 03:00). From Saturday 23:00
    CST to Sunday 03:30 CDT the wall clock says 4h30 but 3h30 were played: $10/h -> $35.00."""
    rates = RateTable(base_rate=1000, base_label="Darts")
    start = at(23, 0, datetime.date(2026, 3, 7))
    stop = at(3, 30, datetime.date(2026, 3, 8))
    charge = time_charge(played(start, stop, rates), TimePlan())
    assert (charge.played_seconds, charge.total) == (3.5 * 3600, 3500)


def test_daylight_saving_fall_back_bills_the_repeated_hour():
    """On 2026-11-01 01:00-02:00 happens twice. From 00:30 CDT to 01:30 CST is 2 hours."""
    rates = RateTable(base_rate=1000, base_label="Darts")
    day = datetime.date(2026, 11, 1)
    start = at(0, 30, day)
    stop = datetime.datetime.combine(day, datetime.time(1, 30), tzinfo=VENUE).replace(fold=1)
    charge = time_charge(played(start, stop, rates), TimePlan())
    assert (charge.played_seconds, charge.total) == (7200, 2000)


def test_rate_table_survives_its_json_form():
    table = RateTable(
        base_rate=1500,
        base_label="Darts",
        rules=(
            HAPPY_HOUR,
            RuleView(
                "Ten off",
                "56",
                datetime.time(12),
                datetime.time(14),
                "percent_off",
                Decimal("10"),
                None,
                1,
                3,
            ),
        ),
    )
    assert RateTable.from_json(table.as_json()) == table


def test_round_half_up_once():
    assert [round_half_up(Fraction(n, 2)) for n in (1, 2, 3, 5)] == [1, 1, 2, 3]
    assert round_half_up(Fraction(1633, 1) + Fraction(1, 3)) == 1633


def test_per_game_and_prepaid_blocks():
    assert game_charge(3, 400) == 1200
    assert block_charge(2, 1000) == 2000


def test_plans_refuse_unknown_increments_and_roundings():
    with pytest.raises(ValueError, match="increment"):
        TimePlan(increment_minutes=10)
    with pytest.raises(ValueError, match="Rounding"):
        TimePlan(rounding="sideways")
