from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "aiguillage.catalog"
    label = "catalog"
    verbose_name = _("Catalogue des besoins")

    def ready(self) -> None:
        from aiguillage.catalog import signals

        signals.connect()
