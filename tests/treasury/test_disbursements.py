"""Disbursements: separation of duties, available balances, and what paying posts.

The fixture policy needs two approvals from $500.00 and for every payment to an individual.
"""

import datetime
import uuid

import pytest

from ledger.models import Program
from ledger.selectors import account_balance
from tests.treasury.conftest import sell, spend, usd
from treasury.exceptions import (
    InsufficientFundsError,
    InvalidInputError,
    NotAllowedError,
    SeparationOfDutiesError,
    WrongStatusError,
)
from treasury.models import Disbursement
from treasury.selectors.funds import fund
from treasury.services import disbursements as flow
from treasury.services.donations import record_donation
from treasury.services.earmarks import post_top_up

pytestmark = pytest.mark.django_db
FRIDGE_DESIGNATED = "NetAssets:WithoutDonorRestrictions:BoardDesignated:CommunityFridge"
FRIDGE_RESTRICTED = "NetAssets:WithDonorRestrictions:CommunityFridge"
UNDESIGNATED = "NetAssets:WithoutDonorRestrictions:Undesignated"


@pytest.fixture
def funded(people, policy):
    """The fridge holds 600.00 designated: 60 % of the 5 % floor of 20,000.00 of sales.

    Costs of 19,000.00 leave a 1,000.00 surplus, whose 40 % share (400.00) is below the floor.
    """
    sell("20000.00", day=datetime.date(2026, 1, 5))
    spend("19000.00", day=datetime.date(2026, 1, 6))
    post_top_up(period="2026Q1")
    return people


def ask(people, amount="100.00", payee_type="vendor", payee_name="Farm Foods", by="coordinator"):
    item = flow.request_disbursement(
        disbursement_id=uuid.uuid4(), user=people[by], program="community-fridge",
        payee_type=payee_type, payee_name=payee_name, help_type="groceries",
        public_title="Fridge restock", private_note="weekly order", amount=usd(amount),
    )  # fmt: skip
    return flow.submit_disbursement(disbursement_id=item.id, user=people[by])


def test_a_paid_disbursement_posts_the_expense_and_releases_the_designation(funded):
    item = ask(funded, "250.00")
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    item = flow.pay_disbursement(disbursement_id=item.id, user=funded["treasurer"],
                                 paid_on=datetime.date(2026, 2, 1))  # fmt: skip
    assert item.status == Disbursement.Status.PAID
    assert account_balance(account="Expenses:Programs:CommunityFridge") == usd("250.00")
    # 600.00 designated less 250.00 released to undesignated net assets.
    assert account_balance(account=FRIDGE_DESIGNATED) == usd("350.00")
    assert fund(item.program).available == 35000


def test_a_disbursement_beyond_the_available_balance_is_refused(funded):
    item = ask(funded, "400.00")
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    # 400.00 is committed, so 200.00 remains available for the next request.
    second = ask(funded, "200.01")
    with pytest.raises(
        InsufficientFundsError,
        match=r"of \$200.01 is more than the \$200.00 available in Community fridge",
    ):
        flow.approve_disbursement(disbursement_id=second.id, user=funded["board"])
    second.refresh_from_db()
    assert second.status == Disbursement.Status.SUBMITTED


def test_a_restricted_donation_is_released_by_a_disbursement(funded):
    record_donation(donation_id=uuid.uuid4(), user=funded["treasurer"], program="community-fridge",
                    amount=usd("300.00"), received_on=datetime.date(2026, 2, 2))  # fmt: skip
    assert fund(_fridge()).restricted == 30000
    item = ask(funded, "450.00")
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    flow.pay_disbursement(disbursement_id=item.id, user=funded["treasurer"],
                          paid_on=datetime.date(2026, 2, 3))  # fmt: skip
    # Donors' money is spent first: 300.00 released from the restriction, 150.00 from the
    # designation; undesignated net assets get the 450.00 back.
    assert account_balance(account="Income:Donations:Restricted:CommunityFridge") == usd("300.00")
    assert account_balance(account=FRIDGE_RESTRICTED) == usd("-300.00")
    assert account_balance(account=FRIDGE_DESIGNATED) == usd("450.00")
    assert fund(_fridge()).restricted == 0
    assert fund(_fridge()).available == 45000


def _fridge():
    return Program.objects.get(slug="community-fridge")


def test_the_requester_cannot_approve_their_own_request(funded):
    item = ask(funded, by="board")
    with pytest.raises(SeparationOfDutiesError, match=r"requested disbursement .* cannot approve"):
        flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])


def test_only_the_treasurer_or_the_board_approve_and_only_the_treasurer_pays(funded):
    item = ask(funded, by="treasurer")
    with pytest.raises(NotAllowedError):
        flow.approve_disbursement(disbursement_id=item.id, user=funded["coordinator"])
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    with pytest.raises(NotAllowedError):
        flow.pay_disbursement(disbursement_id=item.id, user=funded["board"])


def test_nobody_submits_approves_and_pays_the_same_item(funded):
    # The coordinator drafts it; the treasurer submits and approves it, so cannot pay it.
    draft = flow.request_disbursement(
        disbursement_id=uuid.uuid4(), user=funded["coordinator"], program="community-fridge",
        payee_type="vendor", payee_name="Farm Foods", help_type="groceries",
        public_title="Fridge restock", amount=usd("100.00"),
    )  # fmt: skip
    flow.submit_disbursement(disbursement_id=draft.id, user=funded["treasurer"])
    flow.approve_disbursement(disbursement_id=draft.id, user=funded["treasurer"])
    with pytest.raises(SeparationOfDutiesError, match=r"submitted and approved .* cannot also pay"):
        flow.pay_disbursement(disbursement_id=draft.id, user=funded["treasurer"])


def test_the_threshold_needs_two_different_approvers(funded):
    item = ask(funded, "500.00")
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    item.refresh_from_db()
    assert item.status == Disbursement.Status.SUBMITTED  # one of two approvals
    with pytest.raises(SeparationOfDutiesError, match="already approved"):
        flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    item = flow.approve_disbursement(disbursement_id=item.id, user=funded["board2"])
    assert item.status == Disbursement.Status.APPROVED


def test_a_payment_to_an_individual_needs_two_approvals_and_never_a_name(funded):
    with pytest.raises(InvalidInputError, match="never named"):
        ask(funded, "80.00", payee_type="individual", payee_name="Jane Doe")
    item = ask(funded, "80.00", payee_type="individual", payee_name="")
    item = flow.approve_disbursement(disbursement_id=item.id, user=funded["treasurer"])
    assert item.status == Disbursement.Status.SUBMITTED
    item = flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    assert item.status == Disbursement.Status.APPROVED


def test_editing_an_approved_request_sends_it_back_and_its_approvals_lapse(funded):
    item = ask(funded, "100.00")
    flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    item = flow.edit_disbursement(disbursement_id=item.id, user=funded["coordinator"],
                                  amount=usd("120.00"))  # fmt: skip
    assert (item.status, item.round) == (Disbursement.Status.SUBMITTED, 2)
    with pytest.raises(WrongStatusError):
        flow.pay_disbursement(disbursement_id=item.id, user=funded["treasurer"])
    # The same board member may approve the new content.
    item = flow.approve_disbursement(disbursement_id=item.id, user=funded["board"])
    assert item.status == Disbursement.Status.APPROVED
