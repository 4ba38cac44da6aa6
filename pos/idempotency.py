"""Idempotency-Key: a retried POST gets the first answer back and never has a second effect.

Design
------
A tablet on flaky Wi-Fi retries, and a guest taps twice. Two layers make that harmless:

1. Client UUIDs in every body (client_id, line_id, payment_id, adjustment_id, refund_id,
   session_id, movement_id): the services are idempotent by them, with or without a header.
2. The `Idempotency-Key` header, for every POST (the PIN sign-in excepted: it changes nothing
   worth replaying, and its answer is a credential that must not be stored). The first answer,
   status and JSON body, is kept in `IdempotencyRecord` under (principal, key), the principal
   being "<device id>:<staff id>". The request's fingerprint is the SHA-256 of its method, path
   and canonical JSON body (sorted keys; an approval's PIN left out, so no PIN is hashed into
   the table and a PIN retyped on retry changes nothing). The same key with the same
   fingerprint replays the stored answer, marked `Idempotent-Replayed: true`, without calling
   the service; with another fingerprint it answers 409 `idempotency_key_reused`.

Both statements (the replay's SELECT and the record's INSERT) are fixed SQL (pos.sql): every
POST pays them, and through the ORM they cost more than the database's work.

Transactions (`atomic=True`, the default): the service call and inserting the key's record,
with the answer, are ONE transaction, and the record is written once, after the call, so a
request pays one INSERT for its key. A concurrent request with the same key cannot commit
until the first does (SQLite's BEGIN IMMEDIATE waits for the write lock; on PostgreSQL its
record INSERT waits on the unique index `pos_idempotency_key_once`); it then fails with
IntegrityError, its whole transaction rolls back (whatever its service call did goes with it),
and it replays the first answer. If the first rolls back, its record goes with it and the
second commits. Exactly one effect either way.

Services with durable transactions inside (a card payment never holds a lock while the gateway
works, so `pay_card` commits before and after calling it) cannot run inside an outer
transaction: with `atomic=False` the service runs first and the record is stored after it in
its own transaction. The effect is still once, by the payment's UUID; a concurrent duplicate
loses the insert and replays the winner's answer.

What is kept: 2xx answers and the 4xx errors the action raised (a refused payment, a stale
version, a closed tab). Not kept: requests refused before the action runs (invalid input,
authentication, a wrong approval PIN), so the tablet may fix and resend them under the same
key; and nothing unexpected (a 5xx rolls the whole transaction back, record included).

Races on client UUIDs: a service that looks its UUID up before taking its lock can, on
PostgreSQL, lose an insert race to a twin request (IntegrityError). The request then runs once
more; the service finds the row and answers as for a retry.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from ledger.exceptions import LedgerError
from pos import sql
from pos.exceptions import IdempotencyConflictError, PosError
from pos.models import IdempotencyRecord

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_REUSED = "Idempotency-Key {key!r} was already used for a different request ({endpoint})"
BAD_KEY = "An Idempotency-Key is 1 to 255 printable characters; a UUID is best"


class InvalidIdempotencyKeyError(PosError):
    code = "invalid_idempotency_key"


@dataclass(frozen=True)
class IdempotentRequest:
    """A POST that carries an Idempotency-Key, ready to be answered once."""

    key: str
    principal: str
    fingerprint: str
    endpoint: str

    @classmethod
    def from_request(cls, request: Request) -> "IdempotentRequest | None":
        """Return the request's key details, or None without the header."""
        key = request.headers.get(KEY_HEADER)
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise InvalidIdempotencyKeyError(BAD_KEY)
        principal = request.auth
        return cls(
            key=key,
            principal=f"{principal.device.id}:{principal.staff.id}",
            fingerprint=fingerprint(request.method, request.path, request.data),
            endpoint=request.path[:255],
        )

    def replay(self) -> Response | None:
        """Return the stored answer to this key. Raise IdempotencyConflictError on another body."""
        found = sql.select(
            IdempotencyRecord, "principal = %s AND key = %s", [self.principal, self.key]
        )
        if not found:
            return None
        record = found[0]
        if record.fingerprint != self.fingerprint:
            raise IdempotencyConflictError(
                KEY_REUSED.format(key=self.key, endpoint=record.endpoint), key=self.key
            )
        return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})

    def run(self, action: Callable[[], Response], *, view: APIView, atomic: bool = True):
        """Answer with action() and keep the answer (after replay() found none for this key)."""
        try:
            return self._run_once(action, view, atomic)
        except IntegrityError:
            # Lost a race: to a twin with this key (replay its answer), or to a twin with the
            # same client UUID (run again: the service now finds its row).
            return self.replay() or self._run_once(action, view, atomic)

    def _run_once(self, action, view, atomic: bool) -> Response:
        if not atomic:
            response = answer(action, view)
            self._keep(response)  # one INSERT: its own transaction
            return response
        with transaction.atomic():
            response = answer(action, view)
            self._keep(response)
        return response

    def _keep(self, response: Response) -> None:
        record = IdempotencyRecord(
            key=self.key,
            principal=self.principal,
            endpoint=self.endpoint,
            fingerprint=self.fingerprint,
            status_code=response.status_code,
            body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
            created_at=timezone.now(),
        )
        sql.insert([record])


def run_unkeyed(action: Callable[[], Response]) -> Response:
    """Answer a POST without a key; on a lost client-UUID race (see above) run it once more."""
    try:
        return action()
    except IntegrityError:
        return action()


def answer(action: Callable[[], Response], view: APIView) -> Response:
    """Return action()'s response, or the 4xx error response for what it raised."""
    try:
        return action()
    except (PosError, LedgerError, Http404) as exc:
        return view.handle_exception(exc)
    except APIException as exc:
        if exc.status_code >= 500:
            raise
        return view.handle_exception(exc)


def fingerprint(method: str, path: str, body: object) -> str:
    """SHA-256 of the method, the path and the canonical JSON body, the approval PIN left out."""
    if isinstance(body, dict) and isinstance(body.get("approval"), dict):
        body = {**body, "approval": {k: v for k, v in body["approval"].items() if k != "pin"}}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), cls=JSONEncoder)
    return hashlib.sha256(f"{method}\n{path}\n{canonical}".encode()).hexdigest()
