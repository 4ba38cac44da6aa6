"""One translation from domain errors to HTTP, shared by every API view.

Services raise typed errors (`LedgerError` and its kin) with a stable `code`, a message for
people and `extra` details; this handler turns them into JSON 4xx answers. Anything unmapped
falls through to DRF's handler, and what DRF does not know becomes a logged 500.
"""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ledger.exceptions import LedgerError


def exception_handler(exc, context):
    """Answer a domain error with {"code", "message", "extra"} and its HTTP status."""
    if isinstance(exc, LedgerError):
        body = {"code": exc.code, "message": exc.message, "extra": exc.extra}
        return Response(body, status=exc.http_status)
    return drf_exception_handler(exc, context)
