"""Admin: readers are registered and assigned to stations here; the rest is read-only."""

from django.contrib import admin

from pos.cards.models import BalanceTransaction, CardAttempt, Payout, Reader, StripeEvent


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["label", "stripe_id", "station", "active"]
    list_editable = ["station", "active"]
    list_filter = ["active", "station"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the point of sale and Stripe's webhooks only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CardAttempt)
class CardAttemptAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "tab", "amount", "status", "reason", "capture_before"]
    list_filter = ["kind", "status"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "object_id", "received_at", "processed_at"]
    list_filter = ["type"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "amount", "arrival_date"]


@admin.register(BalanceTransaction)
class BalanceTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "source", "amount", "fee", "net", "payout"]
    list_filter = ["type"]
