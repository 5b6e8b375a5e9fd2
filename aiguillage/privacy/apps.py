from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The sensitive-data guard and the journal: what every app uses, above core only.
    What is kept how long, people's rights and the register are ``compliance``'s."""

    name = "aiguillage.privacy"
    label = "privacy"
    verbose_name = _("Données personnelles : garde et journal")
