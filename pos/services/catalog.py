"""Catalog writes from the floor: 86 an item (out of stock) or bring it back.

The change takes effect for every tablet at once: `add_line` reads the item inside its own
transaction, so no sale of an 86'd item can start after this commits.
"""

from django.db import transaction

from pos import clock
from pos.exceptions import NotFoundError
from pos.models import Device, Item, StaffMember
from pos.services.activity import record

ITEM_NOT_FOUND = "There is no item {item} on the menu"
STOCK_FIELDS = ("out_of_stock", "stock_changed_by", "stock_changed_on", "stock_changed_at")


@transaction.atomic
def set_item_stock(*, item_id: int, out_of_stock: bool, staff: StaffMember, device: Device) -> Item:
    """86 an item or bring it back, recording who did it and on which tablet."""
    item = Item.objects.select_for_update().filter(id=item_id, is_active=True).first()
    if item is None:
        raise NotFoundError(ITEM_NOT_FOUND.format(item=item_id))
    if item.out_of_stock != out_of_stock:
        item.out_of_stock = out_of_stock
        item.stock_changed_by, item.stock_changed_on = staff, device
        item.stock_changed_at = clock.now()
        item.save(update_fields=[*STOCK_FIELDS])
        record(action="item.86" if out_of_stock else "item.restock", staff=staff, device=device,
               item=item.name)  # fmt: skip
    return item
