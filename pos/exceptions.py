"""Typed point-of-sale errors: each has a stable `code`, a message for people and details.

The API answers them with their `http_status` (config/api.py), so a tablet always learns what
was wrong: never a 500 for bad input.
"""

from typing import Any


class PosError(Exception):
    code = "pos_error"
    http_status = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = {key: str(value) for key, value in extra.items()}


class NotFoundError(PosError):
    code = "not_found"
    http_status = 404


class InvalidInputError(PosError):
    code = "invalid_input"


class ItemUnavailableError(PosError):
    code = "item_unavailable"
    http_status = 409


class ModifierChoiceError(PosError):
    code = "modifier_choice"


class AgeCheckRequiredError(PosError):
    code = "age_check_required"
    http_status = 409


class TabNotOpenError(PosError):
    code = "tab_not_open"
    http_status = 409


class StaleVersionError(PosError):
    code = "stale_version"
    http_status = 409


class ApprovalRequiredError(PosError):
    code = "manager_approval_required"
    http_status = 403


class PermissionDeniedError(PosError):
    code = "permission_denied"
    http_status = 403


class PinError(PosError):
    code = "pin_rejected"
    http_status = 403


class PaymentError(PosError):
    code = "payment_error"
    http_status = 409


class GamesRunningError(PaymentError):
    """A payment would close a check whose game rental is still running."""

    code = "games_running"


class PaymentDeclinedError(PaymentError):
    code = "payment_declined"
    http_status = 402


class DrawerError(PosError):
    code = "drawer_error"
    http_status = 409


class RefundError(PosError):
    code = "refund_error"
    http_status = 409


class IdempotencyConflictError(PosError):
    code = "idempotency_key_reused"
    http_status = 409
