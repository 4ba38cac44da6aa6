"""Writes of the point of sale. Each top-level service runs in one transaction; closing a check
posts its ledger entry through `ledger.services.post_entry` inside that same transaction.

- `tabs.py`: open, rename, add and void lines, send to preparation, transfer, merge, split.
- `checkout.py`: cash and card payments, discounts and comps, closing and its ledger entry.
- `staff.py`: PINs, lockouts, manager approval.
"""
