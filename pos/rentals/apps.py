from django.apps import AppConfig


class RentalsConfig(AppConfig):
    name = "pos.rentals"
    label = "rentals"
    verbose_name = "Game rentals"
