"""Disbursements from program funds, with separation of duties.

Rules (each refusal raises a typed error whose message names the rule):
- Only the treasurer or the board approve, reject and pay; anyone signed in may request.
- The requester cannot approve their own request.
- Nobody submits, approves and pays the same item.
- A request of at least the policy's threshold, and every payment to an individual, needs two
  approvals from two different people; approvals count per round, and editing an approved
  request sends it back to submitted in a new round.
- A request cannot be approved, nor paid, beyond the program's available balance (the program
  row is locked while checking, so two approvals cannot both spend the last dollar).
- Paying posts one entry: the program expense against the bank, and the release of the same
  amount from the program's donor-restricted funds first (donors' money is spent first), then
  from its board designation, back to undesignated net assets.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from ledger.models import EntryKind, Program
from ledger.money import to_cents
from ledger.services import credit, debit, post_entry
from treasury import accounts
from treasury.exceptions import (
    IdempotencyConflictError,
    InsufficientFundsError,
    InvalidInputError,
    SeparationOfDutiesError,
    WrongStatusError,
)
from treasury.models import Attachment, Disbursement, DisbursementAction
from treasury.roles import BOARD, TREASURER, require_role, role_of
from treasury.selectors.earmarks import policy_for
from treasury.selectors.funds import fund
from treasury.services import entry_id_for, usd

Status = Disbursement.Status
Action = DisbursementAction.Action

OWN_REQUEST = "{user} requested disbursement {id} and cannot approve it"
ALREADY_APPROVED = "{user} already approved disbursement {id} in this round"
ALL_THREE = "{user} submitted and approved disbursement {id}, so cannot also pay it"
WRONG_STATUS = "Disbursement {id} is {status}; it must be {expected} to {action}"
OVER_AVAILABLE = "Disbursement {id} of {amount} is more than the {available} available in {program}"
INDIVIDUAL_NAMED = "A person who is helped is never named: leave the payee name empty"
PAYEE_NEEDED = "Name the vendor or organisation paid"
CONFLICT = "Disbursement {id} already exists with other content"
EDITABLE = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED)


def _lock(disbursement_id) -> Disbursement:
    disbursement = Disbursement.objects.select_for_update().filter(id=disbursement_id).first()
    if disbursement is None:
        raise InvalidInputError(f"There is no disbursement {disbursement_id}")
    return disbursement


def _expect(disbursement: Disbursement, action: str, *statuses: str) -> None:
    if disbursement.status not in statuses:
        raise WrongStatusError(
            WRONG_STATUS.format(
                id=disbursement.id, status=disbursement.status, action=action,
                expected=" or ".join(statuses),
            ),
            status=disbursement.status,
        )  # fmt: skip


def _record(disbursement: Disbursement, action: str, user, note: str = "", action_id=None) -> None:
    DisbursementAction.objects.create(
        disbursement=disbursement, action=action, round=disbursement.round, user=user,
        role=role_of(user), at=timezone.now(), note=note[:255], client_id=action_id,
    )  # fmt: skip


def _replay(action_id, disbursement_id, action: str, user) -> Disbursement | None:
    """The disbursement if this action (by its client UUID) was done already, else None."""
    if action_id is None:
        return None
    done = DisbursementAction.objects.filter(client_id=action_id).first()
    if done is None:
        return None
    if (done.disbursement_id, done.action, done.user_id) != (
        uuid.UUID(str(disbursement_id)), action, user.id,
    ):  # fmt: skip
        raise IdempotencyConflictError(f"Action {action_id} was another action")
    return done.disbursement


def _did(disbursement: Disbursement, user, action: str) -> bool:
    return disbursement.actions.filter(round=disbursement.round, user=user, action=action).exists()


def _check_payee(payee_type: str, payee_name: str) -> None:
    if payee_type not in Disbursement.PayeeType.values:
        raise InvalidInputError(f"{payee_type!r} is not a payee type", field="payee_type")
    if payee_type == Disbursement.PayeeType.INDIVIDUAL and payee_name.strip():
        raise InvalidInputError(INDIVIDUAL_NAMED, field="payee_name")
    if payee_type != Disbursement.PayeeType.INDIVIDUAL and not payee_name.strip():
        raise InvalidInputError(PAYEE_NEEDED, field="payee_name")


def _check_available(disbursement: Disbursement) -> None:
    """Refuse when the program cannot afford it. The caller holds the program's lock."""
    available = fund(disbursement.program, exclude_id=disbursement.id).available
    if disbursement.amount > available:
        raise InsufficientFundsError(
            OVER_AVAILABLE.format(
                id=disbursement.id, amount=usd(disbursement.amount), available=usd(available),
                program=disbursement.program.name,
            ),
            available=available,
        )  # fmt: skip


def approvals_needed(disbursement: Disbursement) -> int:
    policy = policy_for(timezone.localdate())
    if (
        disbursement.payee_type == Disbursement.PayeeType.INDIVIDUAL
        or disbursement.amount >= policy.dual_approval_cents
    ):
        return 2
    return 1


@transaction.atomic
def request_disbursement(
    *,
    disbursement_id: uuid.UUID,
    user,
    program: str,
    payee_type: str,
    payee_name: str = "",
    help_type: str,
    public_title: str,
    private_note: str = "",
    amount: Money,
    receipt: Attachment | None = None,
) -> Disbursement:
    """Create a draft request (the same id with the same content returns it)."""
    cents = to_cents(amount)
    program_row = Program.objects.filter(slug=program).first()
    if program_row is None:
        raise InvalidInputError(f"There is no program {program!r}", field="program")
    fields = {
        "program": program_row, "payee_type": payee_type, "payee_name": payee_name.strip(),
        "help_type": help_type.strip(), "public_title": public_title.strip(),
        "private_note": private_note, "amount": cents,
    }  # fmt: skip
    existing = Disbursement.objects.filter(id=disbursement_id).first()
    if existing is not None:
        if any(getattr(existing, name) != value for name, value in fields.items()):
            raise IdempotencyConflictError(CONFLICT.format(id=disbursement_id))
        return existing
    _check_payee(payee_type, payee_name)
    if cents <= 0:
        raise InvalidInputError("A disbursement must be positive", field="amount")
    if not fields["public_title"] or not fields["help_type"]:
        raise InvalidInputError("Give a public title and the type of help", field="public_title")
    disbursement = Disbursement.objects.create(
        id=disbursement_id, requested_by=user, created_at=timezone.now(), receipt=receipt,
        **fields,
    )  # fmt: skip
    _record(disbursement, Action.CREATE, user)
    return disbursement


@transaction.atomic
def edit_disbursement(*, disbursement_id, user, amount: Money | None = None,
                      public_title: str | None = None, private_note: str | None = None,
                      help_type: str | None = None) -> Disbursement:  # fmt: skip
    """Change a request not yet paid; an approved one goes back to submitted in a new round."""
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "edit it", *EDITABLE)
    if amount is not None:
        cents = to_cents(amount)
        if cents <= 0:
            raise InvalidInputError("A disbursement must be positive", field="amount")
        disbursement.amount = cents
    for name, value in (("public_title", public_title), ("private_note", private_note),
                        ("help_type", help_type)):  # fmt: skip
        if value is not None:
            setattr(disbursement, name, value.strip() if name != "private_note" else value)
    if disbursement.status == Status.APPROVED:
        disbursement.status = Status.SUBMITTED
    if disbursement.status == Status.SUBMITTED:
        disbursement.round += 1  # earlier approvals were for other content
    disbursement.save()
    _record(disbursement, Action.EDIT, user)
    return disbursement


@transaction.atomic
def submit_disbursement(*, disbursement_id, user, action_id=None) -> Disbursement:
    if (replayed := _replay(action_id, disbursement_id, Action.SUBMIT, user)) is not None:
        return replayed
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "submit it", Status.DRAFT)
    disbursement.status = Status.SUBMITTED
    disbursement.save(update_fields=["status"])
    _record(disbursement, Action.SUBMIT, user, action_id=action_id)
    return disbursement


@transaction.atomic
def approve_disbursement(*, disbursement_id, user, action_id=None, note: str = "") -> Disbursement:
    """Approve; the request is approved once it has the approvals it needs.

    Raise NotAllowedError, SeparationOfDutiesError, WrongStatusError, InsufficientFundsError.
    """
    require_role(user, TREASURER, BOARD, action="approve a disbursement")
    Program.objects.select_for_update().filter(
        id=Disbursement.objects.filter(id=disbursement_id).values("program_id")[:1]
    ).first()  # one program's approvals and payments check its balance one at a time
    if (replayed := _replay(action_id, disbursement_id, Action.APPROVE, user)) is not None:
        return replayed
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "approve it", Status.SUBMITTED)
    if disbursement.requested_by_id == user.id:
        raise SeparationOfDutiesError(OWN_REQUEST.format(user=user, id=disbursement.id))
    if _did(disbursement, user, Action.APPROVE):
        raise SeparationOfDutiesError(ALREADY_APPROVED.format(user=user, id=disbursement.id))
    _check_available(disbursement)
    _record(disbursement, Action.APPROVE, user, note, action_id=action_id)
    approvals = disbursement.actions.filter(round=disbursement.round, action=Action.APPROVE)
    if approvals.count() >= approvals_needed(disbursement):
        disbursement.status = Status.APPROVED
        disbursement.save(update_fields=["status"])
    return disbursement


@transaction.atomic
def reject_disbursement(*, disbursement_id, user, action_id=None, reason: str) -> Disbursement:
    require_role(user, TREASURER, BOARD, action="reject a disbursement")
    if (replayed := _replay(action_id, disbursement_id, Action.REJECT, user)) is not None:
        return replayed
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "reject it", Status.SUBMITTED, Status.APPROVED)
    if not reason.strip():
        raise InvalidInputError("Give a reason for rejecting it", field="reason")
    disbursement.status = Status.REJECTED
    disbursement.save(update_fields=["status"])
    _record(disbursement, Action.REJECT, user, reason, action_id=action_id)
    return disbursement


@transaction.atomic
def cancel_disbursement(*, disbursement_id, user, action_id=None, reason: str = "") -> Disbursement:
    if (replayed := _replay(action_id, disbursement_id, Action.CANCEL, user)) is not None:
        return replayed
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "cancel it", *EDITABLE)
    if disbursement.requested_by_id != user.id:
        require_role(user, TREASURER, BOARD, action="cancel someone else's request")
    disbursement.status = Status.CANCELLED
    disbursement.save(update_fields=["status"])
    _record(disbursement, Action.CANCEL, user, reason, action_id=action_id)
    return disbursement


@transaction.atomic
def pay_disbursement(
    *, disbursement_id, user, action_id=None, paid_on: datetime.date | None = None
) -> Disbursement:
    """Pay an approved request from the bank; post the expense and release the funds."""
    require_role(user, TREASURER, action="pay a disbursement")
    Program.objects.select_for_update().filter(
        id=Disbursement.objects.filter(id=disbursement_id).values("program_id")[:1]
    ).first()
    if (replayed := _replay(action_id, disbursement_id, Action.PAY, user)) is not None:
        return replayed
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "pay it", Status.APPROVED)
    if _did(disbursement, user, Action.SUBMIT) and _did(disbursement, user, Action.APPROVE):
        raise SeparationOfDutiesError(ALL_THREE.format(user=user, id=disbursement.id))
    _check_available(disbursement)
    paid_on = paid_on or timezone.localdate()
    program = disbursement.program
    from_restricted = max(min(disbursement.amount, fund(program).restricted), 0)
    from_designated = disbursement.amount - from_restricted
    source_ref = f"disbursement:{disbursement.id}"
    memo = f"{program.name}: {disbursement.public_title}"
    lines = [
        debit(accounts.program_expense(program), usd(disbursement.amount), memo=memo),
        credit(accounts.BANK, usd(disbursement.amount), memo=memo),
    ]
    if from_restricted:
        lines.append(debit(accounts.restricted(program), usd(from_restricted),
                           memo="Released from donor restriction"))  # fmt: skip
    if from_designated:
        lines.append(debit(accounts.designated(program), usd(from_designated),
                           memo="Released from board designation"))  # fmt: skip
    lines.append(credit(accounts.UNDESIGNATED, usd(disbursement.amount), memo="Released"))
    entry = post_entry(
        entry_id=entry_id_for(source_ref), kind=EntryKind.PAYOUT, effective_date=paid_on,
        memo=memo, source_ref=source_ref, lines=lines, created_by=user,
    )  # fmt: skip
    disbursement.status = Status.PAID
    disbursement.paid_on = paid_on
    disbursement.ledger_entry_id = entry.id
    disbursement.save(update_fields=["status", "paid_on", "ledger_entry_id"])
    _record(disbursement, Action.PAY, user, action_id=action_id)
    return disbursement


@transaction.atomic
def reconcile_disbursement(*, disbursement_id, user) -> Disbursement:
    """Mark a paid disbursement as seen on the bank statement."""
    require_role(user, TREASURER, action="reconcile a disbursement")
    disbursement = _lock(disbursement_id)
    _expect(disbursement, "reconcile it", Status.PAID)
    disbursement.status = Status.RECONCILED
    disbursement.save(update_fields=["status"])
    _record(disbursement, Action.RECONCILE, user)
    return disbursement
