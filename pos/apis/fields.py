"""Money in the API: `AmountField` for input, `CentsField` for output.

Input amounts go through the project's one money parser, config.fields.MoneyInputField (the
treasury's API uses it too): decimal strings (or JSON numbers) with at most two decimals, in
the body's `currency` (`CurrencyField`, USD only): "12.345", "-1", "1e3", "NaN", "١٢٣", "EUR"
and "abc" are refused by validation, with the field named, before any service runs.
Output amounts come from integer cents and are rendered with exactly two decimals; the answer
names their currency once (`CurrencyOutputField`).
"""

from decimal import Decimal

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.fields import CurrencyField, MoneyInputField
from ledger.money import format_cents

ONE_CENT = Decimal("0.01")
__all__ = ["ONE_CENT", "AmountField", "CentsField", "CurrencyField", "CurrencyOutputField"]


class AmountField(MoneyInputField):
    """Money input of the point of sale: the project's one parser (config.fields)."""


# A string, as rendered: a JSON number would invite clients to parse money as a float.
CENTS_SCHEMA = {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$",
                "example": "17.86"}  # fmt: skip


@extend_schema_field(CENTS_SCHEMA)
class CentsField(serializers.Field):
    """Integer cents rendered as a decimal string: 1786 -> "17.86"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: int) -> str:
        return format_cents(value)


@extend_schema_field(OpenApiTypes.STR)
class CurrencyOutputField(serializers.Field):
    """The currency of an answer's amounts (the till's: settings.DEFAULT_CURRENCY)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value) -> str:
        return settings.DEFAULT_CURRENCY
