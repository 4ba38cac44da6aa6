"""Who may do what, checked on the server for every request.

Roles (pos.models.Role): the floor staff (cashier, manager, admin) sell: tabs, lines,
payments, drawers, marking an item 86'd; managers, the treasurer and admins read reports;
every signed-in staff member may read the menu and tabs. What needs a manager's approval
(voids of sent lines, comps, big discounts, refunds, drawer variances) is enforced by the
services, from the approval PIN the request carries.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from pos.authentication import PosPrincipal
from pos.models import Role

ALL_ROLES = frozenset(Role.values)
FLOOR_ROLES = frozenset({Role.CASHIER, Role.MANAGER, Role.ADMIN})
REPORT_ROLES = frozenset({Role.MANAGER, Role.TREASURER, Role.ADMIN})
ROLE_REFUSED = "{staff} ({role}) cannot do this"


class OnDevice(BasePermission):
    """A known tablet, whether or not anybody is signed in on it (the PIN sign-in)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PosPrincipal)


class StaffRole(BasePermission):
    """A staff member signed in on a tablet, with one of `roles`."""

    roles: frozenset[str] = ALL_ROLES

    def allowed_roles(self, request) -> frozenset[str]:
        return self.roles

    def has_permission(self, request, view) -> bool:
        principal = request.auth
        if not isinstance(principal, PosPrincipal) or principal.staff is None:
            return False
        staff = principal.staff
        if staff.role in self.allowed_roles(request):
            return True
        self.message = ROLE_REFUSED.format(staff=staff.display_name, role=staff.get_role_display())
        return False


class AnyStaff(StaffRole):
    roles = ALL_ROLES


class FloorStaff(StaffRole):
    roles = FLOOR_ROLES


class ReportReader(StaffRole):
    roles = REPORT_ROLES


class FloorStaffWrites(StaffRole):
    """Any staff member reads; the floor staff write."""

    def allowed_roles(self, request) -> frozenset[str]:
        return ALL_ROLES if request.method in SAFE_METHODS else FLOOR_ROLES
