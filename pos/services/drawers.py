"""Cash drawers: opening a shift with a counted float, cash movements, and the blind close.

Design overview
---------------
- A `DrawerSession` is one shift of one drawer. At most one session per drawer is open: the
  service checks first (for a clear message) under a lock on the drawer row, and the partial
  unique constraint `pos_drawer_one_open_session` is the backstop.
- Counts are `{denomination in cents: pieces}` from a fixed set of US notes and coins; JSON
  keys arrive as strings, so "2000" and 2000 both mean a $20 note. Zero counts are dropped.
- Every cash event that moves money posts ONE balanced ledger entry (kind "adjustment") in
  the same transaction, with an id derived from the client's UUID, so a retry never posts
  twice; the drawer account (e.g. Assets:Cash:Drawer1) mirrors the cash in the drawer:
    open       D drawer          C Assets:Cash:Safe      the float comes from the safe
    paid_in    D drawer          C account               default Assets:Cash:Safe (more change)
    paid_out   D account         C drawer                e.g. Expenses:Supplies, tips paid out
    drop       D Assets:Cash:Safe C drawer
    close      D/C drawer against Expenses:CashOverShort for the variance, then
               D Assets:Cash:Safe C drawer for the counted cash: the drawer account ends at 0.
  A no-sale (drawer opened without a sale) posts nothing but is recorded with its approver.
- Manager approval (`require_manager`): a paid-out, a no-sale, and a close whose variance is
  above POS_VARIANCE_APPROVAL_CENTS either way.
- The close is blind: the expected figure (`pos.reports.expected_cash_cents`) is computed
  only here, after the count, and stored with it. A check still open with cash taken through
  the drawer blocks the close: its sale entry (posted when it closes) would debit a drawer
  already emptied into the safe.
- Lock order: drawer row (open) or session row (movements, close), then the ledger's chain
  head inside `post_entry`. The close takes FOR UPDATE (not NO KEY UPDATE) on the session so
  that it waits for in-flight cash payments, whose foreign key holds a KEY SHARE lock on it.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from ledger.models import Account, EntryKind
from ledger.money import from_cents, to_cents
from ledger.selectors import account_balance
from ledger.services import Line, credit, debit, post_entry
from pos import clock
from pos.clock import business_date
from pos.exceptions import DrawerError, IdempotencyConflictError, InvalidInputError, NotFoundError
from pos.models import CashMovement, Device, Drawer, DrawerSession, Payment, StaffMember, Tab
from pos.models.payments import Tender
from pos.reports import expected_cash_cents
from pos.services.activity import record
from pos.services.checkout import ledger_entry_id
from pos.services.staff import require_manager

SAFE = "Assets:Cash:Safe"
OVER_SHORT = "Expenses:CashOverShort"
CURRENCY = "USD"
DENOMINATIONS = (1, 5, 10, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
# What a till holds day to day (no half-dollars, no $2 notes), largest first.
EVERYDAY_DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1)
MAX_PIECES = 9999

DRAWER_NOT_FOUND = "There is no cash drawer {drawer}"
SESSION_NOT_FOUND = "There is no drawer session {session}"
ALREADY_OPEN = "{drawer} is already open (since {since:%H:%M}); close it before opening it again"
SESSION_NOT_OPEN = "That {drawer} session is closed; it takes no more cash movements"
COUNT_SHAPE = "A count maps denominations in cents to the number of notes or coins"
BAD_DENOMINATION = "{denomination!r} is not a US note or coin in cents (one of {allowed})"
BAD_PIECES = "{pieces!r} is not a count from 0 to {maximum} for denomination {denomination}"
COUNTED_TWICE = "Denomination {denomination} appears twice in the count"
SAFE_TOO_LOW = "The safe holds {balance}; it cannot give a {amount} float"
SESSION_REUSED = "Drawer session {session} already exists with a different {what}"
MOVEMENT_REUSED = "Cash movement {movement} already exists with different content"
BAD_KIND = "{kind!r} is not a cash movement (paid_in, paid_out, drop or no_sale)"
REASON_REQUIRED = "Give a reason (at most 120 characters)"
BAD_AMOUNT = "A {kind} needs a positive amount in {currency}"
NO_SALE_AMOUNT = "A no-sale moves no money: its amount must be zero and it names no account"
ACCOUNT_REQUIRED = "Name the ledger account a paid-out is for (e.g. Expenses:Supplies)"
BAD_ACCOUNT = "{account!r} is not a ledger account that takes postings"
DROP_ACCOUNT = "A drop always goes to {safe}"
DRAWER_TOO_LOW = "{drawer} should hold {expected}; it cannot give {amount}"
CASH_ON_OPEN_CHECKS = (
    "Check(s) {tabs} took cash through {drawer} and are still open; close them before the drawer"
)


@transaction.atomic
def open_drawer(
    *,
    session_id: uuid.UUID,
    drawer_id: int,
    count: dict[int, int],
    staff: StaffMember,
    device: Device | None = None,
) -> DrawerSession:
    """Open a shift with a counted float moved from the safe. Idempotent by session_id.

    Raise InvalidInputError (count), NotFoundError, DrawerError (already open, safe too low),
    IdempotencyConflictError.
    """
    pieces = normalized_count(count)
    # Serializes opens of one drawer: the second waits here, then sees the first session.
    drawer = Drawer.objects.select_for_update(no_key=True).filter(id=drawer_id).first()
    if drawer is None:
        raise NotFoundError(DRAWER_NOT_FOUND.format(drawer=drawer_id))
    existing = DrawerSession.objects.filter(id=session_id).first()
    if existing is not None:
        if existing.drawer_id != drawer.id:
            raise IdempotencyConflictError(SESSION_REUSED.format(session=session_id, what="drawer"))
        if normalized_count(existing.opening_count) != pieces:
            raise IdempotencyConflictError(
                SESSION_REUSED.format(session=session_id, what="opening count")
            )
        return existing
    already = DrawerSession.objects.filter(drawer=drawer, status=DrawerSession.Status.OPEN).first()
    if already is not None:
        since = timezone.localtime(already.opened_at)
        raise DrawerError(ALREADY_OPEN.format(drawer=drawer.name, since=since))
    opening_float = total_cents(pieces)
    if opening_float:
        safe = account_balance(account=SAFE)
        if to_cents(safe) < opening_float:
            raise DrawerError(SAFE_TOO_LOW.format(balance=safe, amount=_usd(opening_float)))
    now = clock.now()
    session = DrawerSession.objects.create(
        id=session_id,
        drawer=drawer,
        opened_by=staff,
        opened_at=now,
        opening_float=opening_float,
        opening_count=_as_json(pieces),
    )
    if opening_float:
        _post(
            "drawer-open",
            session_id,
            f"Open {drawer.name}: float from the safe",
            [debit(drawer.account, _usd(opening_float)), credit(SAFE, _usd(opening_float))],
            staff,
        )
    record(action="drawer.open", staff=staff, device=device, drawer=drawer.name,
           session=session.id, float=opening_float)  # fmt: skip
    return session


@transaction.atomic
def record_cash_movement(
    *,
    movement_id: uuid.UUID,
    session_id: uuid.UUID,
    kind: str,
    amount: Money,
    reason: str,
    account: str = "",
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> CashMovement:
    """Record a paid-in, paid-out, drop or no-sale on an open session. Idempotent by movement_id.

    Raise InvalidInputError, NotFoundError, DrawerError (session closed, not enough cash),
    ApprovalRequiredError or PermissionDeniedError (paid-out, no-sale),
    IdempotencyConflictError.
    """
    kinds = CashMovement.Kind
    if kind not in kinds.values:
        raise InvalidInputError(BAD_KIND.format(kind=kind))
    reason, account = reason.strip(), account.strip()
    if not reason or len(reason) > 120:
        raise InvalidInputError(REASON_REQUIRED)
    if not isinstance(amount, Money) or amount.currency.code != CURRENCY:
        raise InvalidInputError(BAD_AMOUNT.format(kind=kind, currency=CURRENCY))
    cents = to_cents(amount)
    if kind == kinds.NO_SALE and (cents or account):
        raise InvalidInputError(NO_SALE_AMOUNT)
    if kind != kinds.NO_SALE and cents <= 0:
        raise InvalidInputError(BAD_AMOUNT.format(kind=kind, currency=CURRENCY))
    if kind == kinds.PAID_OUT and not account:
        raise InvalidInputError(ACCOUNT_REQUIRED)
    if kind == kinds.DROP and account not in ("", SAFE):
        raise InvalidInputError(DROP_ACCOUNT.format(safe=SAFE))
    if kind in (kinds.PAID_IN, kinds.DROP):
        account = account or SAFE

    session = _lock_session(session_id, no_key=True)
    existing = CashMovement.objects.filter(id=movement_id).first()
    if existing is not None:
        stored = (existing.session_id, existing.kind, existing.amount, existing.reason)
        if (*stored, existing.account) != (session.id, kind, cents, reason, account):
            raise IdempotencyConflictError(MOVEMENT_REUSED.format(movement=movement_id))
        return existing
    if session.status != DrawerSession.Status.OPEN:
        raise DrawerError(SESSION_NOT_OPEN.format(drawer=session.drawer.name))
    drawer = session.drawer
    if account and (account == drawer.account or not _postable(account)):
        raise InvalidInputError(BAD_ACCOUNT.format(account=account))
    if kind == kinds.PAID_OUT:
        approved_by = require_manager(approved_by, action=f"pay out {amount} ({reason})")
    elif kind == kinds.NO_SALE:
        approved_by = require_manager(approved_by, action=f"open {drawer.name} ({reason})")
    if kind in (kinds.PAID_OUT, kinds.DROP):
        expected = expected_cash_cents(session)
        if cents > expected:
            raise DrawerError(
                DRAWER_TOO_LOW.format(drawer=drawer.name, expected=_usd(expected), amount=amount)
            )
    movement = CashMovement.objects.create(
        id=movement_id,
        session=session,
        kind=kind,
        amount=cents,
        reason=reason,
        account=account,
        created_by=staff,
        approved_by=approved_by,
        created_at=clock.now(),
    )
    if cents:
        into_drawer = kind == kinds.PAID_IN
        lines = [
            debit(drawer.account if into_drawer else account, amount, memo=reason),
            credit(account if into_drawer else drawer.account, amount, memo=reason),
        ]
        label = kinds(kind).label
        _post("cash-movement", movement_id, f"{label}, {drawer.name}: {reason}", lines, staff)
    record(action=f"drawer.{kind}", staff=staff, device=device, approved_by=approved_by,
           drawer=drawer.name, amount=movement.amount, reason=reason)  # fmt: skip
    return movement


@transaction.atomic
def close_drawer(
    *,
    session_id: uuid.UUID,
    count: dict[int, int],
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> DrawerSession:
    """Close a shift on its blind count, post the variance and move the cash to the safe.

    Idempotent: the same count on a closed session returns it. Raise InvalidInputError,
    NotFoundError, DrawerError (cash on open checks), ApprovalRequiredError or
    PermissionDeniedError (variance above the threshold), IdempotencyConflictError.
    """
    pieces = normalized_count(count)
    session = _lock_session(session_id, no_key=False)
    if session.status == DrawerSession.Status.CLOSED:
        if normalized_count(session.closing_count) != pieces:
            raise IdempotencyConflictError(
                SESSION_REUSED.format(session=session_id, what="closing count")
            )
        return session
    drawer = session.drawer
    open_tabs = sorted(
        Payment.objects.filter(
            drawer_session=session,
            tender=Tender.CASH,
            status=Payment.Status.CAPTURED,
            tab__status=Tab.Status.OPEN,
        ).values_list("tab_id", flat=True)
    )
    if open_tabs:
        tabs = ", ".join(str(tab) for tab in dict.fromkeys(open_tabs))
        raise DrawerError(CASH_ON_OPEN_CHECKS.format(tabs=tabs, drawer=drawer.name))
    expected = expected_cash_cents(session)
    counted = total_cents(pieces)
    variance = counted - expected
    if abs(variance) > settings.POS_VARIANCE_APPROVAL_CENTS:
        side = "over" if variance > 0 else "short"
        action = f"close {drawer.name} {_usd(abs(variance))} {side}"
        approved_by = require_manager(approved_by, action=action)
    else:
        approved_by = None
    lines: list[Line] = []
    if variance > 0:
        lines += [
            debit(drawer.account, _usd(variance), memo="drawer over"),
            credit(OVER_SHORT, _usd(variance), memo="drawer over"),
        ]
    elif variance < 0:
        lines += [
            debit(OVER_SHORT, _usd(-variance), memo="drawer short"),
            credit(drawer.account, _usd(-variance), memo="drawer short"),
        ]
    if counted:
        lines += [
            debit(SAFE, _usd(counted), memo="counted cash to the safe"),
            credit(drawer.account, _usd(counted), memo="counted cash to the safe"),
        ]
    if lines:
        _post("drawer-close", session_id, f"Close {drawer.name}", lines, staff)
    session.status = DrawerSession.Status.CLOSED
    session.closed_by, session.closed_at = staff, clock.now()
    session.closing_count = _as_json(pieces)
    session.counted, session.expected = counted, expected
    session.variance_approved_by = approved_by
    session.save()
    record(action="drawer.close", staff=staff, device=device, approved_by=approved_by,
           drawer=drawer.name, counted=counted, expected=expected)  # fmt: skip
    return session


def count_for(cents: int) -> dict[int, int]:
    """The fewest everyday notes and coins that make cents: a count a drawer could hold."""
    count = {}
    for denomination in EVERYDAY_DENOMINATIONS:
        pieces, cents = divmod(cents, denomination)
        if pieces:
            count[denomination] = pieces
    return count


def normalized_count(count: object) -> dict[int, int]:
    """Return {denomination: pieces} without zero counts. Raise InvalidInputError."""
    if not isinstance(count, dict):
        raise InvalidInputError(COUNT_SHAPE, field="count")
    pieces: dict[int, int] = {}
    for key, number in count.items():
        denomination = key if isinstance(key, int) else _parse_int(key)
        if type(denomination) is not int or denomination not in DENOMINATIONS:
            raise InvalidInputError(
                BAD_DENOMINATION.format(denomination=key, allowed=list(DENOMINATIONS)),
                field="count",
            )
        if denomination in pieces:
            raise InvalidInputError(COUNTED_TWICE.format(denomination=denomination), field="count")
        if type(number) is not int or not 0 <= number <= MAX_PIECES:
            raise InvalidInputError(
                BAD_PIECES.format(pieces=number, maximum=MAX_PIECES, denomination=denomination),
                field="count",
            )
        pieces[denomination] = number
    return {denomination: n for denomination, n in sorted(pieces.items()) if n}


def total_cents(pieces: dict[int, int]) -> int:
    return sum(denomination * n for denomination, n in pieces.items())


def _parse_int(key: object) -> int | None:
    # ASCII digits only: int() would also read Arabic-Indic or fullwidth ones.
    return int(key) if isinstance(key, str) and key.isascii() and key.isdecimal() else None


def _as_json(pieces: dict[int, int]) -> dict[str, int]:
    """JSON object keys are strings; largest denomination first, as a count sheet reads."""
    return {str(denomination): pieces[denomination] for denomination in sorted(pieces)[::-1]}


def _lock_session(session_id: uuid.UUID, *, no_key: bool) -> DrawerSession:
    session = (
        DrawerSession.objects.select_for_update(no_key=no_key)
        .select_related("drawer")
        .filter(id=session_id)
        .first()
    )
    if session is None:
        raise NotFoundError(SESSION_NOT_FOUND.format(session=session_id))
    return session


def _postable(account: str) -> bool:
    return Account.objects.filter(name=account, is_placeholder=False).exists()


def _post(event: str, client_id: uuid.UUID, memo: str, lines: list[Line], staff) -> None:
    post_entry(
        entry_id=ledger_entry_id(event, client_id),
        kind=EntryKind.ADJUSTMENT,
        effective_date=business_date(),
        memo=memo,
        source_ref=f"{event}:{client_id}",
        lines=lines,
        created_by=staff.user,
    )


def _usd(cents: int) -> Money:
    return from_cents(cents, CURRENCY)
