"""Routes of the tablet screens and the kitchen display."""

urlpatterns: list = []
