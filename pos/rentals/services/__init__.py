"""Writes of game rentals.

- `catalog.py`: resource types (with their income account, category and item) and the rates
  a resource bills at.
- `sessions/`: start, pause, resume, players, games, extend, transfer, adjust, stop.
- `deposits.py`: cash deposits, card holds, ID held; returned, forfeited, spent on a check.
- `bookings.py`: party bookings, arrival, no-show, cancellation.
"""
