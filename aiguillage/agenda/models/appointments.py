"""Appointments: a visitor booked on a slot, for a need."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda.models.contact import VisitorContact
from aiguillage.agenda.models.permanences import Slot
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, TimestampedModel


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("réservé")
    CANCELLED = "cancelled", _("annulé")
    ATTENDED = "attended", _("venu·e")
    NO_SHOW = "no_show", _("absent·e")


class CancelledBy(models.TextChoices):
    VISITOR = "visitor", _("la personne")
    STAFF = "staff", _("l'équipe")
    SYSTEM = "system", _("annulation de la permanence")


class AppointmentQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> AppointmentQuerySet:
        return self.filter(network=network)

    def holding_a_seat(self) -> AppointmentQuerySet:
        return self.exclude(status=AppointmentStatus.CANCELLED)


class Appointment(TimestampedModel, VisitorContact):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("réseau")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("créneau")
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("démarche"),
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    cancelled_by = models.CharField(
        _("annulé par"), max_length=10, choices=CancelledBy.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réservé par"),
    )
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["slot__starts_at"]
        constraints = [
            *VisitorContact.contact_constraints("appointment"),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AppointmentStatus.CANCELLED, cancelled_at__isnull=False)
                & ~Q(cancelled_by="")
                | ~Q(status=AppointmentStatus.CANCELLED) & Q(cancelled_by=""),
                name="appointment_cancel_recorded",
            ),
            models.UniqueConstraint(
                fields=["slot", "contact_key"],
                condition=~Q(status=AppointmentStatus.CANCELLED) & ~Q(contact_key=""),
                name="appointment_once_per_slot",
                violation_error_message=_("Cette personne a déjà ce créneau."),
            ),
        ]
        indexes = [models.Index(fields=["network", "status"], name="appointment_network_status")]

    def __str__(self) -> str:
        return f"{self.slot} ({self.get_status_display()})"
