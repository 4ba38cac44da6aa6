"""Card payments (Stripe): models."""
