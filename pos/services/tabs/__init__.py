"""Tabs and their lines: open, add, void, send to the bar or grill, move, merge, split.

Concurrency: lines are inserted with the tablet's UUID and never rewritten, so two tablets
adding to one tab at once never lose a line. Every write first locks the tab row (FOR NO KEY
UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), so a line can never
slip into a tab while it is being closed. Header edits (name, table) carry the version the
tablet saw and answer 409 when it is stale. Operations on two tabs lock them in id order.

Every service is idempotent by the tablet's UUID: repeating a call returns what the first
one did, and the same UUID with different content is refused.
"""

from pos.services.tabs.checks import (
    TAB_NOT_FOUND,
    lock_open_tab,
    merge_tabs,
    open_tab,
    rename_tab,
    split_by_lines,
    transfer_lines,
)
from pos.services.tabs.kitchen import bump_ticket, send_to_preparation
from pos.services.tabs.lines import LINE_NOT_FOUND, add_line, void_line, void_tab

__all__ = [
    "LINE_NOT_FOUND",
    "TAB_NOT_FOUND",
    "add_line",
    "bump_ticket",
    "lock_open_tab",
    "merge_tabs",
    "open_tab",
    "rename_tab",
    "send_to_preparation",
    "split_by_lines",
    "transfer_lines",
    "void_line",
    "void_tab",
]
