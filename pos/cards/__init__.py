"""Card payments (Stripe)."""
