"""Exceptional closures: a site, or the whole network, closed on a date or a period.

"Fermé du 24 décembre au 2 janvier", "fermeture exceptionnelle le 12 mars, inventaire".
No date of a permanence is created then and nothing can be booked; declaring one
cancels what was booked in the period (agenda.services.closures).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aiguillage.core.models import Network, Site
from aiguillage.core.validators import validate_single_line


class ClosureQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> ClosureQuerySet:
        return self.filter(network=network)

    def of_site(self, site: Site) -> ClosureQuerySet:
        """The site's own closures and the whole network's."""
        return self.filter(network_id=site.network_id).filter(Q(site=site) | Q(site__isnull=True))

    def overlapping(self, first: datetime.date, last: datetime.date) -> ClosureQuerySet:
        return self.filter(starts_on__lte=last, ends_on__gte=first)


class Closure(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="closures", verbose_name=_("réseau")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("site"),
        help_text=_("Vide : tout le réseau est fermé."),
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"))
    reason = models.CharField(
        _("motif"),
        max_length=120,
        blank=True,
        help_text=_("Dit au public et dans les messages : « inventaire », « congés »."),
        validators=[validate_single_line],
    )
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déclarée par"),
    )

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="closure_dates_ordered",
                violation_error_message=_("La fin de la fermeture est avant son début."),
            ),
        ]
        indexes = [models.Index(fields=["network", "ends_on"], name="closure_network_end")]

    def __str__(self) -> str:
        return f"{self.site or self.network}: {self.starts_on} - {self.ends_on}"

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on
