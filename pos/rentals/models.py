"""Game rentals: models."""
