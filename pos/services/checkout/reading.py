"""A check as the paying path reads it under its lock: one statement instead of nine.

Paying and closing a check need, under the tab's row lock: the tab; its live lines and its
adjustments (its figures); its captured and pending payments, with the ledger account of the
drawer each cash payment went into; the categories of its lines (their ledger accounts); the
games still running on it; the payment a retry or a twin request may have written; and, for
a card payment, the open session of the tablet's drawer and the active card reader of its
station. Read one by one that was nine round trips, and on PostgreSQL each costs about half a
millisecond on these machines, the database's work being a few tens of microseconds of it: a
card payment reads the check twice (before the charge and when recording it). So one
statement reads the tab's row with each set as a JSON array from a correlated subquery
(pos.sql), and this module decodes them with the columns' own converters.

The lock is the tab row's FOR UPDATE on PostgreSQL, the one every write to a tab takes first
(pos.services.tabs.lock_open_tab), taken by a statement of its own just before the read (see
`_locked` for why); SQLite's IMMEDIATE transaction holds its write lock already.
"""

import functools
import uuid
from dataclasses import dataclass, field

from pos import sql
from pos.cards.models import Reader
from pos.cards.selectors import STATION_READER
from pos.exceptions import TabNotOpenError
from pos.models import Category, Payment, Tab
from pos.pricing import CheckFigures
from pos.rentals.selectors import RUNNING_GAME_COLUMNS, RUNNING_GAMES, games_billed_to
from pos.selectors import (
    ADJUSTMENT_FIGURES,
    LINE_FIGURES,
    figure_adjustment,
    figure_line,
    figures_of,
)
from pos.services.tabs.checks import TAB_NOT_OPEN

PAYING = (Payment.Status.CAPTURED, Payment.Status.PENDING)
PAYMENT_CREATED_AT = [f.name for f in Payment._meta.concrete_fields].index("created_at")


@dataclass
class Check:
    """A check read under its lock (`read_check`), and the payments taken on it since."""

    tab: Tab
    figures: CheckFigures
    payments: list[Payment]  # captured and pending, oldest first
    drawer_accounts: dict[uuid.UUID, str]  # drawer session id -> its drawer's ledger account
    categories: dict[int, Category]  # those of its live lines
    games: list[str] = field(default_factory=list)  # resources still running on it
    payment: Payment | None = None  # the payment asked for by id, on this check or another
    drawer_session_id: uuid.UUID | None = None  # the open session of the drawer asked for
    reader: Reader | None = None  # the active card reader of the station asked for

    def require_open(self) -> None:
        if self.tab.status != Tab.Status.OPEN:
            raise TabNotOpenError(TAB_NOT_OPEN.format(tab=self.tab.id, status=self.tab.status))

    def captured(self) -> list[Payment]:
        return [p for p in self.payments if p.status == Payment.Status.CAPTURED]

    def due(self, *, include_pending: bool = False) -> int:
        """Cents still due: pending card payments reserve theirs when asked."""
        paying = self.payments if include_pending else self.captured()
        return self.figures.total - sum(payment.amount for payment in paying)

    def take(self, payment: Payment, drawer_account: str | None = None) -> None:
        """Count a payment written after the read (its drawer's account if it is cash)."""
        self.payments.append(payment)
        if drawer_account is not None:
            self.drawer_accounts[payment.drawer_session_id] = drawer_account


def read_check(
    tab_id: int,
    *,
    payment_id: uuid.UUID | None = None,
    drawer_id: int | None = None,
    station: str | None = None,
) -> Check | None:
    """The check, its row locked, whatever its status; None if there is no such tab.

    payment_id: a payment to look for (a retry's); drawer_id: a drawer whose open session is
    wanted, not locked (a card payment only names it for the session's X/Z report; cash, which
    the session's count must include, locks it: checkout.paying.open_drawer_session); station:
    a station whose active card reader is wanted (the one a card payment goes to).
    """
    # In the statement's order:
    params = sql.bindable([*PAYING, payment_id, drawer_id, station, tab_id])
    if params is None or not _locked(tab_id):
        return None
    found = sql.rows(_statement(sql.db().vendor), params)
    if not found:
        return None
    row = found[0]
    width = len(Tab._meta.concrete_fields)
    tab = sql.instance(Tab, row[:width])
    lines_json, adjustments_json, payments_json, categories_json, games_json, asked_json = row[
        width : width + 6
    ]
    session_id, reader_json = row[width + 6 : width + 8]
    lines = sorted(sql.from_json(lines_json), key=_oldest_first)
    adjustments = sorted(sql.from_json(adjustments_json), key=_oldest_first)
    payments, drawer_accounts = [], {}
    for *values, drawer_account in sorted(sql.from_json(payments_json), key=_by_created_at):
        payment = sql.instance(Payment, values)
        payment.tab = tab
        payments.append(payment)
        if drawer_account is not None:
            drawer_accounts[payment.drawer_session_id] = drawer_account
    asked = [sql.instance(Payment, values) for values in sql.from_json(asked_json)]
    if asked:  # the same instance as in payments, if it is one of them
        asked = [next((p for p in payments if p.id == asked[0].id), asked[0])]
    return Check(
        tab=tab,
        figures=figures_of(
            [figure_line(values) for values in lines],
            [figure_adjustment(values) for values in adjustments],
        ),
        payments=payments,
        drawer_accounts=drawer_accounts,
        categories={
            category.id: category
            for category in (sql.instance(Category, v) for v in sql.from_json(categories_json))
        },
        games=games_billed_to(tab.id, sql.from_json(games_json)),
        payment=asked[0] if asked else None,
        drawer_session_id=sql.as_uuid(session_id),
        reader=next((sql.instance(Reader, v) for v in sql.from_json(reader_json)), None),
    )


def _locked(tab_id: int) -> bool:
    """Lock the tab's row (PostgreSQL); False if there is none.

    A separate statement, before the read: under READ COMMITTED a statement sees the rows
    committed when it began, so a read that waited for the lock in the same statement would
    miss the lines the lock's holder added (tests/pos/test_checkout.py, a payment that waited).
    SQLite's IMMEDIATE transaction took the write lock at BEGIN: nothing to do.
    """
    if not sql.db().features.has_select_for_update:
        return True
    return bool(sql.rows("SELECT id FROM pos_tab WHERE id = %s FOR UPDATE", [tab_id]))


def _oldest_first(values: list):
    """Lines and adjustments: (created or added at, id), as the ORM orders them."""
    return sql.as_datetime(values[-2]), values[-1]


def _by_created_at(values: list):
    return sql.as_datetime(values[PAYMENT_CREATED_AT]), values[0]


@functools.cache
def _statement(vendor: str) -> str:
    """The one statement (per vendor: their JSON functions differ)."""
    line_columns = [f"l.{name}" for name in LINE_FIGURES] + ["l.added_at", "l.id"]  # sort key
    adjustment_columns = [f"a.{name}" for name in ADJUSTMENT_FIGURES] + ["a.created_at", "a.id"]
    live_lines = "pos_tabline l WHERE l.tab_id = t.id AND l.voided_at IS NULL"
    subqueries = [
        sql.json_rows(line_columns, live_lines),
        sql.json_rows(adjustment_columns, "pos_adjustment a WHERE a.tab_id = t.id"),
        sql.json_rows(
            [*sql.columns(Payment, "p"), "d.account"],
            "pos_payment p LEFT JOIN pos_drawersession s ON s.id = p.drawer_session_id "
            "LEFT JOIN pos_drawer d ON d.id = s.drawer_id "
            "WHERE p.tab_id = t.id AND p.status IN (%s, %s)",
        ),
        sql.json_rows(
            sql.columns(Category, "c"),
            f"pos_category c WHERE c.id IN (SELECT l.category_id FROM {live_lines})",  # noqa: S608
        ),
        sql.json_rows(RUNNING_GAME_COLUMNS, RUNNING_GAMES.format(tab="t.id")),
        sql.json_rows(sql.columns(Payment, "p"), "pos_payment p WHERE p.id = %s"),
        "(SELECT s.id FROM pos_drawersession s WHERE s.drawer_id = %s AND s.status = 'open')",
        sql.json_rows(sql.columns(Reader, "r"), f"cards_reader r WHERE r.{STATION_READER}"),
    ]
    return (
        f"SELECT {', '.join(sql.columns(Tab, 't'))}, {', '.join(subqueries)} "  # noqa: S608
        "FROM pos_tab t WHERE t.id = %s"
    )
