"""Routes of Card payments (Stripe)."""

urlpatterns: list = []
