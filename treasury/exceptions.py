"""Typed treasury errors: each names the rule it enforces (`code`) and carries a message.

They share the shape of the ledger's and the point of sale's errors, so the API's one error
handler answers them as {code, message, details} with their HTTP status.
"""

from typing import Any


class TreasuryError(Exception):
    code = "treasury_error"
    http_status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = {key: str(value) for key, value in extra.items()}


class InvalidInputError(TreasuryError):
    code = "invalid_input"


class NotAllowedError(TreasuryError):
    """The user's role does not allow this."""

    code = "not_allowed"
    http_status = 403


class SeparationOfDutiesError(TreasuryError):
    code = "separation_of_duties"
    http_status = 409


class WrongStatusError(TreasuryError):
    code = "wrong_status"
    http_status = 409


class InsufficientFundsError(TreasuryError):
    code = "insufficient_funds"
    http_status = 409


class NoPolicyError(TreasuryError):
    code = "no_policy"
    http_status = 409


class IdempotencyConflictError(TreasuryError):
    code = "idempotency_conflict"
    http_status = 409


class CloseStepError(TreasuryError):
    """A step of the quarterly close cannot be done yet; the message says why."""

    code = "close_step_failed"
    http_status = 409
