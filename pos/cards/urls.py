"""Routes of card payments: the Stripe webhook, the tablet's card API, payout reconciliation."""

from django.urls import path, re_path

from pos.apis.base import NoSuchEndpointApi
from pos.cards import apis, views

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("cards/attempts/<uuid:attempt_id>", apis.CardAttemptApi.as_view(), name="card-attempt"),
    path(
        "cards/attempts/<uuid:attempt_id>/cancel",
        apis.AttemptCancelApi.as_view(),
        name="card-attempt-cancel",
    ),
    path("cards/tabs/<int:tab_id>/holds", apis.HoldApi.as_view(), name="card-holds"),
    path("cards/holds/<uuid:hold_id>/capture", apis.HoldCaptureApi.as_view(), name="card-capture"),
    path("cards/reconciliation/", views.reconciliation, name="cards-reconciliation"),
    # Last: any other path under cards/ (an id of the wrong shape) is a JSON 404, as in /api/v1/.
    re_path(r"^cards/.*$", NoSuchEndpointApi.as_view()),
]
