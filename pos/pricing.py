"""Pure money arithmetic of the point of sale, in integer cents: no database, no rounding surprises.

- Happy hours: which `PriceRule` applies at a local moment (weekday + window, windows may run
  past midnight; the highest priority wins) and the unit price it gives.
- A check's figures: each line's gross, its discounts and comps, the net per line, and the
  sales tax per rate, rounded half-up once per check (or per line, by the POS_TAX_ROUNDING
  setting), so that the same check always gives the same cents on every backend.
- `allocate`: split cents across parts by the largest-remainder method, so parts always add
  up to the whole (even splits, check-level discounts spread over lines).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from ledger.money import to_cents


def round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split total cents in proportion to weights; parts add up to total exactly.

    Each part gets the floor of its exact share; the leftover cents go one by one to the
    largest remainders, ties to the earlier part (a deterministic order).
    """
    if total < 0:
        raise ValueError("allocate() splits a non-negative number of cents")
    weight_sum = sum(weights)
    if weight_sum <= 0:
        raise ValueError("allocate() needs a positive total weight")
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    leftover = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def split_evenly(total: int, parts: int) -> list[int]:
    """Split total cents into `parts` amounts that differ by at most a cent and add up exactly."""
    if parts < 1:
        raise ValueError("split into at least one part")
    return allocate(total, [1] * parts)


@dataclass(frozen=True)
class RuleView:
    """The fields of a PriceRule that pricing needs (so this module needs no database)."""

    name: str
    weekdays: str
    start_time: datetime.time
    end_time: datetime.time
    kind: str
    percent: Decimal | None
    amount: int | None  # cents
    priority: int
    rule_id: int

    @classmethod
    def of(cls, rule) -> "RuleView":
        """The view of a stored rule: a menu PriceRule or a games RateRule (same fields; amount
        as Money)."""
        return cls(
            name=rule.name,
            weekdays=rule.weekdays,
            start_time=rule.start_time,
            end_time=rule.end_time,
            kind=rule.kind,
            percent=rule.percent,
            amount=to_cents(rule.amount) if rule.amount is not None else None,
            priority=rule.priority,
            rule_id=rule.id,
        )


def rule_runs_at(rule: RuleView, moment: datetime.datetime) -> bool:
    """Whether the rule covers this local moment. An overnight window belongs to its start day."""
    time, weekday = moment.time(), moment.weekday()
    if rule.start_time <= rule.end_time:
        return str(weekday) in rule.weekdays and rule.start_time <= time < rule.end_time
    if time >= rule.start_time:
        return str(weekday) in rule.weekdays
    return time < rule.end_time and str((weekday - 1) % 7) in rule.weekdays


def best_rule(rules: Iterable[RuleView], moment: datetime.datetime) -> RuleView | None:
    running = [rule for rule in rules if rule_runs_at(rule, moment)]
    return max(running, key=lambda rule: (rule.priority, -rule.rule_id), default=None)


def apply_rule(rule: RuleView | None, list_price: int) -> int:
    """Return the unit price in cents after the rule (never below zero)."""
    if rule is None:
        return list_price
    if rule.kind == "percent_off":
        return list_price - round_half_up(Decimal(list_price) * rule.percent / 100)
    if rule.kind == "amount_off":
        return max(list_price - rule.amount, 0)
    return min(rule.amount, list_price)


@dataclass(frozen=True)
class LineFigures:
    line_id: object
    category_id: int
    tax_rate: Decimal
    gross: int
    discount: int
    comp: int
    net: int
    cost: int  # standard cost of goods, cents
    comp_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckFigures:
    lines: list[LineFigures]
    subtotal: int
    discounts: int
    comps: int
    tax: int
    tax_by_category: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """What the guest owes before tips."""
        return self.subtotal - self.discounts - self.comps + self.tax


@dataclass(frozen=True)
class LineInput:
    line_id: object
    category_id: int
    tax_rate: Decimal
    gross: int
    cost: int


@dataclass(frozen=True)
class AdjustmentInput:
    kind: str  # "discount" or "comp"
    line_id: object | None  # None: the whole check
    percent: Decimal | None
    amount: int | None
    reason: str


def check_figures(
    lines: Sequence[LineInput], adjustments: Sequence[AdjustmentInput]
) -> CheckFigures:
    """Return the check's figures: per-line discounts, comps and net, and the tax."""
    remaining = {line.line_id: line.gross for line in lines}
    reductions: dict[object, dict[str, int]] = defaultdict(lambda: {"discount": 0, "comp": 0})
    reasons: dict[object, list[str]] = defaultdict(list)
    for adjustment in (a for a in adjustments if a.line_id is not None):
        cut = _reduction(adjustment, remaining[adjustment.line_id])
        remaining[adjustment.line_id] -= cut
        reductions[adjustment.line_id][adjustment.kind] += cut
        if adjustment.kind == "comp":
            reasons[adjustment.line_id].append(adjustment.reason)
    for adjustment in (a for a in adjustments if a.line_id is None):
        base = sum(remaining.values())
        cut = _reduction(adjustment, base)
        if cut and base:
            ids = [line.line_id for line in lines]
            for line_id, part in zip(ids, allocate(cut, [remaining[i] for i in ids]), strict=True):
                remaining[line_id] -= part
                reductions[line_id][adjustment.kind] += part
                if adjustment.kind == "comp" and part:
                    reasons[line_id].append(adjustment.reason)
    figures = [
        LineFigures(
            line_id=line.line_id,
            category_id=line.category_id,
            tax_rate=line.tax_rate,
            gross=line.gross,
            discount=reductions[line.line_id]["discount"],
            comp=reductions[line.line_id]["comp"],
            net=remaining[line.line_id],
            cost=line.cost,
            comp_reasons=tuple(reasons[line.line_id]),
        )
        for line in lines
    ]
    tax_by_category = _tax(figures)
    return CheckFigures(
        lines=figures,
        subtotal=sum(f.gross for f in figures),
        discounts=sum(f.discount for f in figures),
        comps=sum(f.comp for f in figures),
        tax=sum(tax_by_category.values()),
        tax_by_category=tax_by_category,
    )


def _reduction(adjustment: AdjustmentInput, base: int) -> int:
    if adjustment.percent is not None:
        return min(round_half_up(Decimal(base) * adjustment.percent / 100), base)
    return min(adjustment.amount, base)


def _tax(figures: Sequence[LineFigures]) -> dict[int, int]:
    """Tax per category. Per check: round once per rate, then spread over its categories."""
    if settings.POS_TAX_ROUNDING == "line":
        by_category: dict[int, int] = defaultdict(int)
        for line in figures:
            by_category[line.category_id] += round_half_up(line.net * line.tax_rate)
        return dict(by_category)
    by_rate: dict[Decimal, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in figures:
        by_rate[line.tax_rate][line.category_id] += line.net
    result: dict[int, int] = defaultdict(int)
    for rate, nets in by_rate.items():
        tax = round_half_up(sum(nets.values()) * rate)
        categories = sorted(nets)
        if tax:
            shares = allocate(tax, [nets[c] for c in categories])
            for category, share in zip(categories, shares, strict=True):
                result[category] += share
    return {category: cents for category, cents in result.items() if cents}
