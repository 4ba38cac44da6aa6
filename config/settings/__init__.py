"""Settings: base.py is shared; dev, test and production each adjust it."""
