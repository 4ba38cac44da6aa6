"""Treasury."""
