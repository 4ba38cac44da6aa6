from django.apps import AppConfig


class PosConfig(AppConfig):
    name = "pos"
    verbose_name = "Point of sale"

    def ready(self) -> None:
        # The treasury's quarterly close asks the point of sale for its cut-off and
        # reconciliations through a registry, so that the treasury never imports pos.
        from pos.close_checks import register
        from pos.web_sign_ins import connect

        register()
        connect()  # web sign-ins in the audit trail (pos.models.SignIn)
