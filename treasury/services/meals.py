"""Pay-it-forward meal credits: bought at the point of sale, redeemed as a tender, rolled over.

The accounting follows the policy's setting on the day the credits are bought:
- liability: the price is owed to whoever eats (Liabilities:PayItForward) until a meal is
  served; serving it pays the check from the liability. A credit worth more than the meal
  leaves the rest, as stated when it was bought, to the roll-over program's restricted fund.
- restricted: the price is a gift restricted to the roll-over program (community fridge &
  pantry); serving a meal is that program buying it (program expense) and releases the
  restriction by the same amount.
Credits unredeemed after the policy's roll-over days go to the roll-over program: in the
liability setting the liability becomes a restricted gift; in the restricted setting the
money is already there, and only the units move (their reservation ends).

The functions that return lines are called by the point of sale inside its own transaction:
the lines go into the check's one sale entry, and the unit movement is written with it.
Nothing identifies the guest who eats.
"""

import datetime

from django.db import transaction

from ledger.models import EntryKind, Program
from ledger.services import Line, credit, debit, post_entry
from treasury import accounts
from treasury.exceptions import InvalidInputError
from treasury.models import MealCreditMovement, TreasuryPolicy
from treasury.selectors.earmarks import policy_for
from treasury.selectors.meals import open_lots
from treasury.services import entry_id_for, usd

Kind = MealCreditMovement.Kind
Mode = TreasuryPolicy.PayItForwardMode
NOT_ENOUGH = "Only {outstanding} meal credits are outstanding, not {units}"
OVER_VALUE = "{units} meal credits are worth {value}, less than the {amount} asked"


def issue_meal_credits(*, source_ref: str, units: int, on: datetime.date) -> list[Line]:
    """Record credits bought forward; return the credit line for the buyer's check entry."""
    if units <= 0:
        raise InvalidInputError("Buy at least one meal credit", field="units")
    policy = policy_for(on)
    movement, _ = MealCreditMovement.objects.get_or_create(
        source_ref=source_ref,
        defaults={"kind": Kind.ISSUED, "units": units, "unit_cents": policy.meal_credit_cents,
                  "on": on, "mode": policy.pay_it_forward_mode},
    )  # fmt: skip
    value = usd(movement.units * movement.unit_cents)
    if movement.mode == Mode.LIABILITY:
        return [credit(accounts.PAY_IT_FORWARD, value, memo="Meal credits paid forward")]
    program = policy.rollover_program
    return [credit(accounts.restricted_income(program), value, memo="Meal credits paid forward")]


def redeem_meal_credits(
    *, source_ref: str, units: int, amount_cents: int, on: datetime.date
) -> list[Line]:
    """Record credits used for a meal of amount_cents; return its lines (net debit = amount)."""
    lots = open_lots(as_of=on)
    outstanding = sum(lot.remaining for lot in lots)
    if units <= 0 or units > outstanding:
        raise InvalidInputError(NOT_ENOUGH.format(outstanding=outstanding, units=units))
    by_mode: dict[str, int] = {}
    left = units
    for lot in lots:
        taken = min(lot.remaining, left)
        by_mode[lot.movement.mode] = by_mode.get(lot.movement.mode, 0) + taken * (
            lot.movement.unit_cents
        )
        left -= taken
        if not left:
            break
    value = sum(by_mode.values())
    if amount_cents <= 0 or amount_cents > value:
        raise InvalidInputError(
            OVER_VALUE.format(units=units, value=usd(value), amount=usd(amount_cents))
        )
    MealCreditMovement.objects.get_or_create(
        source_ref=source_ref,
        defaults={"kind": Kind.REDEEMED, "units": units, "unit_cents": value // units, "on": on,
                  "mode": policy_for(on).pay_it_forward_mode},
    )  # fmt: skip
    program = policy_for(on).rollover_program
    lines: list[Line] = []
    # The meal is paid from the liability first, then from the restricted fund.
    from_liability = min(by_mode.get(Mode.LIABILITY, 0), amount_cents)
    from_restricted = amount_cents - from_liability
    if by_mode.get(Mode.LIABILITY):
        lines.append(debit(accounts.PAY_IT_FORWARD, usd(by_mode[Mode.LIABILITY])))
        rest = by_mode[Mode.LIABILITY] - from_liability
        if rest:
            lines.append(credit(accounts.restricted_income(program), usd(rest),
                                memo="Meal credit worth more than the meal"))  # fmt: skip
    if from_restricted:
        lines += [
            debit(accounts.program_expense(program), usd(from_restricted), memo="Meal served"),
            debit(accounts.restricted(program), usd(from_restricted), memo="Released"),
            credit(accounts.UNDESIGNATED, usd(from_restricted), memo="Released"),
        ]
    return lines


@transaction.atomic
def roll_over_meal_credits(*, as_of: datetime.date, user=None) -> MealCreditMovement | None:
    """Roll credits bought more than the policy's days before as_of over to the fund."""
    policy = policy_for(as_of)
    expired = [
        lot
        for lot in open_lots(as_of=as_of)
        if lot.movement.on + datetime.timedelta(days=policy.rollover_days) <= as_of
    ]
    units = sum(lot.remaining for lot in expired)
    if not units:
        return None
    source_ref = f"meal-rollover:{as_of.isoformat()}"
    owed = sum(
        lot.remaining * lot.movement.unit_cents
        for lot in expired
        if lot.movement.mode == Mode.LIABILITY
    )
    program: Program = policy.rollover_program
    if owed:
        post_entry(
            entry_id=entry_id_for(source_ref), kind=EntryKind.ADJUSTMENT, effective_date=as_of,
            memo=f"{units} meal credits unredeemed after {policy.rollover_days} days",
            source_ref=source_ref, created_by=user,
            lines=[debit(accounts.PAY_IT_FORWARD, usd(owed)),
                   credit(accounts.restricted_income(program), usd(owed))],
        )  # fmt: skip
    value = sum(lot.remaining * lot.movement.unit_cents for lot in expired)
    movement, _ = MealCreditMovement.objects.get_or_create(
        source_ref=source_ref,
        defaults={"kind": Kind.ROLLED_OVER, "units": units, "unit_cents": value // units,
                  "on": as_of, "mode": policy.pay_it_forward_mode},
    )  # fmt: skip
    return movement
