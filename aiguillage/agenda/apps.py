from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "aiguillage.agenda"
    label = "agenda"
    verbose_name = _("Agenda : permanences, rendez-vous, ateliers")
