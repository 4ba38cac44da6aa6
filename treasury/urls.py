"""Routes of Treasury."""

urlpatterns: list = []
