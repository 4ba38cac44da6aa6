"""Setting the treasury policy: a new version, approved by the treasurer or the board."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ledger.models import Period, Program
from treasury.exceptions import InvalidInputError
from treasury.models import ProgramWeight, TreasuryPolicy
from treasury.roles import BOARD, TREASURER, require_role

INTO_CLOSED = "A policy cannot take effect on {day}: {period} is closed"
DATE_TAKEN = "Version {version} already takes effect on {day}"
BAD_PERCENT = "{name} must be between 0 and 100, got {value}"
UNKNOWN_PROGRAM = "There is no program {slug!r}"
NO_WEIGHTS = "Give at least one program a positive weight"


@transaction.atomic
def set_policy(
    *,
    user,
    effective_from: datetime.date,
    floor_percent: Decimal,
    share_percent: Decimal,
    weights: dict[str, int],
    dual_approval_cents: int,
    pay_it_forward_mode: str,
    meal_credit_cents: int,
    rollover_days: int,
    rollover_program: str,
    note: str = "",
) -> TreasuryPolicy:
    """Record a new policy version. Raise NotAllowedError or InvalidInputError."""
    require_role(user, TREASURER, BOARD, action="change the earmark policy")
    for name, value in (("floor_percent", floor_percent), ("share_percent", share_percent)):
        if not Decimal(0) <= Decimal(value) <= Decimal(100):
            raise InvalidInputError(BAD_PERCENT.format(name=name, value=value), field=name)
    if pay_it_forward_mode not in TreasuryPolicy.PayItForwardMode.values:
        raise InvalidInputError(f"{pay_it_forward_mode!r} is not a meal-credit setting")
    if dual_approval_cents <= 0 or meal_credit_cents <= 0:
        raise InvalidInputError("The approval threshold and the meal price must be positive")
    closed = Period.objects.filter(status=Period.Status.CLOSED, end_date__gte=effective_from)
    if closed.exists():
        raise InvalidInputError(INTO_CLOSED.format(day=effective_from, period=closed.first()))
    taken = TreasuryPolicy.objects.filter(effective_from=effective_from).first()
    if taken is not None:
        if _same(
            taken,
            floor_percent,
            share_percent,
            weights,
            dual_approval_cents,
            pay_it_forward_mode,
            meal_credit_cents,
            rollover_days,
            rollover_program,
        ):
            return taken  # a retry of the same change
        raise InvalidInputError(DATE_TAKEN.format(version=taken.version, day=effective_from))
    programs = {p.slug: p for p in Program.objects.all()}
    for slug in [*weights, rollover_program]:
        if slug not in programs:
            raise InvalidInputError(UNKNOWN_PROGRAM.format(slug=slug), program=slug)
    if not any(weight > 0 for weight in weights.values()) or any(
        weight < 0 for weight in weights.values()
    ):
        raise InvalidInputError(NO_WEIGHTS)
    latest = TreasuryPolicy.objects.order_by("-version").first()
    policy = TreasuryPolicy.objects.create(
        version=(latest.version + 1) if latest else 1,
        effective_from=effective_from,
        floor_percent=Decimal(floor_percent),
        share_percent=Decimal(share_percent),
        dual_approval_cents=dual_approval_cents,
        pay_it_forward_mode=pay_it_forward_mode,
        meal_credit_cents=meal_credit_cents,
        rollover_days=rollover_days,
        rollover_program=programs[rollover_program],
        note=note,
        approved_by=user,
        approved_at=timezone.now(),
    )
    ProgramWeight.objects.bulk_create(
        ProgramWeight(policy=policy, program=programs[slug], weight=weight)
        for slug, weight in sorted(weights.items())
    )
    return policy


def _same(policy: TreasuryPolicy, floor, share, weights, dual, mode, meal, days, program) -> bool:
    stored = {w.program.slug: w.weight for w in policy.weights.select_related("program")}
    return (
        policy.floor_percent, policy.share_percent, policy.dual_approval_cents,
        policy.pay_it_forward_mode, policy.meal_credit_cents, policy.rollover_days,
        policy.rollover_program.slug, stored,
    ) == (Decimal(floor), Decimal(share), dual, mode, meal, days, program, weights)  # fmt: skip
