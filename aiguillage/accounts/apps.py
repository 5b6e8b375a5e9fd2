from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aiguillage.accounts"
    label = "accounts"
    verbose_name = _("Équipes")

    def ready(self) -> None:
        from django.contrib.auth import signals as auth
        from django.contrib.auth.signals import user_logged_in

        from aiguillage.accounts import checks, lockout, login_journal, middleware  # noqa: F401

        lockout.connect_signals()
        user_logged_in.connect(
            middleware.start_session, dispatch_uid="aiguillage.accounts.start_session"
        )
        # Logging in, failing to and logging out are journaled with the act.
        # dispatch_uid: connected once, however many times ready() runs (tests).
        auth.user_logged_in.connect(
            login_journal.on_logged_in, dispatch_uid="privacy.journal_login"
        )
        auth.user_logged_out.connect(
            login_journal.on_logged_out, dispatch_uid="privacy.journal_logout"
        )
        auth.user_login_failed.connect(
            login_journal.on_login_failed, dispatch_uid="privacy.journal_login_failed"
        )
