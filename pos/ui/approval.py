"""A manager's approval on a tablet screen: pick the manager, type their PIN.

The PIN is checked by `pos.services.staff.verify_pin` in its own transaction (a wrong PIN is
counted even if the action is then refused), exactly as the API does (`pos.apis.base
.approver`). Whether the action needs a manager at all is the service's rule: without an
approval it raises ApprovalRequiredError, which the screen shows in words.
"""

from django import forms

from pos.models import Device, Role, SignIn, StaffMember
from pos.services.staff import verify_pin


def managers() -> list[StaffMember]:
    return list(StaffMember.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.ADMIN]))


class ApprovalForm(forms.Form):
    """Fields of a form that may carry a manager's approval (both blank: none)."""

    approver_id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    approver_pin = forms.RegexField(regex=r"^[0-9]{4,8}$", required=False, label="Manager PIN")


def approver(data: dict, *, device: Device) -> StaffMember | None:
    """The approving staff member, or None without a PIN. Raise PinError (counted, and
    counted against the tablet it was typed on)."""
    if not data.get("approver_pin") or not data.get("approver_id"):
        return None
    return verify_pin(
        staff_id=data["approver_id"],
        pin=data["approver_pin"],
        device=device,
        kind=SignIn.Kind.APPROVAL,
    )
