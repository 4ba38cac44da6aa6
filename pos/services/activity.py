"""Record an action in the audit trail, inside the transaction of the action itself."""

from pos import clock
from pos.models import Activity, Device, StaffMember, Tab


def record(
    *,
    action: str,
    staff: StaffMember,
    device: Device | None,
    tab: Tab | None = None,
    approved_by: StaffMember | None = None,
    **detail,
) -> Activity:
    """Write who did `action`, on which device, with its details (JSON-safe values)."""
    return Activity.objects.create(
        at=clock.now(),
        action=action,
        staff=staff,
        device=device,
        approved_by=approved_by,
        tab=tab,
        detail={key: str(value) for key, value in detail.items()},
    )
