"""Rental sessions: start, pause, resume, players, games, extend, transfer, adjust, stop.

Every moment is the server's (`pos.clock.now()`); a tablet only says what happened. A session
is a list of stored segments: each event closes the open segment at its moment, cut at every
rate change (a happy hour starting or ending, pos.rentals.billing.rate_segments), and opens
the next one with the reason (pause, resume, players, transfer). The billing plan and the rate
table are frozen on the session when it starts (a transfer takes the new resource's rates), so
the charge is a pure function of stored rows: a closed browser, a dropped connection or a
server restart changes nothing.

Concurrency and idempotency: every write locks the tab (pos.services.tabs.lock_open_tab)
and then the resource row(s), in id order, so two tablets serialize; a start is idempotent by
the session's UUID, and the partial unique index rentals_session_one_active_per_resource makes
a second active session on one resource impossible even for writers that skip the service.
Each other action is idempotent by state (pausing a paused session returns it). On stop the
session becomes ONE tab line whose UUID is the session's, so a repeated stop never adds a
second line; that line carries the resource type's category, whose income account is the
type's own. Missing equipment is charged on a second line (Income:Other:Forfeits).

- playing.py: start, pause, resume, players, games, prepaid blocks, transfer, time adjustments;
- stopping.py: stop (the tab's line), missing equipment, out of order;
- rows.py: the locks, segments, statuses and records every one of them uses.

The names other modules use are imported here.
"""

from pos.rentals.services.sessions.playing import (
    adjust_time,
    extend_session,
    pause_session,
    resume_session,
    set_games,
    set_players,
    start_session,
    transfer_session,
)
from pos.rentals.services.sessions.rows import NOT_FOUND
from pos.rentals.services.sessions.stopping import set_out_of_order, stop_session

__all__ = [
    "NOT_FOUND",
    "adjust_time",
    "extend_session",
    "pause_session",
    "resume_session",
    "set_games",
    "set_out_of_order",
    "set_players",
    "start_session",
    "stop_session",
    "transfer_session",
]
