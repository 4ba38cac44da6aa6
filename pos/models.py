"""Point of sale: catalog, tabs, checks, payments, drawers and rentals (built in later issues).

Sales reach the ledger only through `ledger.services.post_entry`.
"""
