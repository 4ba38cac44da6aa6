"""The ledger side of meal credits on a closing check (used by checkout's sale entry).

Kept apart from `pos.services.giving` (which closes checks through checkout) so that
checkout can use it without an import cycle.
"""

from ledger.services import Line, debit
from pos.clock import business_date
from pos.models import Payment, Tab, TabLine
from pos.models.catalog import Category
from pos.models.payments import Tender
from treasury.selectors.earmarks import policy_for
from treasury.services.meals import issue_meal_credits, redeem_meal_credits

MEAL_CREDITS = "Liabilities:PayItForward"


def giving_lines(tab: Tab, payments: list[Payment], categories: dict[int, Category]) -> list[Line]:
    """Ledger lines of a closing check's meal credits: record units bought, redeem those used.

    Called by the check's close inside its transaction with the check's categories; returns
    the redemption lines that stand for its community-credit payments (their tender side).
    An ordinary check (no meal credits, no community credit) costs no query here.
    """
    meal_categories = [c.id for c in categories.values() if c.income_account == MEAL_CREDITS]
    credits = [payment for payment in payments if payment.tender == Tender.CREDIT]
    if not meal_categories and not credits:
        return []
    day = business_date()
    bought = TabLine.objects.filter(
        tab=tab, category_id__in=meal_categories, voided_at__isnull=True
    ).values_list("id", "quantity")
    extra: list[Line] = []
    for line_id, units in bought:
        issued = issue_meal_credits(source_ref=f"meal-credits:{line_id}", units=units, on=day)
        # The check credited the price to the liability (its category's account); under the
        # restricted setting the same entry moves it to the program's restricted gifts.
        for line in issued:
            if line.account != MEAL_CREDITS:
                extra += [debit(MEAL_CREDITS, line.amount, memo=line.memo), line]
    price = policy_for(day).meal_credit_cents if credits else 0
    for payment in credits:
        units = -(-payment.amount // price)  # the credits it took, the last one maybe in part
        extra += redeem_meal_credits(
            source_ref=f"community-credit:{payment.id}", units=units,
            amount_cents=payment.amount, on=day,
        )  # fmt: skip
    return extra
