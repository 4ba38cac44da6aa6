"""Views of the tablet screens: thin, server-rendered, calling pos.services and selectors.

- `signin`: device sign-in (once), staff PIN sign-in and switch, lock.
- `order`: tabs, the order screen (category rail | item grid | ticket), lines, send, void,
  split / transfer / merge, 86.
- `checkout`: pay (cash, card, split tender, tip), receipt, closed checks and refunds.
- `drawer`: open with a float, cash movements, blind close, X and Z reports.
- `kitchen`: the kitchen display, bump.

Domain errors (`pos.exceptions.PosError`) are shown on the screen that caused them; a
manager's approval is asked for (and checked by `verify_pin`) where a service requires it.
"""
