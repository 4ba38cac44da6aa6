"""The game-rentals API, under /api/v1/rentals/ (routes in pos/rentals/urls.py).

Same rules as the rest of the API (pos.apis): a tablet's device token and a signed-in staff
member; every POST validated first, idempotent by the tablet's UUIDs in its body and by an
optional Idempotency-Key (same key and body: the first answer; another body: 409); errors as
{"code", "message", "details"}; amounts as decimal strings in the answer's `currency`.

- `sessions.py`: the availability board, start, pause, resume, players, games, extend,
  transfer, manager time adjustments, stop, and a session's bill (its segments and charge).
- `deposits.py`: cash deposits, card holds and ID flags; return, forfeit, spend on the check;
  party bookings: book, arrive, no-show, cancel.
- `outputs.py`: the answers' serializers.
"""
