from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public portal: what a network offers, its agenda, booking without an account."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "aiguillage.public"
    verbose_name = _("Portail public")
