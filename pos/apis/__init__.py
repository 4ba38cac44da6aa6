"""The point of sale's REST API, under /api/v1/ (routes in pos/urls.py).

Thin views in the house style: one APIView per action with nested InputSerializer and
OutputSerializer, documented with @extend_schema; each calls one service or selector.

- `base.py`: the base views: device + staff authentication, JSON only, and for every POST
  input validation, the manager's approval PIN and the Idempotency-Key (pos.idempotency).
- `permissions.py`: roles, checked on the server. `fields.py`: money in and out.
- `auth.py` (PIN sign-in, me, ping), `catalog.py`, `tabs.py`, `lines.py`, `checkout.py`,
  `drawers.py`, `refunds.py`, with shared output serializers in `outputs.py`.

Money: amounts are decimal strings with exactly the currency's decimals ("12.34"); an object
that carries amounts has one `currency` field for all of them ("USD"). Requests may send
`currency` too (default USD); anything else is refused, like fractional cents and negatives.
Errors are {"code", "message", "details"} (config/api.py).
"""

from djmoney.contrib.django_rest_framework import register_money_field

# django-money >= 3.4 no longer maps its model MoneyField to its DRF field by itself.
register_money_field()
