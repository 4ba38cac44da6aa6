"""Game rentals."""
