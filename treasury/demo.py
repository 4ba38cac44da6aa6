"""The demo treasury: groups for the demo sign-ins and a first earmark policy.

Called by `manage.py demo` (pos/demo.py) with the demo's web sign-ins and their roles.
Idempotent: the policy is created only when there is none.
"""

from decimal import Decimal

from django.contrib.auth.models import Group

from ledger.chart import CHART_OPENED_ON
from treasury.accounts import ensure_treasury_accounts
from treasury.models import TreasuryPolicy
from treasury.roles import BOARD, TREASURER
from treasury.services.policy import set_policy

DEMO_POLICY = {
    "floor_percent": Decimal("5"),
    "share_percent": Decimal("40"),
    "weights": {"community-fridge": 60, "skill-share": 40},
    "dual_approval_cents": 50000,
    "pay_it_forward_mode": TreasuryPolicy.PayItForwardMode.LIABILITY,
    "meal_credit_cents": 1000,
    "rollover_days": 30,
    "rollover_program": "community-fridge",
}


def load_demo_treasury(users_by_role: dict[str, list]) -> TreasuryPolicy:
    """Put the treasurer and board sign-ins in their groups; return the policy in force."""
    ensure_treasury_accounts()
    for role in (TREASURER, BOARD):
        group, _ = Group.objects.get_or_create(name=role)
        for user in users_by_role.get(role, []):
            user.groups.add(group)
    policy = TreasuryPolicy.objects.order_by("version").first()
    if policy is None:
        approver = (users_by_role.get(BOARD) or users_by_role[TREASURER])[0]
        policy = set_policy(
            user=approver,
            effective_from=CHART_OPENED_ON,
            note="The board's first earmark policy.",
            **DEMO_POLICY,
        )
    return policy
