"""Lines of a check: add one (price rules, modifiers, age check), void one, void them all."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from ledger.money import to_cents
from pos import clock
from pos.clock import local_time
from pos.exceptions import (
    AgeCheckRequiredError,
    IdempotencyConflictError,
    InvalidInputError,
    ItemUnavailableError,
    ModifierChoiceError,
    NotFoundError,
    TabNotOpenError,
)
from pos.models import (
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
from pos.services.tabs.checks import UUID_REUSED, lock_open_tab

ITEM_NOT_FOUND = "There is no item {item} on the menu"
ITEM_86 = "{item} is out of stock (86'd)"
AGE_CHECK = "{item} is for guests {age}+: confirm you checked their age"
LINE_NOT_FOUND = "There is no line {line} on an open check"
ALREADY_VOIDED = "That line is already voided"
MODIFIER_NOT_OFFERED = "{modifier} is not offered with {item}"
TOO_FEW_CHOICES = "{item}: choose at least {minimum} from {group}"
TOO_MANY_CHOICES = "{item}: choose at most {maximum} from {group}"
QUANTITY = "Quantity must be a whole number from 1 to 99"


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


def _rules_for(item: Item) -> list[RuleView]:
    rules = PriceRule.objects.filter(Q(item=item) | Q(category_id=item.category_id), is_active=True)
    return [RuleView.of(rule) for rule in rules]


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
