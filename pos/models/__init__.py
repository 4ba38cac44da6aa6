"""Point of sale: the data.

Design overview
---------------
- Staff and devices (`staff.py`): a tablet is a `Device` with its own token; staff sign in on
  it with a short PIN. Every action records the staff member and the device.
- Catalog (`catalog.py`): categories carry the ledger accounts and tax rate of what they sell;
  items carry a price, a standard unit cost, a preparation station and an age limit; modifier
  groups and happy-hour `PriceRule`s shape the price when a line is added.
- Checks (`checks.py`): a `Tab` is a tab (by name, table or both) and the bill it becomes.
  `TabLine`s are appended with the client's UUID and never rewritten: price, modifiers and
  costs are copied onto the line when it is added, so later catalog edits change no open check.
  A void, a comp or a move to another check is recorded on the line once. Header changes use
  `version` (optimistic concurrency); `Ticket`s route sent lines to the bar or the grill.
- Payments (`payments.py`): tenders on a check (cash, card through the gateway), and refunds
  against the original check.
- Drawers (`drawers.py`): one open session per drawer (a database constraint), cash movements
  and the blind count at close.
- Activity (`activity.py`): every action on the floor, with its staff member, tablet and
  approving manager; `SignIn`, every sign-in attempt and PIN check, refused or not.
- Idempotency (`idempotency.py`): the stored answer to every POST, by its Idempotency-Key.

Closing a tab's check posts ONE balanced ledger entry in the same transaction, through
`ledger.services.post_entry` only.
"""

from pos.models.activity import Activity, SignIn
from pos.models.catalog import Category, Item, Modifier, ModifierGroup, PriceRule, Station
from pos.models.drawers import CashMovement, Drawer, DrawerSession
from pos.models.idempotency import IdempotencyRecord
from pos.models.payments import Payment, Refund, RefundLine
from pos.models.staff import Device, Role, StaffMember
from pos.models.tabs import Adjustment, Tab, TabLine, Ticket, TicketLine

__all__ = [
    "Activity",
    "Adjustment",
    "CashMovement",
    "Category",
    "Device",
    "Drawer",
    "DrawerSession",
    "IdempotencyRecord",
    "Item",
    "Modifier",
    "ModifierGroup",
    "Payment",
    "PriceRule",
    "Refund",
    "RefundLine",
    "Role",
    "SignIn",
    "StaffMember",
    "Station",
    "Tab",
    "TabLine",
    "Ticket",
    "TicketLine",
]
