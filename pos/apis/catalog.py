"""The menu for the tablets, and marking an item 86'd (out of stock) or back in stock.

86-ing is open to every signed-in staff member: whoever sees the last bun go marks it.
Adding an 86'd item to a tab answers 409 item_unavailable (pos.services.tabs.add_line).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pos.apis.base import IDEMPOTENCY_KEY, PosActionApi, PosApi, errors
from pos.apis.fields import CurrencyOutputField
from pos.apis.permissions import AnyStaff, FloorStaff
from pos.models import Category, Item, Modifier, ModifierGroup
from pos.services.catalog import set_item_stock


class ModifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Modifier
        fields = ["id", "name", "price_delta"]


class ModifierGroupSerializer(serializers.ModelSerializer):
    modifiers = ModifierSerializer(many=True)

    class Meta:
        model = ModifierGroup
        fields = ["id", "name", "required", "min_choices", "max_choices", "modifiers"]


class ItemSerializer(serializers.ModelSerializer):
    modifier_groups = ModifierGroupSerializer(many=True)

    class Meta:
        model = Item
        fields = [
            "id", "category_id", "name", "price", "station", "min_age", "out_of_stock",
            "modifier_groups",
        ]  # fmt: skip


class CategorySerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True)

    class Meta:
        model = Category
        fields = ["id", "name", "kind", "tax_rate", "items"]


def menu_items():
    """Active items with their modifier groups and active modifiers."""
    modifiers = Prefetch("modifiers", queryset=Modifier.objects.filter(is_active=True))
    groups = Prefetch("modifier_groups", queryset=ModifierGroup.objects.prefetch_related(modifiers))
    return Item.objects.filter(is_active=True).prefetch_related(groups)


class CatalogApi(PosApi):
    permission_classes = [AnyStaff]

    class OutputSerializer(serializers.Serializer):
        currency = CurrencyOutputField()
        categories = CategorySerializer(many=True)

    @extend_schema(
        summary="The menu: categories, items, modifier groups and modifiers",
        responses={200: OutputSerializer, **errors()},
    )
    def get(self, request: Request) -> Response:
        categories = Category.objects.prefetch_related(Prefetch("items", queryset=menu_items()))
        return Response(self.OutputSerializer({"categories": categories}).data)


class ItemStockApi(PosActionApi):
    permission_classes = [FloorStaff]  # 86 is the floor's call, as on the tablet screens

    class InputSerializer(serializers.Serializer):
        out_of_stock = serializers.BooleanField(help_text="true: 86 it; false: back in stock.")

    @extend_schema(
        summary="Mark an item 86'd or back in stock",
        request=InputSerializer,
        responses={200: ItemSerializer, **errors(400, 404, 409)},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request, item_id: int) -> Response:
        return self.act(request, item_id=item_id)

    def perform(self, request: Request, data: dict, item_id: int) -> Response:
        principal = request.auth
        item = set_item_stock(
            item_id=item_id, staff=principal.staff, device=principal.device, **data
        )
        return Response(ItemSerializer(menu_items().get(id=item.id)).data)
