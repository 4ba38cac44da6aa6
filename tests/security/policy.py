"""Who may reach what: the access policy of every route, as a table people can read.

The roles are a real venue's: cashiers ring up sales (tabs, lines, payments, their drawer);
managers do that and approve overrides (voids, comps, refunds, drawer variances, by PIN on the
services' side), read drawer reports and the audit trail, and retire tablets; the treasurer
keeps the books (treasury screens and API, statements, payout reconciliation); board members
read the books and vote or approve as the treasury's rules say; the admin runs the system (the
floor, the Django admin) but, by separation of duties, is not in the treasury groups; the
public sees the home page, /healthz, the transparency report and the API's description.

A rule here is the gate in front of the route: "allowed" means the request got past the
sign-in and role checks (it may then be a 400 for an empty body or a 404 for an id that does
not exist); "denied" is a 401 or 403, or a redirect to a sign-in page. Finer rules behind the
gate (separation of duties in the treasury, manager PINs for overrides) belong to the
services and are tested with them (tests/treasury, tests/pos).

The tablet screens are a tablet signed in once (its token) and a floor member signed in by
PIN; the treasurer and the board cannot sign in on them. The API takes the tablet's token and a
staff token from POST /api/v1/auth/pin, which any staff member may get: the permission
classes decide (pos.apis.permissions). The treasury, statements and admin use Django's
session sign-in (the admin's login form).
"""

ANONYMOUS, CASHIER, MANAGER, TREASURER, BOARD, ADMIN = (
    "anonymous", "cashier", "manager", "treasurer", "board", "admin",
)  # fmt: skip
ROLES = (ANONYMOUS, CASHIER, MANAGER, TREASURER, BOARD, ADMIN)

PUBLIC = frozenset(ROLES)
STAFF = frozenset(ROLES) - {ANONYMOUS}  # any staff member (on the API: with a staff token)
DEVICE = STAFF  # a tablet signed in with its token, whoever stands at it
FLOOR = frozenset({CASHIER, MANAGER, ADMIN})
REPORTS = frozenset({MANAGER, TREASURER, ADMIN})  # drawer X/Z reports with figures
TREASURY = frozenset({TREASURER, BOARD})
TREASURER_ONLY = frozenset({TREASURER})
WEB_STAFF = frozenset({MANAGER, TREASURER, BOARD, ADMIN})  # those with a web sign-in
MANAGERS = frozenset({MANAGER, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})
NOBODY = frozenset()

# (route as the URL resolver spells it, method): who may. Every route of config.urls must be
# here (tests/security/test_access_matrix.py fails on a route or method without a rule).
POLICY: dict[tuple[str, str], frozenset[str]] = {
    # Public
    ("", "GET"): PUBLIC,
    ("healthz", "GET"): PUBLIC,
    ("api/schema/", "GET"): PUBLIC,  # the API's description; every endpoint needs a token
    ("api/docs/", "GET"): PUBLIC,
    ("api/v1/^.*$", "GET"): PUBLIC,  # a JSON 404 for any unknown API path
    ("^cards/.*$", "GET"): PUBLIC,  # the same under cards/
    ("stripe/webhook/", "POST"): PUBLIC,  # Stripe's signature is its credential (tests/cards)
    ("transparency/", "GET"): PUBLIC,
    ("transparency/seals.json", "GET"): PUBLIC,
    ("transparency/<slug:slug>/", "GET"): PUBLIC,
    ("transparency/<slug:slug>.pdf", "GET"): PUBLIC,
    ("transparency/<slug:slug>.json", "GET"): PUBLIC,
    ("transparency/<slug:slug>.zip", "GET"): PUBLIC,
    ("transparency/<slug:slug>/v<int:version>/", "GET"): PUBLIC,
    ("transparency/<slug:slug>/v<int:version>.pdf", "GET"): PUBLIC,
    ("transparency/<slug:slug>/v<int:version>.json", "GET"): PUBLIC,
    ("transparency/<slug:slug>/v<int:version>.zip", "GET"): PUBLIC,
    # Tablet screens: signing in
    ("tablet/", "GET"): FLOOR,  # sends the others to a sign-in screen
    ("tablet/device", "GET"): PUBLIC,
    ("tablet/device", "POST"): PUBLIC,
    ("tablet/pin", "GET"): DEVICE,
    ("tablet/pin", "POST"): DEVICE,
    ("tablet/lock", "POST"): PUBLIC,  # signing out (it answers with the PIN screen)
    # Tablet screens: the floor
    ("tablet/stock", "GET"): DEVICE,  # 86'd items, polled by every screen
    ("tablet/items/<uid:item_id>/stock", "POST"): FLOOR,
    ("tablet/tabs", "GET"): FLOOR,
    ("tablet/tabs", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/ticket", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/lines", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/send", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/repeat", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/split", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/split", "POST"): FLOOR,
    ("tablet/lines/<uuid:line_id>/remove", "POST"): FLOOR,
    ("tablet/lines/<uuid:line_id>/void", "GET"): FLOOR,
    ("tablet/lines/<uuid:line_id>/void", "POST"): FLOOR,  # a sent line: a manager's PIN
    ("tablet/tabs/<uid:tab_id>/pay", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/pay/cash", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/pay/card", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/round-up", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/pay/credit", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/pay/card/<uuid:payment_id>/cancel", "POST"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/receipt", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/refund", "GET"): FLOOR,
    ("tablet/tabs/<uid:tab_id>/refund", "POST"): FLOOR,  # a manager's PIN (service)
    ("tablet/closed", "GET"): FLOOR,
    ("tablet/drawer", "GET"): FLOOR,  # blind for cashiers (figures: managers)
    ("tablet/drawer/open", "POST"): FLOOR,
    ("tablet/drawer/<uuid:session_id>/movement", "POST"): FLOOR,
    ("tablet/drawer/<uuid:session_id>/close", "POST"): FLOOR,  # a variance: a manager's PIN
    ("tablet/drawer/<uuid:session_id>/report", "GET"): FLOOR,  # blind for cashiers
    ("tablet/rentals/", "GET"): FLOOR,
    ("tablet/rentals/start", "POST"): FLOOR,
    ("tablet/rentals/sessions/<uuid:session_id>", "GET"): FLOOR,
    ("tablet/rentals/sessions/<uuid:session_id>/<slug:action>", "POST"): FLOOR,
    ("reports/receipts/<int:tab_id>.pdf", "GET"): FLOOR,
    # The kitchen display: a tablet, nobody signs in on it
    ("kitchen/", "GET"): DEVICE,
    ("kitchen/tickets", "GET"): DEVICE,
    ("kitchen/tickets/<uid:ticket_id>/bump", "POST"): DEVICE,
    # The point-of-sale API (Device token + X-Staff-Token)
    ("api/v1/auth/pin", "POST"): DEVICE,
    ("api/v1/auth/me", "GET"): STAFF,
    ("api/v1/ping", "GET"): STAFF,
    ("api/v1/catalog", "GET"): STAFF,
    ("api/v1/items/<id:item_id>/stock", "POST"): FLOOR,  # 86 (was any staff: fixed)
    ("api/v1/tabs", "GET"): STAFF,
    ("api/v1/tabs", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>", "GET"): STAFF,
    ("api/v1/tabs/<id:tab_id>/rename", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/lines", "POST"): FLOOR,
    ("api/v1/lines/<uuid:line_id>/void", "POST"): FLOOR,  # sent lines: a manager's PIN
    ("api/v1/tabs/<id:tab_id>/send", "POST"): FLOOR,
    ("api/v1/tickets", "GET"): STAFF,
    ("api/v1/tabs/<id:tab_id>/transfer", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/merge", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/split", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/even-split", "GET"): STAFF,
    ("api/v1/tabs/<id:tab_id>/adjustments", "POST"): FLOOR,  # comps, big discounts: a PIN
    ("api/v1/tabs/<id:tab_id>/payments", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/close", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/donations", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/round-up", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/meal-credits", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/community-credit", "POST"): FLOOR,
    ("api/v1/tabs/<id:tab_id>/reopen", "POST"): FLOOR,  # a manager's PIN
    ("api/v1/tabs/<id:tab_id>/refunds", "POST"): FLOOR,  # a manager's PIN
    ("api/v1/drawers/<id:drawer_id>/open", "POST"): FLOOR,
    ("api/v1/drawer-sessions/<uuid:session_id>/movements", "POST"): FLOOR,
    ("api/v1/drawer-sessions/<uuid:session_id>/close", "POST"): FLOOR,
    ("api/v1/drawer-sessions/<uuid:session_id>/report", "GET"): REPORTS,
    ("pos/drawers/sessions/<uuid:session_id>/report", "GET"): REPORTS,  # token or web
    ("api/v1/rentals/board", "GET"): STAFF,
    ("api/v1/rentals/resources/<resource:resource_id>/status", "POST"): FLOOR,
    ("api/v1/rentals/sessions", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>", "GET"): STAFF,
    ("api/v1/rentals/sessions/<uuid:session_id>/pause", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/resume", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/players", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/games", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/extend", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/transfer", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/adjustments", "POST"): FLOOR,
    ("api/v1/rentals/sessions/<uuid:session_id>/stop", "POST"): FLOOR,
    ("api/v1/rentals/deposits", "GET"): STAFF,
    ("api/v1/rentals/deposits", "POST"): FLOOR,
    ("api/v1/rentals/deposits/<uuid:deposit_id>/return", "POST"): FLOOR,
    ("api/v1/rentals/deposits/<uuid:deposit_id>/forfeit", "POST"): FLOOR,
    ("api/v1/rentals/deposits/<uuid:deposit_id>/apply", "POST"): FLOOR,
    ("api/v1/rentals/bookings", "GET"): STAFF,
    ("api/v1/rentals/bookings", "POST"): FLOOR,
    ("api/v1/rentals/bookings/<uuid:booking_id>/arrive", "POST"): FLOOR,
    ("api/v1/rentals/bookings/<uuid:booking_id>/no-show", "POST"): FLOOR,
    ("api/v1/rentals/bookings/<uuid:booking_id>/cancel", "POST"): FLOOR,
    ("cards/attempts/<uuid:attempt_id>", "GET"): FLOOR,
    ("cards/attempts/<uuid:attempt_id>/cancel", "POST"): FLOOR,
    ("cards/tabs/<int:tab_id>/holds", "POST"): FLOOR,
    ("cards/holds/<uuid:hold_id>/capture", "POST"): FLOOR,
    # Back office (Django session)
    ("cards/reconciliation/", "GET"): WEB_STAFF,
    ("reports/statements/", "GET"): WEB_STAFF,
    ("reports/statements/<slug:name>/", "GET"): WEB_STAFF,
    ("reports/statements/<slug:name>.csv", "GET"): WEB_STAFF,
    ("reports/transparency/", "GET"): TREASURY,  # drafted by the treasurer, approved by
    ("reports/transparency/", "POST"): TREASURY,  # the board (was any web sign-in: fixed)
    ("reports/transparency/<str:period>/preview/", "GET"): TREASURY,
    ("treasurer/", "GET"): TREASURY,
    ("treasurer/close/<str:period>/", "GET"): TREASURY,
    ("treasurer/close/<str:period>/", "POST"): TREASURER_ONLY,
    ("treasurer/disbursements/", "GET"): TREASURY,
    ("treasurer/disbursements/", "POST"): TREASURY,
    ("treasurer/disbursements/<uuid:pk>/<str:action>/", "POST"): TREASURY,
    ("treasurer/bank/", "GET"): TREASURY,
    ("treasurer/bank/", "POST"): TREASURY,  # importing and matching: the treasurer (service)
    ("treasurer/policy/", "GET"): TREASURY,
    ("api/v1/treasury/earmarks/<str:period>", "GET"): TREASURY,
    ("api/v1/treasury/funds", "GET"): TREASURY,
    ("api/v1/treasury/disbursements", "POST"): TREASURY,
    ("api/v1/treasury/disbursements/<uuid:pk>/<str:action>", "POST"): TREASURY,
    ("api/v1/treasury/close/<str:period>", "GET"): TREASURY,
    ("api/v1/treasury/close/<str:period>", "POST"): TREASURER_ONLY,  # (the service says)
    ("api/v1/treasury/policy", "POST"): TREASURY,
    # The Django admin's own pages (each model's pages: ADMIN_MODELS below)
    ("admin/", "GET"): WEB_STAFF,  # what each sees in it is ADMIN_MODELS
    ("admin/login/", "GET"): PUBLIC,
    ("admin/logout/", "POST"): PUBLIC,  # signing out
    ("admin/password_change/", "GET"): WEB_STAFF,
    ("admin/password_change/done/", "GET"): WEB_STAFF,
    ("admin/autocomplete/", "GET"): NOBODY,  # no admin here has autocomplete fields: 403
    ("admin/jsi18n/", "GET"): WEB_STAFF,
    ("admin/r/<path:content_type_id>/<path:object_id>/", "GET"): WEB_STAFF,
    ("admin/^APPS/$", "GET"): WEB_STAFF,  # an app's models one may see
    ("admin/(?P<url>.*)$", "GET"): WEB_STAFF,  # the admin's 404 for staff
}

# Each model in the Django admin: who sees its list, and who may open its "add" form.
ADMIN_MODELS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "ledger.program": (ADMIN_ONLY, ADMIN_ONLY),
    "ledger.account": (ADMIN_ONLY, ADMIN_ONLY),
    "ledger.journalentry": (ADMIN_ONLY, NOBODY),  # posted entries are never edited
    "ledger.period": (ADMIN_ONLY, NOBODY),
    "rentals.rateplan": (ADMIN_ONLY, ADMIN_ONLY),
    "rentals.raterule": (ADMIN_ONLY, ADMIN_ONLY),
    "rentals.resourcetype": (ADMIN_ONLY, ADMIN_ONLY),
    "rentals.resource": (ADMIN_ONLY, ADMIN_ONLY),
    "rentals.rentalsession": (ADMIN_ONLY, NOBODY),
    "rentals.deposit": (ADMIN_ONLY, NOBODY),
    "rentals.booking": (ADMIN_ONLY, NOBODY),
    "cards.reader": (ADMIN_ONLY, ADMIN_ONLY),
    "cards.cardattempt": (ADMIN_ONLY, NOBODY),
    "cards.stripeevent": (ADMIN_ONLY, NOBODY),
    "cards.payout": (ADMIN_ONLY, NOBODY),
    "cards.balancetransaction": (ADMIN_ONLY, NOBODY),
    "pos.activity": (MANAGERS, NOBODY),  # the audit trail: read-only, for managers
    "pos.signin": (MANAGERS, NOBODY),
    "pos.device": (MANAGERS, NOBODY),  # managers retire tablets (an action on the list)
    "auth.user": (ADMIN_ONLY, ADMIN_ONLY),
    "auth.group": (ADMIN_ONLY, ADMIN_ONLY),
}
