from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """What the network did and what it could not do: reads across the domains (the desk's
    demand, the agenda's offer, the directory's coverage), above all of them."""

    name = "aiguillage.reporting"
    label = "reporting"
    verbose_name = _("Activité et couverture")
