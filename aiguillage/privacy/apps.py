from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "aiguillage.privacy"
    label = "privacy"
    verbose_name = _("Données personnelles : garde, conservation, journal, droits")

    def ready(self) -> None:
        from django.contrib.auth import signals as auth

        from aiguillage.privacy import signals

        # dispatch_uid: connected once, however many times ready() runs (tests).
        auth.user_logged_in.connect(signals.on_logged_in, dispatch_uid="privacy.journal_login")
        auth.user_logged_out.connect(signals.on_logged_out, dispatch_uid="privacy.journal_logout")
        auth.user_login_failed.connect(
            signals.on_login_failed, dispatch_uid="privacy.journal_login_failed"
        )
