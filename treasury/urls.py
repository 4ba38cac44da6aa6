"""Routes of the treasury: screens under /treasurer/, the API under /api/v1/treasury/."""

from django.urls import path

from treasury import apis, views

app_name = "treasury"

urlpatterns = [
    path("treasurer/", views.dashboard_view, name="dashboard"),
    path("treasurer/close/<str:period>/", views.close_view, name="close"),
    path("treasurer/disbursements/", views.disbursements_view, name="disbursements"),
    path("treasurer/disbursements/<uuid:pk>/<str:action>/", views.disbursement_action_view,
         name="disbursement-action"),
    path("treasurer/bank/", views.bank_view, name="bank"),
    path("treasurer/policy/", views.policy_view, name="policy"),
    path("api/v1/treasury/earmarks/<str:period>", apis.EarmarkApi.as_view(), name="api-earmark"),
    path("api/v1/treasury/funds", apis.FundsApi.as_view(), name="api-funds"),
    path("api/v1/treasury/disbursements", apis.DisbursementCreateApi.as_view(),
         name="api-disbursements"),
    path("api/v1/treasury/disbursements/<uuid:pk>/<str:action>",
         apis.DisbursementActionApi.as_view(), name="api-disbursement-action"),
    path("api/v1/treasury/close/<str:period>", apis.CloseApi.as_view(), name="api-close"),
    path("api/v1/treasury/policy", apis.PolicyApi.as_view(), name="api-policy"),
]  # fmt: skip
