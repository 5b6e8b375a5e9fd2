from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aiguillage.accounts"
    label = "accounts"
    verbose_name = _("Équipes")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from aiguillage.accounts import checks, lockout, middleware  # noqa: F401 (checks register)

        lockout.connect_signals()
        user_logged_in.connect(
            middleware.start_session, dispatch_uid="aiguillage.accounts.start_session"
        )
