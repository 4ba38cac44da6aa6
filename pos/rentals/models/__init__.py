"""Game rentals: the data.

Design overview
---------------
- Catalog (`catalog.py`): a `ResourceType` (dart boards, shuffleboard tables, ...) is data: when
  one is created (pos.rentals.services.catalog) it gets its own income account under
  Income:Rentals:Games, a point-of-sale category crediting that account and an item (not sold
  from the menu) that its sessions' tab lines point at; so a closed check posts game time to
  the account of its resource type, with no special case in checkout. A `Resource` is one
  board or table. `RatePlan`s price time (per hour, with increment, rounding, grace, minimum,
  cap and per-player pricing), games, or prepaid blocks; `RateRule`s are time rules (happy
  hours) that replace the hourly rate inside a weekday window. Priority: time rule > the
  resource's plan > its type's plan > the default plan.
- Sessions (`sessions.py`): a `RentalSession` (the tablet's UUID) on a resource, timed by the
  server's clock and stored as `Segment`s (start, end, rate, players, reason); its rates and
  billing plan are frozen on it when it starts, so neither a catalog edit nor a server restart
  changes what it costs. At most one running or paused session per resource (a partial unique
  index: two tablets starting the same board at once, exactly one wins). Manager
  `TimeAdjustment`s carry their reason. On stop the session becomes one tab line.
- Deposits and bookings (`deposits.py`): cash deposits (a customer-deposit liability until
  returned, forfeited or spent on the party's check), card holds (gateway authorizations) and
  "ID held" flags; party `Booking`s hold resources through `BookingSlot`s, which can never
  overlap for one resource (a PostgreSQL exclusion constraint, a SQLite trigger).
"""

from pos.rentals.models.catalog import RatePlan, RateRule, Resource, ResourceType
from pos.rentals.models.deposits import Booking, BookingSlot, Deposit
from pos.rentals.models.sessions import RentalSession, Segment, TimeAdjustment

__all__ = [
    "Booking",
    "BookingSlot",
    "Deposit",
    "RatePlan",
    "RateRule",
    "RentalSession",
    "Resource",
    "ResourceType",
    "Segment",
    "TimeAdjustment",
]
