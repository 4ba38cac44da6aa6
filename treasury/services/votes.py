"""The advisory member vote on the program split, the board's decision, impact figures.

Members split 100 points across the programs, each within the bounds the board set for the
round. A ballot is stored with a hash of the member's ballot code (so a member votes once)
and no name. The result (median per program, renormalised to 100) is read by
`treasury.public.advisory_vote`; the board records its own split beside it, with a reason
when it differs from the members'.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from ledger.models import Program
from treasury.exceptions import InvalidInputError, WrongStatusError
from treasury.models import Ballot, BallotPoints, BoardDecision, ImpactFigure, VoteRound
from treasury.public import member_split
from treasury.roles import BOARD, TREASURER, require_role

NOT_100 = "The points must add up to 100, not {total}"
OUT_OF_BOUNDS = "{program} must get between {low} and {high} points, not {points}"
VOTED = "This ballot code has voted already"
REASON_NEEDED = "The board's split differs from the members': say why"


@transaction.atomic
def open_vote(*, user, period: str, min_points: int = 0, max_points: int = 100) -> VoteRound:
    require_role(user, BOARD, action="open a member vote")
    if not 0 <= min_points <= max_points <= 100:
        raise InvalidInputError("Bounds must satisfy 0 <= min <= max <= 100")
    round_, _ = VoteRound.objects.get_or_create(
        period=period, defaults={"min_points": min_points, "max_points": max_points}
    )
    return round_


def _check_split(split: dict[str, int], low: int, high: int) -> dict[str, Program]:
    programs = {p.slug: p for p in Program.objects.filter(is_active=True)}
    if set(split) != set(programs):
        raise InvalidInputError(f"Give points to each program: {', '.join(sorted(programs))}")
    total = sum(split.values())
    if total != 100:
        raise InvalidInputError(NOT_100.format(total=total))
    for slug, points in split.items():
        if not low <= points <= high:
            raise InvalidInputError(
                OUT_OF_BOUNDS.format(program=programs[slug].name, low=low, high=high,
                                     points=points)
            )  # fmt: skip
    return programs


@transaction.atomic
def cast_ballot(*, period: str, ballot_code: str, split: dict[str, int]) -> Ballot:
    """Record a member's ballot. Raise InvalidInputError or WrongStatusError."""
    round_ = VoteRound.objects.select_for_update().filter(period=period).first()
    if round_ is None or not round_.is_open:
        raise WrongStatusError(f"There is no open vote for {period}")
    programs = _check_split(split, round_.min_points, round_.max_points)
    code_hash = hashlib.sha256(ballot_code.strip().encode()).hexdigest()
    if Ballot.objects.filter(round=round_, code_hash=code_hash).exists():
        raise WrongStatusError(VOTED)
    ballot = Ballot.objects.create(round=round_, code_hash=code_hash, cast_at=timezone.now())
    BallotPoints.objects.bulk_create(
        BallotPoints(ballot=ballot, program=programs[slug], points=points)
        for slug, points in sorted(split.items())
    )
    return ballot


@transaction.atomic
def record_board_decision(*, user, period: str, split: dict[str, int], reason: str = ""):
    """Close the vote and record the board's split beside the members'."""
    require_role(user, BOARD, action="record the board's decision")
    round_ = VoteRound.objects.select_for_update().filter(period=period).first()
    if round_ is None:
        raise WrongStatusError(f"There is no vote for {period}")
    _check_split(split, 0, 100)
    if split != member_split(round_) and not reason.strip():
        raise InvalidInputError(REASON_NEEDED)
    round_.is_open = False
    round_.save(update_fields=["is_open"])
    decision, _ = BoardDecision.objects.update_or_create(
        round=round_,
        defaults={"split": split, "reason": reason.strip(), "decided_by": user,
                  "decided_at": timezone.now()},
    )  # fmt: skip
    return decision


@transaction.atomic
def set_impact_figure(*, user, period: str, program: str, label: str, value: int):
    """Enter (or correct) a figure of the quarter's impact, e.g. meals served."""
    require_role(user, TREASURER, action="enter impact figures")
    row = Program.objects.filter(slug=program).first()
    if row is None or value < 0 or not label.strip():
        raise InvalidInputError("Give a program, a label and a value of zero or more")
    figure, _ = ImpactFigure.objects.update_or_create(
        period=period, program=row, label=label.strip(),
        defaults={"value": value, "entered_by": user},
    )  # fmt: skip
    return figure
