"""One translation from errors to HTTP, shared by every API view.

Every error answer has the same JSON shape: {"code", "message", "details"}.

- Domain errors (`PosError`, `LedgerError`, `TreasuryError`) carry a stable `code`, a message
  for people and `extra` details (answered as "details"), with their own `http_status` (4xx).
- DRF's errors keep their status and headers (WWW-Authenticate, Retry-After). Invalid input is
  400 `invalid_input` with details {field: [messages]}; a body that is not JSON is 400
  `malformed_json`; a body past DATA_UPLOAD_MAX_MEMORY_SIZE is 413 `request_too_large`
  (Django alone would answer an HTML 400); the others use DRF's code (not_authenticated,
  authentication_failed, permission_denied, not_found, method_not_allowed,
  unsupported_media_type, throttled).
- Anything else is not handled here: Django logs it and answers 500. Bad input must never get
  that far; the API tests send it on purpose.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.text import get_text_list
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ledger.exceptions import LedgerError
from pos.exceptions import PosError
from treasury.exceptions import TreasuryError

INVALID_INPUT = "Some of the input is not valid: {fields}"
TOO_LARGE = "The request body is larger than {limit} bytes"


def exception_handler(exc, context):
    """Answer an error with {"code", "message", "details"} and its HTTP status."""
    if isinstance(exc, PosError | LedgerError | TreasuryError):
        body = {"code": exc.code, "message": exc.message, "details": exc.extra}
        return Response(body, status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):  # Django would answer an HTML 400
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = {"code": "request_too_large", "message": TOO_LARGE.format(limit=limit),
                "details": {"limit": limit}}  # fmt: skip
        return Response(body, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, details = exc.default_code, {}
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid_input"
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = INVALID_INPUT.format(fields=get_text_list(list(details), "and"))
    else:
        message = str(exc.detail)
    if isinstance(exc, exceptions.ParseError):
        code = "malformed_json"
    elif isinstance(exc, exceptions.Throttled):
        details = {"retry_after": exc.wait}
    response.data = {"code": code, "message": message, "details": details}
    return response
