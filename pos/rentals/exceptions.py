"""Typed errors of game rentals (answered by config/api.py like every PosError)."""

from pos.exceptions import PosError


class ResourceBusyError(PosError):
    code = "resource_busy"
    http_status = 409


class SessionStateError(PosError):
    code = "session_state"
    http_status = 409


class BookingConflictError(PosError):
    code = "booking_conflict"
    http_status = 409


class DepositError(PosError):
    code = "deposit_error"
    http_status = 409
