from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo network: the top layer, it may import every app and none imports it."""

    name = "aiguillage.demo"
    label = "demo"
    verbose_name = _("Réseau de démonstration")
