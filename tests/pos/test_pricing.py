"""The pure money arithmetic: allocation, happy-hour windows and priority, tax rounding."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from pos.pricing import (
    AdjustmentInput,
    LineInput,
    RuleView,
    allocate,
    apply_rule,
    best_rule,
    check_figures,
    rule_runs_at,
    split_evenly,
)


def rule(name="Happy hour", weekdays="01234", start=16, end=18, priority=0, rule_id=1, **kw):
    defaults = {"kind": "amount_off", "percent": None, "amount": 100}
    return RuleView(
        name=name, weekdays=weekdays, start_time=datetime.time(start), end_time=datetime.time(end),
        priority=priority, rule_id=rule_id, **{**defaults, **kw},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (5, [70, 30], [4, 1]),  # moneyphp's example: 5 cents at 70/30
        (1786, [1, 1, 1], [596, 595, 595]),
        (1000, [3, 0, 1], [750, 0, 250]),
        (1, [1, 1], [1, 0]),  # ties go to the earlier part
    ],
)
def test_allocate_splits_exactly_by_largest_remainder(total, weights, parts):
    assert allocate(total, weights) == parts
    assert sum(parts) == total


def test_split_evenly_differs_by_at_most_a_cent():
    parts = split_evenly(10001, 7)
    assert sum(parts) == 10001
    assert max(parts) - min(parts) <= 1


TUESDAY = datetime.datetime(2026, 2, 17, tzinfo=datetime.UTC)  # local time, as the rules see it


def test_a_window_includes_its_start_and_excludes_its_end():
    happy = rule()
    assert rule_runs_at(happy, TUESDAY.replace(hour=16))
    assert rule_runs_at(happy, TUESDAY.replace(hour=17, minute=59))
    assert not rule_runs_at(happy, TUESDAY.replace(hour=18))
    assert not rule_runs_at(happy, TUESDAY.replace(day=21, hour=17))  # a Saturday


def test_an_overnight_window_belongs_to_the_day_it_starts():
    late = rule(weekdays="4", start=22, end=1)  # Friday 22:00 to Saturday 01:00
    friday = datetime.datetime(2026, 2, 20, tzinfo=datetime.UTC)
    assert rule_runs_at(late, friday.replace(hour=23))
    assert rule_runs_at(late, friday.replace(day=21, hour=0, minute=30))
    assert not rule_runs_at(late, friday.replace(day=21, hour=23))  # Saturday night: no
    assert not rule_runs_at(late, friday.replace(hour=0, minute=30))  # Thursday night: no


def test_the_highest_priority_rule_wins_where_rules_overlap():
    broad = rule(name="Happy hour", priority=1, rule_id=1)
    special = rule(name="Tuesday pints", weekdays="1", priority=5, rule_id=2, kind="fixed_price",
                   amount=400)  # fmt: skip
    chosen = best_rule([broad, special], TUESDAY.replace(hour=17))
    assert chosen.name == "Tuesday pints"
    assert apply_rule(chosen, 600) == 400
    assert best_rule([broad, special], TUESDAY.replace(day=18, hour=17)).name == "Happy hour"


def test_price_rules_never_go_below_zero():
    assert apply_rule(rule(amount=900), 600) == 0
    assert apply_rule(rule(kind="percent_off", percent=Decimal("12.5"), amount=None), 600) == 525


def lines(*grosses, rate=Decimal("0.08250")):
    return [LineInput(line_id=i, category_id=1, tax_rate=rate, gross=g, cost=0)
            for i, g in enumerate(grosses)]  # fmt: skip


def test_tax_is_rounded_half_up_once_per_check():
    """Three $0.10 items at 8.25%: per check 0.02475 -> $0.02; per line 3 x 0.00825 -> $0.03."""
    assert check_figures(lines(10, 10, 10), []).tax == 2
    with override_settings(POS_TAX_ROUNDING="line"):
        assert check_figures(lines(10, 10, 10), []).tax == 3


def test_a_check_discount_is_spread_over_lines_and_adds_up():
    """10% off $10.00 + $5.00 + $0.05: $1.505 -> $1.51 (half-up), spread 100/50/1."""
    figures = check_figures(
        lines(1000, 500, 5),
        [
            AdjustmentInput(
                kind="discount", line_id=None, percent=Decimal(10), amount=None, reason="member"
            )
        ],
    )
    assert [f.discount for f in figures.lines] == [100, 50, 1]
    assert figures.discounts == 151
    assert [f.net for f in figures.lines] == [900, 450, 4]
