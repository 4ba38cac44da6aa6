"""The treasury's read API for the public report (issue 8). Signatures are a contract.

Nothing here names a person who was helped: disbursements to individuals come with an empty
payee name, ballots are counts, approvals carry roles, not names. Amounts are Money.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from djmoney.money import Money

from ledger.money import from_cents
from treasury import models
from treasury.allocation import largest_remainder
from treasury.models import Ballot, Disbursement, DisbursementAction, TreasuryPolicy, VoteRound
from treasury.roles import role_of
from treasury.selectors.earmarks import plain_words, quarter_figures
from treasury.selectors.meals import meal_counts


def _usd(cents: int) -> Money:
    return from_cents(cents, "USD")


@dataclass(frozen=True)
class ProgramShare:
    slug: str
    name: str
    weight: int
    amount: Money


@dataclass(frozen=True)
class QuarterEarmark:
    period: str
    policy_version: int
    policy_effective_from: datetime.date
    floor_percent: Decimal
    share_percent: Decimal
    qualifying_net_sales: Money
    surplus: Money
    floor: Money
    share: Money
    designation: Money
    by_program: tuple[ProgramShare, ...]
    plain_words: str


def quarter_earmark(*, period: str) -> QuarterEarmark:
    """The quarter's earmark: its figures, the split by program and the policy in words."""
    figures = quarter_figures(period=period)
    return QuarterEarmark(
        period=figures.quarter.name,
        policy_version=figures.policy.version,
        policy_effective_from=figures.policy.effective_from,
        floor_percent=figures.policy.floor_percent,
        share_percent=figures.policy.share_percent,
        qualifying_net_sales=_usd(figures.qualifying_net_sales),
        surplus=_usd(figures.surplus),
        floor=_usd(figures.floor),
        share=_usd(figures.share),
        designation=_usd(figures.designation),
        by_program=tuple(
            ProgramShare(p.program.slug, p.program.name, p.weight, _usd(p.cents))
            for p in figures.parts
        ),
        plain_words=plain_words(figures),
    )


@dataclass(frozen=True)
class PublicDisbursement:
    program_slug: str
    payee_type: str
    payee_name: str
    help_type: str
    public_title: str
    amount: Money
    paid_on: datetime.date


INDIVIDUAL = Disbursement.PayeeType.INDIVIDUAL
PAID = (Disbursement.Status.PAID, Disbursement.Status.RECONCILED)


def paid_disbursements(*, start: datetime.date, end: datetime.date) -> list[PublicDisbursement]:
    """Disbursements paid in [start, end], oldest first; individuals are never named."""
    rows = Disbursement.objects.filter(status__in=PAID, paid_on__range=(start, end))
    return [
        PublicDisbursement(
            program_slug=row.program.slug,
            payee_type=row.payee_type,
            payee_name="" if row.payee_type == INDIVIDUAL else row.payee_name,
            help_type=row.help_type,
            public_title=row.public_title,
            amount=_usd(row.amount),
            paid_on=row.paid_on,
        )
        for row in rows.select_related("program").order_by("paid_on", "created_at")
    ]


def committed_unpaid(*, program_slug: str, as_of: datetime.date) -> Money:
    """Approved, not yet paid, as of a date (requests made by then that are approved now)."""
    total = Disbursement.objects.filter(
        program__slug=program_slug,
        status=Disbursement.Status.APPROVED,
        created_at__date__lte=as_of,
    ).aggregate(total=Sum("amount"))["total"]
    return _usd(int(total or 0))


@dataclass(frozen=True)
class ImpactFigure:
    program_slug: str
    label: str
    value: int


def impact_figures(*, period: str) -> list[ImpactFigure]:
    """The figures the treasurer entered for the quarter (meals served, workshops held...)."""
    rows = models.ImpactFigure.objects.filter(period=period).select_related("program")
    return [ImpactFigure(row.program.slug, row.label, row.value) for row in rows]


@dataclass(frozen=True)
class PayItForwardCounts:
    issued: int
    redeemed: int
    rolled_over: int
    outstanding: int


def pay_it_forward_counts(*, start: datetime.date, end: datetime.date) -> PayItForwardCounts:
    counts = meal_counts(start=start, end=end)
    return PayItForwardCounts(counts.issued, counts.redeemed, counts.rolled_over,
                              counts.outstanding)  # fmt: skip


@dataclass(frozen=True)
class VoteResult:
    period: str
    ballots: int
    member_split: dict[str, int]
    board_split: dict[str, int]
    board_reason: str


def member_split(round_: VoteRound) -> dict[str, int]:
    """Per program the median of the ballots' points, renormalised to 100 (largest remainder)."""
    points: dict[str, list[int]] = {}
    order: dict[str, tuple[int, int]] = {}
    for ballot in Ballot.objects.filter(round=round_).prefetch_related("points__program"):
        for row in ballot.points.all():
            points.setdefault(row.program.slug, []).append(row.points)
            order[row.program.slug] = (row.program.allocation_order, row.program.id)
    slugs = sorted(points, key=order.__getitem__)
    medians = [statistics.median(points[slug]) for slug in slugs]
    if not slugs or sum(medians) == 0:
        return dict.fromkeys(slugs, 0)
    # Medians may be halves: scale by 2 so the weights are whole numbers.
    split = largest_remainder(100, [int(median * 2) for median in medians])
    return dict(zip(slugs, split, strict=True))


def advisory_vote(*, period: str) -> VoteResult | None:
    round_ = VoteRound.objects.filter(period=period).first()
    if round_ is None:
        return None
    decision = getattr(round_, "decision", None)
    return VoteResult(
        period=period,
        ballots=round_.ballots.count(),
        member_split=member_split(round_),
        board_split=dict(decision.split) if decision else {},
        board_reason=decision.reason if decision else "",
    )


@dataclass(frozen=True)
class Approval:
    what: str
    approved_by_role: str
    approved_on: datetime.date


def governance_approvals(*, start: datetime.date, end: datetime.date) -> list[Approval]:
    """Policy versions and disbursement approvals in [start, end], by role, never by name."""
    found = [
        Approval(
            what=f"Earmark policy version {policy.version} (from {policy.effective_from})",
            approved_by_role=role_of(policy.approved_by) or "member",
            approved_on=timezone.localdate(policy.approved_at),
        )
        for policy in TreasuryPolicy.objects.filter(approved_at__date__range=(start, end))
    ]
    actions = DisbursementAction.objects.filter(
        action=DisbursementAction.Action.APPROVE, at__date__range=(start, end)
    ).select_related("disbursement")
    found += [
        Approval(
            what=f"Disbursement: {action.disbursement.public_title}",
            approved_by_role=action.role or "member",
            approved_on=timezone.localdate(action.at),
        )
        for action in actions
    ]
    return sorted(found, key=lambda a: (a.approved_on, a.what))
