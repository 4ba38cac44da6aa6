"""Money input, one parser for every API (the point of sale's and the treasury's).

`MoneyInputField` takes an amount as a decimal string ("12.50") or a JSON number (12.5) and
gives a `Money` in the body's `currency` (`CurrencyField`: the till's currencies only, USD).
It refuses, with a message naming what is wrong, anything that is not exactly a number of
cents within bounds: booleans, lists and objects, "", NaN and infinities, exponents ("1e3"),
digits other than ASCII 0-9 (Arabic-Indic or fullwidth ones, which Python's Decimal reads),
more than two decimals ("12.345": never rounded), zero or negative amounts (zero where
`allow_zero`), and anything past `max_value` (1e30). Long strings are refused unparsed.

It replaces djmoney's DRF MoneyField in our serializers: that one reads the currency from
`<field>_currency` (so any currency code got through) and accepts non-ASCII digits.
"""

import math
import re
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from djmoney.money import Money
from drf_spectacular.utils import extend_schema_field
from moneyed.classes import CurrencyDoesNotExist
from rest_framework import serializers

PLACES = 2
MAX_AMOUNT = Decimal("99999999.99")
MAX_LENGTH = 32  # longer than any amount up to MAX_AMOUNT, with room for spaces
AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # ASCII digits; a sign is refused after parsing
CURRENCY_NOT_ACCEPTED = "This till takes {currencies} only, not {{input!r}}"


@extend_schema_field({
    "type": "string", "format": "decimal", "pattern": r"^[0-9]{1,8}(?:\.[0-9]{1,2})?$",
    "example": "12.50", "description": "Dollars and cents, in the body's currency.",
})  # fmt: skip
class MoneyInputField(serializers.Field):
    """A positive amount (zero too if allow_zero) as Money in the body's `currency`."""

    default_error_messages = {
        "invalid": "Give an amount like 12.50 (digits 0-9, a dot, two decimals), not {input!r}",
        "too_long": "An amount has at most {max_length} characters",
        "places": "At most two decimals (whole cents): {input!r} is not rounded for you",
        "not_positive": "The amount must be more than zero, not {input!r}",
        "negative": "The amount cannot be negative, not {input!r}",
        "too_large": "The amount can be at most {max_value}, not {input!r}",
        "currency": "{currency!r} is not a currency",
    }

    def __init__(
        self, *, allow_zero: bool = False, max_value: Decimal = MAX_AMOUNT, **kwargs
    ) -> None:
        self.allow_zero = allow_zero
        self.max_value = max_value
        super().__init__(**kwargs)

    def get_value(self, data):
        # One `currency` for all the amounts of a body (checked by the body's CurrencyField).
        amount = super().get_value(data)
        if amount is serializers.empty or amount is None:
            return amount
        currency = data.get("currency") if isinstance(data, Mapping) else None
        if not isinstance(currency, str) or not currency:
            currency = settings.DEFAULT_CURRENCY
        return (amount, currency)

    def to_internal_value(self, data) -> Money:
        amount, currency = data if isinstance(data, tuple) else (data, settings.DEFAULT_CURRENCY)
        value = self.parse(amount)
        try:
            return Money(value, currency)
        except (CurrencyDoesNotExist, TypeError, ValueError):
            self.fail("currency", currency=currency)

    def parse(self, amount) -> Decimal:
        """The amount as an exact Decimal within bounds. Raise ValidationError."""
        if isinstance(amount, bool):  # a bool is an int to Python; true is not one dollar
            self.fail("invalid", input=amount)
        if isinstance(amount, int):
            value = Decimal(amount)
        elif isinstance(amount, float):
            if not math.isfinite(amount):
                self.fail("invalid", input=amount)
            value = Decimal(repr(amount))  # the JSON number as written: 12.5 -> "12.5"
        elif isinstance(amount, str):
            text = amount.strip()
            if len(text) > MAX_LENGTH:
                self.fail("too_long", max_length=MAX_LENGTH)
            if not AMOUNT.fullmatch(text):
                self.fail("invalid", input=amount)
            value = Decimal(text)
        else:
            self.fail("invalid", input=amount)
        if -value.as_tuple().exponent > PLACES:  # finite by construction: an int exponent
            self.fail("places", input=amount)
        if value > self.max_value:
            self.fail("too_large", input=amount, max_value=self.max_value)
        if value < 0:
            self.fail("negative", input=amount)
        if value == 0 and not self.allow_zero:
            self.fail("not_positive", input=amount)
        return value.quantize(Decimal(1).scaleb(-PLACES))

    def to_representation(self, value) -> str:
        amount = value.amount if isinstance(value, Money) else Decimal(value)
        return f"{amount:.{PLACES}f}"


class CurrencyField(serializers.ChoiceField):
    """The body's currency: one of settings.CURRENCIES (the till takes USD only)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=list(settings.CURRENCIES),
            default=settings.DEFAULT_CURRENCY,
            error_messages={
                "invalid_choice": CURRENCY_NOT_ACCEPTED.format(
                    currencies=", ".join(settings.CURRENCIES)
                )
            },
            help_text="Currency of every amount in this body.",
            **kwargs,
        )
