from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "pos.cards"
    label = "cards"
    verbose_name = "Card payments (Stripe)"
