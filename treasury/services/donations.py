"""Donations: entered by the treasurer, or added to a check at the point of sale.

A gift restricted by the donor to a program is income of that program's restricted-gift
account (`Income:Donations:Restricted:<Program>`); the close carries it into the program's
restricted net assets, and paying a disbursement of that program releases it. An
unrestricted gift is `Income:Donations:Unrestricted`. Neither is a qualifying sale nor part
of the venue's surplus.
"""

import datetime
import uuid

from django.db import transaction
from djmoney.money import Money

from ledger.models import EntryKind, Program
from ledger.money import to_cents
from ledger.services import Line, credit, debit, post_entry
from treasury import accounts
from treasury.exceptions import IdempotencyConflictError, InvalidInputError
from treasury.models import Donation
from treasury.roles import TREASURER, require_role
from treasury.services import entry_id_for, usd

DEPOSIT_ACCOUNTS = (accounts.BANK, "Assets:Cash:Safe")


def _program(slug: str | None) -> Program | None:
    if not slug:
        return None
    program = Program.objects.filter(slug=slug, is_active=True).first()
    if program is None:
        raise InvalidInputError(f"There is no program {slug!r}", field="program")
    return program


def donation_lines(*, amount: Money, program: str | None) -> list[Line]:
    """The credit line of a gift (the caller debits where the money went).

    The point of sale adds it to a check's sale entry for a round-up or a donation line.
    """
    cents = to_cents(amount)
    if cents <= 0:
        raise InvalidInputError("A donation must be positive", field="amount")
    chosen = _program(program)
    account = accounts.restricted_income(chosen) if chosen else accounts.DONATIONS_UNRESTRICTED
    return [credit(account, usd(cents), memo="Donation")]


def round_up_cents(total_cents: int) -> int:
    """Cents that round a check up to the next whole dollar (zero when it is whole already)."""
    return (100 - total_cents % 100) % 100


@transaction.atomic
def record_donation(
    *,
    donation_id: uuid.UUID,
    user,
    amount: Money,
    received_on: datetime.date,
    program: str | None = None,
    deposited_to: str = accounts.BANK,
    donor_note: str = "",
) -> Donation:
    """Record a gift the treasurer received, restricted to a program or not."""
    require_role(user, TREASURER, action="record a donation")
    if deposited_to not in DEPOSIT_ACCOUNTS:
        raise InvalidInputError(f"Deposit gifts to {' or '.join(DEPOSIT_ACCOUNTS)}")
    lines = donation_lines(amount=amount, program=program)
    chosen = _program(program)
    existing = Donation.objects.filter(id=donation_id).first()
    if existing is not None:
        if (existing.amount, existing.program_id, existing.received_on) != (
            to_cents(amount), chosen.id if chosen else None, received_on,
        ):  # fmt: skip
            raise IdempotencyConflictError(f"Donation {donation_id} exists with other content")
        return existing
    source_ref = f"donation:{donation_id}"
    entry = post_entry(
        entry_id=entry_id_for(source_ref), kind=EntryKind.ADJUSTMENT, effective_date=received_on,
        memo=f"Donation{' for ' + chosen.name if chosen else ''}", source_ref=source_ref,
        lines=[debit(deposited_to, amount, memo="Donation"), *lines], created_by=user,
    )  # fmt: skip
    return Donation.objects.create(
        id=donation_id, program=chosen, amount=to_cents(amount), received_on=received_on,
        source=Donation.Source.TREASURER, donor_note=donor_note, ledger_entry_id=entry.id,
        created_by=user,
    )  # fmt: skip
