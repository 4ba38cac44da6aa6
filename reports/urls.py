"""Routes of the reports: statements and the public transparency report."""

urlpatterns: list = []
