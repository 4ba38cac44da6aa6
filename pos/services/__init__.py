"""Writes of the point of sale. Each top-level service runs in one transaction; closing a check
posts its ledger entry through `ledger.services.post_entry` inside that same transaction.

- `tabs/`: checks (open, rename, transfer, merge, split), their lines (add, void) and the
  kitchen (send to preparation, bump).
- `checkout/`: cash and card payments, closing and its ledger entry, discounts and comps.
- `staff.py`: PINs, lockouts, manager approval.
"""
