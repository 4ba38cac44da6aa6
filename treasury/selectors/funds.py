"""Program funds: designated, restricted, committed and available, per program.

- designated: the board-designated net assets of the program.
- restricted: the donor-restricted net assets plus the restricted gifts of the open quarter
  (income until the close carries them to net assets).
- reserved: in the restricted meal-credit setting, the value of outstanding meal credits in
  the roll-over program's restricted fund (promised to meals, not spendable otherwise).
- committed: approved disbursements not yet paid.
- available = designated + restricted - reserved - committed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from ledger.models import Program
from ledger.money import to_cents
from ledger.selectors import account_balance
from treasury import accounts
from treasury.models import Disbursement, TreasuryPolicy
from treasury.selectors.meals import credits_outstanding_value

COMMITTED = (Disbursement.Status.APPROVED,)


@dataclass(frozen=True)
class Fund:
    program: Program
    designated: int
    restricted: int
    reserved: int
    committed: int

    @property
    def available(self) -> int:
        return self.designated + self.restricted - self.reserved - self.committed


def committed_cents(
    program: Program, *, exclude_id=None, as_of: datetime.date | None = None
) -> int:
    disbursements = Disbursement.objects.filter(program=program, status__in=COMMITTED)
    if exclude_id is not None:
        disbursements = disbursements.exclude(id=exclude_id)
    if as_of is not None:
        disbursements = disbursements.filter(created_at__date__lte=as_of)
    return int(disbursements.aggregate(total=Sum("amount"))["total"] or 0)


def restricted_cents(program: Program, as_of: datetime.date | None = None) -> int:
    return to_cents(account_balance(account=accounts.restricted(program), as_of=as_of)) + to_cents(
        account_balance(account=accounts.restricted_income(program), as_of=as_of)
    )


def fund(program: Program, *, exclude_id=None, as_of: datetime.date | None = None) -> Fund:
    """Return a program's fund today (or as of a date), leaving out one disbursement if asked."""
    day = as_of or timezone.localdate()
    reserved = 0
    policy = TreasuryPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from")
    policy = policy.first()
    if (
        policy is not None
        and policy.pay_it_forward_mode == TreasuryPolicy.PayItForwardMode.RESTRICTED
        and policy.rollover_program_id == program.id
    ):
        reserved = credits_outstanding_value(mode=policy.pay_it_forward_mode, as_of=as_of)
    return Fund(
        program=program,
        designated=to_cents(account_balance(account=accounts.designated(program), as_of=as_of)),
        restricted=restricted_cents(program, as_of),
        reserved=reserved,
        committed=committed_cents(program, exclude_id=exclude_id, as_of=as_of),
    )


def funds(*, as_of: datetime.date | None = None) -> list[Fund]:
    return [fund(program, as_of=as_of) for program in Program.objects.filter(is_active=True)]
