"""Tabs and their lines: open, add, void, send to the bar or grill, move, merge, split.

Concurrency: lines are inserted with the tablet's UUID and never rewritten, so two tablets
adding to one tab at once never lose a line. Every write first locks the tab row (FOR NO KEY
UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), so a line can never
slip into a tab while it is being closed. Header edits (name, table) carry the version the
tablet saw and answer 409 when it is stale. Operations on two tabs lock them in id order.

Every service is idempotent by the tablet's UUID: repeating a call returns what the first
one did, and the same UUID with different content is refused.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q

from ledger.money import to_cents
from pos import clock, sql
from pos.clock import local_time
from pos.exceptions import (
    AgeCheckRequiredError,
    IdempotencyConflictError,
    InvalidInputError,
    ItemUnavailableError,
    ModifierChoiceError,
    NotFoundError,
    StaleVersionError,
    TabNotOpenError,
)
from pos.models import (
    Adjustment,
    Device,
    Item,
    PriceRule,
    StaffMember,
    Tab,
    TabLine,
    Ticket,
    TicketLine,
)
from pos.pricing import RuleView, apply_rule, best_rule
from pos.services.activity import record
from pos.services.staff import require_manager

TAB_NOT_FOUND = "There is no tab {tab}"
TAB_NOT_OPEN = "Check {tab} is {status}; it takes no changes"
NAME_OR_TABLE = "Open a tab with a name, a table or both"
ITEM_NOT_FOUND = "There is no item {item} on the menu"
ITEM_86 = "{item} is out of stock (86'd)"
AGE_CHECK = "{item} is for guests {age}+: confirm you checked their age"
UUID_REUSED = "{what} {id} already exists with different content"
STALE = "Check {tab} changed on another tablet (version {current}, you had {seen}); reload it"
LINE_NOT_FOUND = "There is no line {line} on an open check"
ALREADY_VOIDED = "That line is already voided"
MODIFIER_NOT_OFFERED = "{modifier} is not offered with {item}"
TOO_FEW_CHOICES = "{item}: choose at least {minimum} from {group}"
TOO_MANY_CHOICES = "{item}: choose at most {maximum} from {group}"
QUANTITY = "Quantity must be a whole number from 1 to 99"


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
def add_line(
    *,
    tab_id: int,
    line_id: uuid.UUID,
    item_id: int,
    quantity: int = 1,
    modifier_ids: Sequence[int] = (),
    note: str = "",
    age_confirmed: bool = False,
    staff: StaffMember,
    device: Device,
) -> TabLine:
    """Append a line priced now (happy hour included). Idempotent by line_id.

    Raise ItemUnavailableError (86'd), ModifierChoiceError, AgeCheckRequiredError (the first
    age-restricted line asks for confirmation once per tab), TabNotOpenError.
    """
    replay = _line_replay(line_id, tab_id, item_id, quantity, modifier_ids, note)
    if replay is not None:
        return replay
    if not (isinstance(quantity, int) and 1 <= quantity <= 99):
        raise InvalidInputError(QUANTITY)
    tab = lock_open_tab(tab_id)
    # Again under the lock: a twin request may have added this line while we waited.
    replay = _line_replay(line_id, tab_id, item_id, quantity, modifier_ids, note)
    if replay is not None:
        return replay
    item = (
        Item.objects.select_related("category")
        .prefetch_related("modifier_groups__modifiers")
        .filter(id=item_id, is_active=True)
        .first()
    )
    if item is None:
        raise NotFoundError(ITEM_NOT_FOUND.format(item=item_id))
    if item.out_of_stock:
        raise ItemUnavailableError(ITEM_86.format(item=item.name), item=item.id)
    if item.min_age and tab.age_checked_at is None:
        if not age_confirmed:
            raise AgeCheckRequiredError(
                AGE_CHECK.format(item=item.name, age=item.min_age), item=item.id
            )
        # Who checked and when, once per tab; no ID data is ever stored.
        tab.age_checked_by, tab.age_checked_at = staff, clock.now()
        tab.save(update_fields=["age_checked_by", "age_checked_at"])
    modifiers = _chosen_modifiers(item, modifier_ids)
    now = clock.now()
    rule = best_rule(_rules_for(item), local_time(now))
    deltas = sum(m["delta"] for m in modifiers)
    base = to_cents(item.price)
    line = TabLine.objects.create(
        id=line_id,
        tab=tab,
        item=item,
        category=item.category,
        name=item.name,
        station=item.station,
        quantity=quantity,
        unit_price=apply_rule(rule, base) + deltas,
        list_price=base + deltas,
        unit_cost=to_cents(item.unit_cost),
        tax_rate=item.category.tax_rate,
        price_rule=rule.name if rule else "",
        modifiers=modifiers,
        note=note.strip(),
        added_by=staff,
        device=device,
        added_at=now,
    )
    record(
        action="line.add", staff=staff, device=device, tab=tab, line=line.id, item=item.name,
        quantity=quantity,
    )  # fmt: skip
    return line


@transaction.atomic
def void_line(
    *,
    line_id: uuid.UUID,
    reason: str,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> TabLine:
    """Void a line with a reason. A line already sent needs a manager and makes a cancel ticket."""
    line = TabLine.objects.filter(id=line_id).first()
    if line is None:
        raise NotFoundError(LINE_NOT_FOUND.format(line=line_id))
    tab = lock_open_tab(line.tab_id)
    line.refresh_from_db()
    if line.voided_at is not None:
        if line.void_reason == reason.strip():
            return line  # a retry of the same void
        raise InvalidInputError(ALREADY_VOIDED)
    if not reason.strip():
        raise InvalidInputError("Give a reason for the void")
    if line.sent_at is not None:
        approved_by = require_manager(approved_by, action=f"void {line.name}, already sent")
        ticket = Ticket.objects.create(
            tab=tab,
            station=line.station,
            kind=Ticket.Kind.CANCEL,
            created_at=clock.now(),
            created_by=staff,
        )
        TicketLine.objects.create(ticket=ticket, line=line)
    line.voided_at = clock.now()
    line.void_reason = reason.strip()
    line.voided_by = staff
    line.void_approved_by = approved_by
    line.save(update_fields=["voided_at", "void_reason", "voided_by", "void_approved_by"])
    record(
        action="line.void", staff=staff, device=device, tab=tab, approved_by=approved_by,
        line=line.id, item=line.name, reason=line.void_reason,
    )  # fmt: skip
    return line


@transaction.atomic
def void_tab(
    *,
    tab_id: int,
    reason: str,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> Tab:
    """Void an open tab that nobody pays for: its lines are voided (sent ones need a manager)."""
    tab = Tab.objects.select_for_update().filter(id=tab_id).first()
    if tab is not None and tab.status == Tab.Status.VOIDED:
        return tab
    tab = lock_open_tab(tab_id, key_update=True)
    if tab.payments.exclude(status__in=["declined", "cancelled"]).exists():
        raise TabNotOpenError(f"Check {tab.id} has payments; refund them instead of voiding")
    for line in tab.lines.filter(voided_at__isnull=True):
        void_line(
            line_id=line.id, reason=reason, staff=staff, device=device, approved_by=approved_by
        )
    tab.status = Tab.Status.VOIDED
    tab.closed_by, tab.closed_at = staff, clock.now()
    tab.version += 1
    tab.save(update_fields=["status", "closed_by", "closed_at", "version"])
    record(action="tab.void", staff=staff, device=device, tab=tab, reason=reason)
    return tab


@transaction.atomic
def send_to_preparation(
    *, tab_id: int, staff: StaffMember, device: Device | None = None
) -> list[Ticket]:
    """Turn the tab's unsent lines into one ticket per station (bar, grill)."""
    tab = lock_open_tab(tab_id)
    unsent = tab.lines.filter(sent_at__isnull=True, voided_at__isnull=True).exclude(station="")
    by_station: dict[str, list[TabLine]] = defaultdict(list)
    for line in unsent:
        by_station[line.station].append(line)
    now = clock.now()
    tickets = []
    for station in sorted(by_station):
        ticket = Ticket.objects.create(
            tab=tab, station=station, kind=Ticket.Kind.ORDER, created_at=now, created_by=staff
        )
        TicketLine.objects.bulk_create(
            TicketLine(ticket=ticket, line=ln) for ln in by_station[station]
        )
        tickets.append(ticket)
    unsent.update(sent_at=now)
    if tickets:
        record(
            action="tab.send", staff=staff, device=device, tab=tab,
            tickets=", ".join(f"{t.station} #{t.id}" for t in tickets),
        )  # fmt: skip
    return tickets


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


@transaction.atomic
def bump_ticket(*, ticket_id: int, done: bool = True) -> Ticket:
    """Mark a preparation ticket done (bumped off the kitchen display), or recall it.

    Idempotent: bumping a done ticket keeps its first done_at. The kitchen display has no
    staff sign-in, so this writes no activity row; done_at is the record.
    """
    ticket = Ticket.objects.select_for_update().filter(id=ticket_id).first()
    if ticket is None:
        raise NotFoundError(f"There is no ticket {ticket_id}")
    if done and ticket.done_at is None:
        ticket.done_at = clock.now()
        ticket.save(update_fields=["done_at"])
    elif not done and ticket.done_at is not None:
        ticket.done_at = None
        ticket.save(update_fields=["done_at"])
    return ticket


def _line_replay(line_id, tab_id, item_id, quantity, modifier_ids, note) -> TabLine | None:
    """Return the line if this UUID was added already with the same content; else None."""
    existing = TabLine.objects.filter(id=line_id).first()
    if existing is None:
        return None
    same = (existing.tab_id, existing.item_id, existing.quantity, existing.note) == (
        tab_id, item_id, quantity, note.strip(),
    ) and sorted(m["id"] for m in existing.modifiers) == sorted(modifier_ids)  # fmt: skip
    if not same:
        raise IdempotencyConflictError(UUID_REUSED.format(what="Line", id=line_id))
    return existing


def _lock_tabs(tab_ids: set[int]) -> dict[int, Tab]:
    # A fixed order (by id) so two tablets moving lines both ways cannot deadlock.
    return {tab_id: lock_open_tab(tab_id, key_update=True) for tab_id in sorted(tab_ids)}


def _rules_for(item: Item) -> list[RuleView]:
    rules = PriceRule.objects.filter(Q(item=item) | Q(category_id=item.category_id), is_active=True)
    return [
        RuleView(
            name=rule.name,
            weekdays=rule.weekdays,
            start_time=rule.start_time,
            end_time=rule.end_time,
            kind=rule.kind,
            percent=rule.percent,
            amount=to_cents(rule.amount) if rule.amount is not None else None,
            priority=rule.priority,
            rule_id=rule.id,
        )
        for rule in rules
    ]


def _chosen_modifiers(item: Item, modifier_ids: Sequence[int]) -> list[dict]:
    """Check the choices against the item's groups; return [{id, name, delta}] (delta in cents)."""
    offered = {
        m.id: (group, m)
        for group in item.modifier_groups.all()
        for m in group.modifiers.all()
        if m.is_active
    }
    chosen_per_group: dict[int, int] = defaultdict(int)
    result = []
    for modifier_id in modifier_ids:
        if modifier_id not in offered:
            raise ModifierChoiceError(
                MODIFIER_NOT_OFFERED.format(modifier=modifier_id, item=item.name)
            )
        group, modifier = offered[modifier_id]
        chosen_per_group[group.id] += 1
        result.append(
            {"id": modifier.id, "name": modifier.name, "delta": to_cents(modifier.price_delta)}
        )
    for group in item.modifier_groups.all():
        count = chosen_per_group[group.id]
        minimum = max(group.min_choices, 1 if group.required else 0)
        if count < minimum:
            raise ModifierChoiceError(
                TOO_FEW_CHOICES.format(item=item.name, minimum=minimum, group=group.name)
            )
        if count > group.max_choices:
            raise ModifierChoiceError(
                TOO_MANY_CHOICES.format(item=item.name, maximum=group.max_choices, group=group.name)
            )
    return result
