"""Writes to the ledger. Everything that changes ledger data goes through these services.

- `posting.py`: `post_entry` (the single writer of journal entries) and `reverse_entry`.
- `rules.py`: what an entry must meet before it is written, each refusal a typed error.
- `periods.py`: fiscal quarter rows and `close_period`.
- `store.py`: the fixed SQL statements of the posting path.
"""

from ledger.services.periods import close_period
from ledger.services.posting import Line, credit, debit, post_entry, reverse_entry

__all__ = ["Line", "close_period", "credit", "debit", "post_entry", "reverse_entry"]
