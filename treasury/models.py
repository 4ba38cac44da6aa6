"""Treasury: models."""
