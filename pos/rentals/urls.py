"""Routes of Game rentals."""

urlpatterns: list = []
