"""Routes of card payments: the Stripe webhook, a card attempt's state, payout reconciliation."""

from django.urls import path

from pos.cards import views

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path(
        "cards/attempts/<uuid:attempt_id>",
        views.CardAttemptApi.as_view(),
        name="card-attempt",
    ),
    path("cards/reconciliation/", views.reconciliation, name="cards-reconciliation"),
]
