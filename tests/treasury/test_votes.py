"""The advisory member vote: medians renormalised to 100, the board's decision beside it."""

import pytest
from django.utils import timezone

from treasury.exceptions import InvalidInputError, WrongStatusError
from treasury.public import advisory_vote, governance_approvals, impact_figures
from treasury.services.votes import (
    cast_ballot,
    open_vote,
    record_board_decision,
    set_impact_figure,
)

pytestmark = pytest.mark.django_db


def test_the_members_median_renormalised_and_the_board_decision_with_its_reason(people):
    open_vote(user=people["board"], period="2026Q2", min_points=10, max_points=90)
    for code, fridge in (("a", 70), ("b", 50), ("c", 65)):
        cast_ballot(period="2026Q2", ballot_code=code,
                    split={"community-fridge": fridge, "skill-share": 100 - fridge})  # fmt: skip
    # Medians: fridge 65, skill-share 35 -> already 100.
    with pytest.raises(WrongStatusError, match="voted already"):
        cast_ballot(period="2026Q2", ballot_code="a",
                    split={"community-fridge": 50, "skill-share": 50})  # fmt: skip
    with pytest.raises(InvalidInputError, match="between 10 and 90"):
        cast_ballot(period="2026Q2", ballot_code="d",
                    split={"community-fridge": 95, "skill-share": 5})  # fmt: skip
    with pytest.raises(InvalidInputError, match="say why"):
        record_board_decision(user=people["board"], period="2026Q2",
                              split={"community-fridge": 60, "skill-share": 40})  # fmt: skip
    record_board_decision(user=people["board"], period="2026Q2",
                          split={"community-fridge": 60, "skill-share": 40},
                          reason="The workshop space needs new tools this spring.")  # fmt: skip
    result = advisory_vote(period="2026Q2")
    assert result.ballots == 3
    assert result.member_split == {"community-fridge": 65, "skill-share": 35}
    assert result.board_split == {"community-fridge": 60, "skill-share": 40}
    assert result.board_reason == "The workshop space needs new tools this spring."


def test_medians_that_do_not_add_up_are_renormalised_by_largest_remainder(people):
    open_vote(user=people["board"], period="2026Q3")
    for code, fridge, skills in (("a", 30, 70), ("b", 40, 60), ("c", 45, 55), ("d", 50, 50)):
        cast_ballot(period="2026Q3", ballot_code=code,
                    split={"community-fridge": fridge, "skill-share": skills})  # fmt: skip
    # Medians 42.5 and 57.5 (sum 100) -> weights 85 and 115 of 200 -> 42.5 / 57.5 -> the tie
    # of remainders goes to the first program: 43 / 57.
    assert advisory_vote(period="2026Q3").member_split == {"community-fridge": 43,
                                                            "skill-share": 57}  # fmt: skip


def test_impact_figures_and_approvals_name_roles_not_people(people, policy):
    set_impact_figure(user=people["treasurer"], period="2026Q1", program="community-fridge",
                      label="Meals served", value=412)  # fmt: skip
    assert [(f.program_slug, f.label, f.value) for f in impact_figures(period="2026Q1")] == [
        ("community-fridge", "Meals served", 412)
    ]
    # The venue's business day (the filter's), not UTC's: after 18:00 in Chicago they differ.
    day = timezone.localdate(policy.approved_at)
    approvals = governance_approvals(start=day, end=day)
    assert [(a.what, a.approved_by_role) for a in approvals] == [
        ("Earmark policy version 1 (from 2026-01-01)", "board")
    ]
