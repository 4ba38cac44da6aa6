"""The point of sale in the Django admin: the audit trail (read-only) and retiring tablets.

Managers and admins (pos.models.Role, read from the signed-in user's StaffMember) see the
floor's activity, every sign-in attempt and the tablets, and may retire a tablet; nobody edits
or deletes an audit row here, not even a superuser. Other staff with a web sign-in (the
treasurer, the board) see none of it.
"""

from django.contrib import admin, messages

from pos.exceptions import PosError
from pos.models import Activity, Device, Role, SignIn
from pos.services.devices import retire_device


def _is_manager(request) -> bool:
    staff = getattr(request.user, "staff", None)
    return request.user.is_active and staff is not None and staff.role in (Role.MANAGER, Role.ADMIN)


class ManagersReadOnly(admin.ModelAdmin):
    """Visible to managers and admins; never added, changed or deleted through the admin."""

    def has_module_permission(self, request) -> bool:
        return _is_manager(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_manager(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ManagersReadOnly):
    list_display = ["at", "action", "staff", "device", "approved_by", "tab"]
    list_filter = ["action", "device"]
    search_fields = ["action", "staff__display_name"]
    date_hierarchy = "at"
    list_select_related = ["staff", "device", "approved_by", "tab"]


@admin.register(SignIn)
class SignInAdmin(ManagersReadOnly):
    list_display = ["at", "kind", "outcome", "staff", "device", "username", "address"]
    list_filter = ["kind", "outcome", "device"]
    search_fields = ["staff__display_name", "username"]
    date_hierarchy = "at"
    list_select_related = ["staff", "device"]


@admin.register(Device)
class DeviceAdmin(ManagersReadOnly):
    list_display = ["name", "station", "drawer", "is_active", "last_seen_at"]
    list_filter = ["is_active"]
    exclude = ["token_hash"]  # only a hash, but nothing anybody needs to read
    actions = ["retire"]

    def has_retire_permission(self, request) -> bool:
        return _is_manager(request)

    @admin.action(description="Retire the selected tablets (their tokens stop working now)",
                  permissions=["retire"])  # fmt: skip
    def retire(self, request, queryset) -> None:
        for device in queryset.filter(is_active=True):
            try:
                retire_device(device=device, by=request.user.staff)
            except PosError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
            self.message_user(request, f"Retired {device.name}.")
