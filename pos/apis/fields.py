"""Money in the API: `AmountField` for input (djmoney's DRF MoneyField), `CentsField` for output.

Input amounts are decimal strings (or JSON numbers) with at most the currency's decimals, in
the body's `currency` (`CurrencyField`, USD only): "12.345", "-1", "1e3" past the digit limit,
"EUR" and "abc" are refused by validation, with the field named, before any service runs.
Output amounts come from integer cents and are rendered with exactly two decimals; the answer
names their currency once (`CurrencyOutputField`).
"""

from decimal import Decimal

from django.conf import settings
from djmoney.contrib.django_rest_framework import MoneyField
from djmoney.contrib.django_rest_framework.fields import _PrimitiveMoney
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.money import format_cents

ONE_CENT = Decimal("0.01")
NOT_ACCEPTED = "This till takes {currencies} only, not {{input!r}}"


class AmountField(MoneyField):
    """A positive amount (zero too if allow_zero) of Money in the body's `currency` field."""

    def __init__(self, *, allow_zero: bool = False, **kwargs) -> None:
        super().__init__(
            max_digits=10,
            decimal_places=2,
            min_value=Decimal(0) if allow_zero else ONE_CENT,
            default_currency=settings.DEFAULT_CURRENCY,
            **kwargs,
        )

    def get_value(self, data):
        # One `currency` per body for all its amounts, instead of djmoney's `<field>_currency`.
        amount = serializers.DecimalField.get_value(self, data)
        if amount is serializers.empty or amount is None:
            return amount
        currency = data.get("currency")  # checked by the body's CurrencyField
        if not isinstance(currency, str):
            currency = self.default_currency
        return _PrimitiveMoney(amount=amount, currency=currency)


class CurrencyField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=list(settings.CURRENCIES),
            default=settings.DEFAULT_CURRENCY,
            error_messages={
                "invalid_choice": NOT_ACCEPTED.format(currencies=", ".join(settings.CURRENCIES))
            },
            help_text="Currency of every amount in this body.",
            **kwargs,
        )


@extend_schema_field(OpenApiTypes.DECIMAL)
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
