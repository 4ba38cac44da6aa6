"""Views of the reports app: the public transparency pages and the staff-only screens."""
