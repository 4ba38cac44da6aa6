"""Checks as a whole: open, rename, move lines between them, merge, split.

`lock_open_tab` is where every write to a tab starts (see the package docstring).
"""

import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from pos import clock, sql
from pos.exceptions import (
    IdempotencyConflictError,
    InvalidInputError,
    NotFoundError,
    StaleVersionError,
    TabNotOpenError,
)
from pos.models import (
    Adjustment,
    Device,
    StaffMember,
    Tab,
    TabLine,
)
from pos.services.activity import record

TAB_NOT_FOUND = "There is no tab {tab}"
TAB_NOT_OPEN = "Check {tab} is {status}; it takes no changes"
NAME_OR_TABLE = "Open a tab with a name, a table or both"
UUID_REUSED = "{what} {id} already exists with different content"
STALE = "Check {tab} changed on another tablet (version {current}, you had {seen}); reload it"


def lock_open_tab(tab_id: int, *, key_update: bool = False) -> Tab:
    """Lock the tab row and return it if it is open. Raise NotFoundError or TabNotOpenError."""
    # Fixed SQL (pos.sql): every write to a tab starts here, on the paying path twice.
    lock = "FOR UPDATE" if key_update else "FOR NO KEY UPDATE"
    found = sql.select(Tab, "id = %s", [tab_id], lock=lock)
    if not found:
        raise NotFoundError(TAB_NOT_FOUND.format(tab=tab_id))
    tab = found[0]
    if tab.status != Tab.Status.OPEN:
        raise TabNotOpenError(TAB_NOT_OPEN.format(tab=tab.id, status=tab.status))
    return tab


@transaction.atomic
def open_tab(
    *, client_id: uuid.UUID, name: str = "", table: str = "", staff: StaffMember, device: Device
) -> Tab:
    """Open a tab by name, table or both. Raise InvalidInputError without either."""
    name, table = name.strip(), table.strip()
    if not (name or table):
        raise InvalidInputError(NAME_OR_TABLE)
    existing = Tab.objects.filter(client_id=client_id).first()
    if existing is None:
        try:
            # A savepoint: a twin request that committed the same client_id first makes this
            # insert fail, and the tab it opened is the answer.
            with transaction.atomic():
                tab = Tab.objects.create(
                    client_id=client_id,
                    name=name,
                    table=table,
                    opened_by=staff,
                    device=device,
                    opened_at=clock.now(),
                )
            record(action="tab.open", staff=staff, device=device, tab=tab, name=name, table=table)
            return tab
        except IntegrityError:
            existing = Tab.objects.get(client_id=client_id)
    if (existing.name, existing.table) != (name, table):
        raise IdempotencyConflictError(UUID_REUSED.format(what="Tab", id=client_id))
    return existing


@transaction.atomic
def rename_tab(
    *,
    tab_id: int,
    version: int,
    name: str,
    table: str,
    staff: StaffMember,
    device: Device | None = None,
) -> Tab:
    """Change the tab's name or table if nobody else changed it since `version`."""
    tab = lock_open_tab(tab_id)
    if tab.version != version:
        raise StaleVersionError(
            STALE.format(tab=tab.id, current=tab.version, seen=version), version=tab.version
        )
    name, table = name.strip(), table.strip()
    if not (name or table):
        raise InvalidInputError(NAME_OR_TABLE)
    tab.name, tab.table, tab.version = name, table, tab.version + 1
    tab.save(update_fields=["name", "table", "version"])
    record(action="tab.rename", staff=staff, device=device, tab=tab, name=name, table=table)
    return tab


@transaction.atomic
def transfer_lines(
    *,
    line_ids: Sequence[uuid.UUID],
    to_tab_id: int,
    staff: StaffMember,
    device: Device | None = None,
) -> list[TabLine]:
    """Move lines to another open tab (not voided ones, not lines of a tab already paying)."""
    lines = list(TabLine.objects.filter(id__in=line_ids))
    if len(lines) != len(set(line_ids)):
        raise NotFoundError("Some of those lines do not exist")
    from_ids = {line.tab_id for line in lines}
    tabs = _lock_tabs(from_ids | {to_tab_id})
    for tab_id in from_ids:
        if tabs[tab_id].payments.exists():
            raise TabNotOpenError(f"Check {tab_id} is being paid; its lines cannot move")
    TabLine.objects.filter(id__in=line_ids).update(tab=tabs[to_tab_id])
    # A line's own discount or comp travels with it.
    Adjustment.objects.filter(line_id__in=line_ids).update(tab=tabs[to_tab_id])
    for tab in tabs.values():
        tab.version += 1
        tab.save(update_fields=["version"])
    record(
        action="lines.transfer", staff=staff, device=device, tab=tabs[to_tab_id],
        lines=", ".join(str(i) for i in line_ids), from_tabs=", ".join(map(str, sorted(from_ids))),
    )  # fmt: skip
    return list(TabLine.objects.filter(id__in=line_ids))


@transaction.atomic
def merge_tabs(
    *, source_id: int, target_id: int, staff: StaffMember, device: Device | None = None
) -> Tab:
    """Move every line and adjustment of source into target; source ends merged (voided)."""
    if source_id == target_id:
        raise InvalidInputError("A tab cannot be merged into itself")
    tabs = _lock_tabs({source_id, target_id})
    source, target = tabs[source_id], tabs[target_id]
    if source.payments.exists():
        raise TabNotOpenError(f"Check {source.id} is being paid; pay or refund it first")
    source.lines.update(tab=target)
    source.adjustments.update(tab=target)
    if source.age_checked_at and not target.age_checked_at:
        target.age_checked_by, target.age_checked_at = source.age_checked_by, source.age_checked_at
    source.status, source.merged_into = Tab.Status.VOIDED, target
    source.version += 1
    source.closed_by, source.closed_at = staff, clock.now()
    source.save()
    target.version += 1
    target.save()
    record(action="tab.merge", staff=staff, device=device, tab=target, merged=source.id)
    return target


@transaction.atomic
def split_by_lines(
    *,
    tab_id: int,
    line_ids: Sequence[uuid.UUID],
    new_client_id: uuid.UUID,
    name: str = "",
    table: str = "",
    staff: StaffMember,
    device: Device,
) -> Tab:
    """Open a new tab (idempotent by new_client_id) and move the chosen lines to it."""
    source = lock_open_tab(tab_id)
    new_tab = open_tab(
        client_id=new_client_id,
        name=name or source.name,
        table=table or source.table,
        staff=staff,
        device=device,
    )
    movable = [i for i in line_ids if TabLine.objects.filter(id=i, tab_id=tab_id).exists()]
    if movable:
        transfer_lines(line_ids=movable, to_tab_id=new_tab.id, staff=staff, device=device)
    return new_tab


def _lock_tabs(tab_ids: set[int]) -> dict[int, Tab]:
    # A fixed order (by id) so two tablets moving lines both ways cannot deadlock.
    return {tab_id: lock_open_tab(tab_id, key_update=True) for tab_id in sorted(tab_ids)}
