"""Resource types and resources, and the rates a resource bills at.

A resource type is data: `create_resource_type` creates, in one transaction, its income
account (Income:Rentals:Games:<Component>, a child of Income:Rentals:Games, opened on its
parent's date), a point-of-sale category that credits it and an item (inactive: never sold
from the menu) for its sessions' tab lines. A closed check then posts game time to the
resource type's own account through the ordinary sale entry, and the trial balance shows
rental income by resource type.
"""

from decimal import Decimal

from django.db import transaction
from djmoney.money import Money

from ledger.models import Account
from ledger.money import to_cents
from pos.exceptions import InvalidInputError
from pos.models import Category, Item
from pos.pricing import RuleView
from pos.rentals.billing import RateTable
from pos.rentals.models import RatePlan, RateRule, Resource, ResourceType

GAMES_ACCOUNT = "Income:Rentals:Games"
NO_PLAN = "{resource} has no rate plan, and there is no default plan"
COMPONENT = "{component!r} is not an account component: a capital letter, then letters or digits"


@transaction.atomic
def create_resource_type(
    *,
    name: str,
    account_component: str,
    tax_rate: Decimal,
    rate_plan: RatePlan | None = None,
    equipment_name: str = "",
    equipment_count: int = 0,
    missing_equipment_price: Money | None = None,
    sort_order: int = 0,
) -> ResourceType:
    """Create a resource type with its income account, category and item (idempotent by name)."""
    existing = ResourceType.objects.filter(name=name).first()
    if existing is not None:
        return existing
    if not account_component[:1].isupper() or not account_component.isalnum():
        raise InvalidInputError(COMPONENT.format(component=account_component))
    income = f"{GAMES_ACCOUNT}:{account_component}"
    parent = Account.objects.get(name=GAMES_ACCOUNT)
    account = Account(
        name=income,
        parent=parent,
        root_type=parent.root_type,
        normal_side=parent.normal_side,
        currency=parent.currency,
        opened_on=parent.opened_on,
        description=f"{name} rentals",
    )
    account.full_clean()
    account.save()
    category = Category.objects.create(
        name=name,
        kind=Category.Kind.GAMES,
        income_account=income,
        tax_rate=tax_rate,
        sort_order=100 + sort_order,
    )
    item = Item.objects.create(
        category=category,
        name=f"{name} time",
        price=_headline_price(rate_plan),
        is_active=False,
    )
    return ResourceType.objects.create(
        name=name,
        account_component=account_component,
        income_account=income,
        category=category,
        item=item,
        rate_plan=rate_plan,
        equipment_name=equipment_name,
        equipment_count=equipment_count,
        missing_equipment_price=missing_equipment_price or Money(0, "USD"),
        sort_order=sort_order,
    )


def _headline_price(plan: RatePlan | None) -> Money:
    # The item is never sold from the menu; its price only shows what the type costs.
    if plan is None:
        return Money("0.01", "USD")
    return {
        RatePlan.Kind.PER_TIME: plan.rate_per_hour,
        RatePlan.Kind.PER_GAME: plan.price_per_game,
        RatePlan.Kind.PREPAID_BLOCK: plan.block_price,
    }[plan.kind]


def plan_for(resource: Resource) -> RatePlan:
    """The resource's own plan, else its type's, else the default. Raise InvalidInputError."""
    plan = resource.rate_plan or resource.type.rate_plan
    plan = plan or RatePlan.objects.filter(is_default=True).first()
    if plan is None:
        raise InvalidInputError(NO_PLAN.format(resource=resource.name))
    return plan


def plan_snapshot(plan: RatePlan) -> dict:
    """The billing plan as stored on a session (cents), so later edits change no session."""
    return {
        "name": plan.name,
        "kind": plan.kind,
        "increment_minutes": plan.increment_minutes,
        "rounding": plan.rounding,
        "grace_minutes": plan.grace_minutes,
        "minimum": to_cents(plan.minimum_charge),
        "cap": to_cents(plan.cap_per_session) if plan.cap_per_session is not None else None,
        "day_cap": to_cents(plan.cap_per_day) if plan.cap_per_day is not None else None,
        "per_player": plan.per_player,
        "price_per_game": to_cents(plan.price_per_game),
        "block_minutes": plan.block_minutes,
        "block_price": to_cents(plan.block_price),
    }


def rate_table(resource: Resource, plan: RatePlan) -> RateTable:
    """The hourly rates of a resource: its plan's rate, replaced by time rules in their windows."""
    source = "resource" if resource.rate_plan_id else "type" if resource.type.rate_plan_id else ""
    label = f"{plan.name} ({source} rate)" if source else f"{plan.name} (default rate)"
    rules = RateRule.objects.filter(is_active=True).filter(
        resource_type__isnull=True
    ) | RateRule.objects.filter(is_active=True, resource_type_id=resource.type_id)
    return RateTable(
        base_rate=to_cents(plan.rate_per_hour),
        base_label=label,
        rules=tuple(RuleView.of(rule) for rule in rules.order_by("id")),
    )
