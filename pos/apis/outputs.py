"""Output serializers shared by several endpoints: tabs, lines, adjustments, payments, tickets.

A tab is answered whole (`describe_tab`): header with its `version` (send it back to rename),
lines with their sent and voided state and their share of discounts and comps, adjustments,
payments and the figures (subtotal, discounts, comps, tax, total, paid, due). Amounts are
decimal strings in the tab's `currency`.
"""

from django.db.models import Prefetch
from rest_framework import serializers

from pos.apis.base import StaffRefSerializer
from pos.apis.fields import CentsField, CurrencyOutputField
from pos.exceptions import NotFoundError
from pos.models import Adjustment, Payment, Tab, TabLine, Ticket, TicketLine
from pos.pricing import CheckFigures
from pos.selectors import amount_paid, figures_of, tab_figures
from pos.services.tabs import TAB_NOT_FOUND

LINE_RELATED = ("added_by", "voided_by", "void_approved_by")
HEADER_FIELDS = (
    "id", "client_id", "name", "table", "status", "version", "opened_by", "device_id",
    "opened_at", "merged_into_id", "closed_at", "business_date",
)  # fmt: skip


class ChosenModifierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    delta = CentsField(help_text="Price change of the item, per unit.")


class LineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tab_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    name = serializers.CharField()
    station = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = CentsField(help_text="After any happy hour, modifiers included.")
    list_price = CentsField(help_text="Menu price, modifiers included.")
    amount = CentsField(help_text="quantity x unit_price")
    price_rule = serializers.CharField(help_text="The happy hour applied, if any.")
    modifiers = ChosenModifierSerializer(many=True)
    note = serializers.CharField()
    added_by = StaffRefSerializer()
    device_id = serializers.IntegerField()
    added_at = serializers.DateTimeField()
    sent = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField(allow_null=True)
    voided = serializers.SerializerMethodField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()
    voided_by = StaffRefSerializer(allow_null=True)
    void_approved_by = StaffRefSerializer(allow_null=True)

    def get_sent(self, line: TabLine) -> bool:
        return line.sent_at is not None

    def get_voided(self, line: TabLine) -> bool:
        return line.voided_at is not None


class LineAnswerSerializer(LineSerializer):
    """A line on its own (added, voided), with the currency of its amounts."""

    currency = CurrencyOutputField()


class TabLineSerializer(LineSerializer):
    discount = CentsField()
    comp = CentsField()
    net = CentsField(help_text="amount - discount - comp (0 once voided)")


class AdjustmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tab_id = serializers.IntegerField()
    line_id = serializers.UUIDField(allow_null=True)
    kind = serializers.CharField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount = CentsField(allow_null=True)
    reason = serializers.CharField()
    created_by = StaffRefSerializer()
    approved_by = StaffRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class AdjustmentAnswerSerializer(AdjustmentSerializer):
    currency = CurrencyOutputField()


class PaymentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tab_id = serializers.IntegerField()
    tender = serializers.CharField()
    status = serializers.CharField()
    amount = CentsField(help_text="Applied to the check, tip excluded.")
    tip = CentsField()
    tendered = CentsField(help_text="Cash handed over (cash only).")
    change = CentsField()
    created_by = StaffRefSerializer()
    device_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class FiguresSerializer(serializers.Serializer):
    subtotal = CentsField()
    discounts = CentsField()
    comps = CentsField()
    tax = CentsField()
    total = CentsField(help_text="subtotal - discounts - comps + tax; tips excluded.")
    paid = CentsField()
    due = CentsField()


class TabHeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The check number.")
    client_id = serializers.UUIDField()
    name = serializers.CharField()
    table = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back to rename the tab.")
    opened_by = StaffRefSerializer()
    device_id = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    age_checked = serializers.BooleanField()
    merged_into_id = serializers.IntegerField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    business_date = serializers.DateField(allow_null=True)
    currency = CurrencyOutputField()
    figures = FiguresSerializer()


class TabSerializer(TabHeaderSerializer):
    lines = TabLineSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)
    payments = PaymentSerializer(many=True)


class TicketLineSerializer(serializers.Serializer):
    line_id = serializers.UUIDField()
    name = serializers.CharField(source="line.name")
    quantity = serializers.IntegerField(source="line.quantity")
    modifiers = serializers.SerializerMethodField()
    note = serializers.CharField(source="line.note")

    def get_modifiers(self, ticket_line: TicketLine) -> list[str]:
        return [modifier["name"] for modifier in ticket_line.line.modifiers]


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tab_id = serializers.IntegerField()
    tab_name = serializers.CharField(source="tab.name")
    table = serializers.CharField(source="tab.table")
    station = serializers.CharField()
    kind = serializers.CharField(help_text="order: make it; cancel: stop making it.")
    created_by = StaffRefSerializer()
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    lines = TicketLineSerializer(many=True)


def ticket_queryset():
    return Ticket.objects.select_related("tab", "created_by").prefetch_related(
        Prefetch("lines", queryset=TicketLine.objects.select_related("line"))
    )


def tab_header(tab: Tab, figures: CheckFigures | None = None, *, paid: int | None = None) -> dict:
    """The tab's header and figures, as TabHeaderSerializer reads them (read unless given)."""
    figures = tab_figures(tab) if figures is None else figures
    paid = amount_paid(tab) if paid is None else paid
    return {
        **{name: getattr(tab, name) for name in HEADER_FIELDS},
        "age_checked": tab.age_checked_at is not None,
        "figures": {
            "subtotal": figures.subtotal,
            "discounts": figures.discounts,
            "comps": figures.comps,
            "tax": figures.tax,
            "total": figures.total,
            "paid": paid,
            "due": figures.total - paid,
        },
    }


def describe_tab(tab_id: int) -> dict:
    """The whole tab, as TabSerializer reads it."""
    tab = Tab.objects.select_related("opened_by").filter(id=tab_id).first()
    if tab is None:
        raise NotFoundError(TAB_NOT_FOUND.format(tab=tab_id))
    # The figures come from the rows the answer shows: no second read of lines or payments.
    lines = list(tab.lines.select_related(*LINE_RELATED))
    adjustments = list(
        Adjustment.objects.filter(tab=tab)
        .select_related("created_by", "approved_by")
        .order_by("created_at", "id")
    )
    payments = list(Payment.objects.filter(tab=tab).select_related("created_by"))
    figures = figures_of([line for line in lines if line.voided_at is None], adjustments)
    per_line = {f.line_id: f for f in figures.lines}
    for line in lines:
        share = per_line.get(line.id)  # None once voided
        line.discount, line.comp, line.net = (
            (share.discount, share.comp, share.net) if share else (0, 0, 0)
        )
    paid = sum(p.amount for p in payments if p.status == Payment.Status.CAPTURED)
    return {
        **tab_header(tab, figures, paid=paid),
        "lines": lines,
        "adjustments": adjustments,
        "payments": payments,
    }
