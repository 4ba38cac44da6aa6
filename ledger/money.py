"""Convert between Money (every boundary) and integer minor units (storage).

The ledger stores cents in BIGINT columns: exact on SQLite and PostgreSQL alike. Conversions
never round: an amount with more decimals than the currency allows is an error, and a float
is refused outright.
"""

from decimal import Decimal
from functools import cache

from djmoney.money import Money
from moneyed import get_currency

from ledger.exceptions import InvalidEntryError, SubCentAmountError

SUB_CENT_AMOUNT = "{value} has more decimals than {currency} allows; the ledger never rounds"
NOT_MONEY = "Expected a Money amount, got {value!r}"


@cache  # a currency's decimals never change; every posted line asks
def minor_unit_exponent(currency: str) -> int:
    """Return how many decimals the currency has (2 for USD)."""
    # py-moneyed gives sub_unit as a power of ten (100 for USD, 1 for JPY).
    return len(str(get_currency(currency).sub_unit)) - 1


def to_cents(value: Money) -> int:
    """Return value in minor units. Raise SubCentAmountError instead of rounding."""
    if not isinstance(value, Money) or isinstance(value.amount, float):
        raise InvalidEntryError(NOT_MONEY.format(value=value))
    currency = value.currency.code
    scaled = Decimal(value.amount).scaleb(minor_unit_exponent(currency))
    if scaled != scaled.to_integral_value():
        raise SubCentAmountError(SUB_CENT_AMOUNT.format(value=value.amount, currency=currency))
    return int(scaled)


def from_cents(cents: int, currency: str) -> Money:
    """Return a Money for an integer number of minor units."""
    return Money(Decimal(cents).scaleb(-minor_unit_exponent(currency)), currency)


def format_cents(cents: int, currency: str = "USD") -> str:
    """Return cents as a plain decimal string with exactly the currency's decimals (-12.30)."""
    exponent = minor_unit_exponent(currency)
    return f"{Decimal(cents).scaleb(-exponent):.{exponent}f}"
