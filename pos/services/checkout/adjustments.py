"""Discounts and comps on a line or a whole check, with a reason code (and a manager)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from djmoney.money import Money

from ledger.money import to_cents
from pos import clock
from pos.exceptions import (
    InvalidInputError,
)
from pos.models import (
    Adjustment,
    Device,
    StaffMember,
)
from pos.selectors import tab_figures
from pos.services.activity import record
from pos.services.staff import require_manager
from pos.services.tabs import lock_open_tab

DISCOUNT_SHAPE = "Give a percent (0-100] or an amount, not both"


@transaction.atomic
def add_adjustment(
    *,
    tab_id: int,
    adjustment_id: uuid.UUID,
    kind: str,
    reason: str,
    line_id: uuid.UUID | None = None,
    percent: Decimal | None = None,
    amount: Money | None = None,
    staff: StaffMember,
    device: Device | None = None,
    approved_by: StaffMember | None = None,
) -> Adjustment:
    """Discount or comp a line or the whole check, with a reason code.

    A comp, and a discount above POS_DISCOUNT_APPROVAL_PERCENT, need a manager.
    """
    existing = Adjustment.objects.filter(id=adjustment_id).first()
    if existing is not None:
        return existing
    if kind not in Adjustment.Kind.values:
        raise InvalidInputError(f"{kind!r} is not a discount or a comp")
    if not reason.strip():
        raise InvalidInputError("Give a reason code")
    if (percent is None) == (amount is None) or (percent is not None and not 0 < percent <= 100):
        raise InvalidInputError(DISCOUNT_SHAPE)
    amount_c = to_cents(amount) if amount is not None else None
    if amount_c is not None and amount_c <= 0:
        raise InvalidInputError("A discount amount must be positive")
    tab = lock_open_tab(tab_id)
    existing = Adjustment.objects.filter(id=adjustment_id).first()  # a twin that won the lock
    if existing is not None:
        return existing
    if line_id is not None and not tab.lines.filter(id=line_id, voided_at__isnull=True).exists():
        raise InvalidInputError(f"Line {line_id} is not on check {tab.id}")
    figures = tab_figures(tab)
    base = sum(f.net for f in figures.lines if line_id is None or f.line_id == line_id)
    share = percent if percent is not None else Decimal(100 * amount_c) / max(base, 1)
    if kind == Adjustment.Kind.COMP or share > settings.POS_DISCOUNT_APPROVAL_PERCENT:
        approved_by = require_manager(approved_by, action=f"{kind} ({reason})")
    adjustment = Adjustment.objects.create(
        id=adjustment_id,
        tab=tab,
        line_id=line_id,
        kind=kind,
        percent=percent,
        amount=amount_c,
        reason=reason.strip(),
        created_by=staff,
        approved_by=approved_by,
        created_at=clock.now(),
    )
    record(
        action=f"adjustment.{kind}", staff=staff, device=device, tab=tab, approved_by=approved_by,
        line=line_id or "", percent=percent or "", amount=amount_c or "", reason=reason,
    )  # fmt: skip
    return adjustment
