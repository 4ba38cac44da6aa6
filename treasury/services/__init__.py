"""Writes of the treasury. Every money movement posts one balanced ledger entry through
`ledger.services.post_entry` in the same transaction as the row that explains it."""

import uuid

from ledger.money import from_cents

TREASURY_NAMESPACE = uuid.UUID("5d0f7a52-8d0e-4c51-9b5e-2f7b6c1e9a33")


def entry_id_for(source_ref: str) -> uuid.UUID:
    """The ledger entry id of a treasury event: the same event always gives the same id."""
    return uuid.uuid5(TREASURY_NAMESPACE, source_ref)


def usd(cents: int):
    return from_cents(cents, "USD")
