"""Paying and closing a check, discounts and comps, and the ledger entry of a closed check.

- paying.py: cash and card payments (the card's two transactions around the gateway call);
- reading.py: the check as paying and closing read it, under its lock, in one statement;
- closing.py: the close with its one balanced ledger entry, close_tab and reopen_tab;
- adjustments.py: discounts and comps.

The names other modules use are imported here.
"""

from pos.services.checkout.adjustments import DISCOUNT_SHAPE, add_adjustment
from pos.services.checkout.closing import (
    SALES_TAX,
    close_tab,
    ledger_entry_id,
    reopen_tab,
    sale_entry_lines,
    usd,
)
from pos.services.checkout.paying import (
    finish_card_payment,
    open_drawer_session,
    pay_card,
    pay_cash,
)

__all__ = [
    "DISCOUNT_SHAPE",
    "SALES_TAX",
    "add_adjustment",
    "close_tab",
    "finish_card_payment",
    "ledger_entry_id",
    "open_drawer_session",
    "pay_card",
    "pay_cash",
    "reopen_tab",
    "sale_entry_lines",
    "usd",
]
