"""Typed ledger errors.

Each error names the rule it enforces (its `code`, stable for API clients and tests), carries a
message for people that names the entry or account involved, and `extra` details. The service
layer raises these before the database would refuse the same write, so users see a clear
message and never a database traceback; the triggers stay as the backstop.
"""

from typing import Any


class LedgerError(Exception):
    """Base of every ledger rule violation."""

    code = "ledger_error"
    http_status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = {key: str(value) for key, value in extra.items()}


class InvalidEntryError(LedgerError):
    """The entry as submitted can never be posted (shape, amounts, balance)."""

    code = "invalid_entry"


class TooFewPostingsError(InvalidEntryError):
    code = "too_few_postings"


class UnbalancedEntryError(InvalidEntryError):
    code = "unbalanced_entry"


class NonPositiveAmountError(InvalidEntryError):
    code = "non_positive_amount"


class SubCentAmountError(InvalidEntryError):
    code = "sub_cent_amount"


class CurrencyMismatchError(InvalidEntryError):
    code = "currency_mismatch"


class UnknownAccountError(InvalidEntryError):
    code = "unknown_account"


class InvalidAccountNameError(LedgerError):
    code = "invalid_account_name"


class AccountNotPostableError(InvalidEntryError):
    """Placeholder account, or the effective date is outside the account's open dates."""

    code = "account_not_postable"


class ClosedPeriodError(LedgerError):
    code = "closed_period"
    http_status = 409


class BalanceBoundError(LedgerError):
    code = "balance_bound_exceeded"
    http_status = 409


class EntryConflictError(LedgerError):
    """The entry id exists with different content (TigerBeetle's exists_with_different_*)."""

    http_status = 409

    def __init__(self, message: str, *, field: str, **extra: Any) -> None:
        super().__init__(message, field=field, **extra)
        self.field = field
        self.code = f"exists_with_different_{field}"


class DuplicateSourceError(LedgerError):
    code = "duplicate_source"
    http_status = 409


class EntryNotFoundError(LedgerError):
    code = "entry_not_found"
    http_status = 404


class AlreadyReversedError(LedgerError):
    code = "already_reversed"
    http_status = 409


class PeriodError(LedgerError):
    code = "period_error"
    http_status = 409
