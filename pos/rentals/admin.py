"""Admin screens for game rentals: the catalog is edited here; sessions and deposits are read.

A new resource type is created through `create_resource_type`, so that it gets its income
account, category and item like every other one; an existing type's name and account are
fixed. Sessions, their segments, deposits and bookings change only through the services
(the tablets and the API), never here.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin

from pos.rentals.models import (
    Booking,
    Deposit,
    RatePlan,
    RateRule,
    RentalSession,
    Resource,
    ResourceType,
)
from pos.rentals.services.catalog import create_resource_type


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RatePlan)
class RatePlanAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "rate_per_hour", "increment_minutes", "rounding",
                    "price_per_game", "block_minutes", "is_default"]  # fmt: skip


@admin.register(RateRule)
class RateRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "resource_type", "weekdays", "start_time", "end_time", "kind",
                    "amount", "percent", "priority", "is_active"]  # fmt: skip


class ResourceTypeForm(forms.ModelForm):
    tax_rate = forms.DecimalField(
        max_digits=7, decimal_places=5, min_value=0, max_value=Decimal("0.99999"),
        required=False, help_text="Sales tax of its sessions, e.g. 0.08250 (for a new type).",
    )  # fmt: skip

    class Meta:
        model = ResourceType
        fields = ["name", "account_component", "rate_plan", "equipment_name", "equipment_count",
                  "missing_equipment_price", "sort_order"]  # fmt: skip

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("tax_rate") is None:
            self.add_error("tax_rate", "Give the sales tax rate of the new type's sessions")
        return data


@admin.register(ResourceType)
class ResourceTypeAdmin(admin.ModelAdmin):
    form = ResourceTypeForm
    list_display = ["name", "income_account", "rate_plan", "equipment_name", "equipment_count"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "account_component"] if obj else []

    def get_fields(self, request, obj=None):
        fields = list(ResourceTypeForm.Meta.fields)
        return fields if obj else [*fields, "tax_rate"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = create_resource_type(
            name=obj.name, account_component=obj.account_component,
            tax_rate=form.cleaned_data["tax_rate"], rate_plan=obj.rate_plan,
            equipment_name=obj.equipment_name, equipment_count=obj.equipment_count,
            missing_equipment_price=obj.missing_equipment_price, sort_order=obj.sort_order,
        )  # fmt: skip
        obj.pk = created.pk


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "status", "rate_plan"]
    list_filter = ["type", "status"]


@admin.register(RentalSession)
class RentalSessionAdmin(ReadOnlyAdmin):
    list_display = ["resource", "tab", "status", "started_at", "stopped_at", "charge"]
    list_filter = ["status", "resource__type"]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "amount", "applied", "taken_at", "hold_expires_at"]
    list_filter = ["kind", "status"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["name", "starts_at", "ends_at", "status", "tab"]
    list_filter = ["status"]
