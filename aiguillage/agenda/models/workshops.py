"""Workshops (ateliers): one session or a series, with seats and a waiting list.

A registration covers the whole series. The workshop counts its confirmed and
waiting registrations itself, and the database refuses a count above the capacity
or the waiting list's: two server processes can never both take the last seat.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aiguillage.agenda.models.contact import VisitorContact
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site, TimestampedModel
from aiguillage.core.validators import validate_single_line


class Level(models.TextChoices):
    BEGINNER = "beginner", _("débutant")
    INTERMEDIATE = "intermediate", _("intermédiaire")
    ADVANCED = "advanced", _("avancé")


class WorkshopStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publié")
    CANCELLED = "cancelled", _("annulé")


class WorkshopQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> WorkshopQuerySet:
        return self.filter(network=network)

    def published(self) -> WorkshopQuerySet:
        return self.filter(status=WorkshopStatus.PUBLISHED)

    def open_to_public(self) -> WorkshopQuerySet:
        return self.published().filter(public_registration=True, site__is_public=True)


class Workshop(TimestampedModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("réseau")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("site")
    )
    title = models.CharField(_("titre"), max_length=150, validators=[validate_single_line])
    description = models.TextField(
        _("description"), help_text=_("En français simple : ce qu'on apprend, pour qui.")
    )
    what_to_bring = models.CharField(
        _("ce qu'il faut apporter"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : « votre téléphone chargé, vos identifiants Ameli »."),
    )
    needs = models.ManyToManyField(
        Need, related_name="workshops", blank=True, verbose_name=_("démarches et savoir-faire")
    )
    level = models.CharField(
        _("niveau"), max_length=15, choices=Level.choices, default=Level.BEGINNER
    )
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("animateur·rice"),
    )
    capacity = models.PositiveSmallIntegerField(_("places"))
    waitlist_capacity = models.PositiveSmallIntegerField(_("places en liste d'attente"), default=0)
    confirmed = models.PositiveSmallIntegerField(_("inscrit·es"), default=0)
    waitlisted = models.PositiveSmallIntegerField(_("en attente"), default=0)
    desk_registration = models.BooleanField(_("inscription à l'accueil"), default=True)
    public_registration = models.BooleanField(_("inscription en ligne"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=WorkshopStatus.choices, default=WorkshopStatus.DRAFT
    )
    outside_opening_hours = models.BooleanField(
        _("en dehors des horaires d'ouverture"),
        default=False,
        help_text=_("À cocher quand une séance a lieu quand le site est fermé au public."),
    )
    on_public_holidays = models.BooleanField(
        _("aussi les jours fériés"),
        default=False,
        help_text=_("Sans cette case, une séance un jour férié est refusée."),
    )
    # The first session's start, copied so that lists of upcoming workshops are one read.
    starts_at = models.DateTimeField(_("début"), null=True, blank=True, editable=False)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="workshop_level"),
            models.CheckConstraint(
                condition=Q(status__in=WorkshopStatus.values), name="workshop_status_valid"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_capacity"),
            models.CheckConstraint(
                condition=Q(confirmed__lte=F("capacity")),
                name="workshop_never_overbooked",
                violation_error_message=_("L'atelier est complet."),
            ),
            models.CheckConstraint(
                condition=Q(waitlisted__lte=F("waitlist_capacity")),
                name="workshop_waitlist_bounded",
                violation_error_message=_("La liste d'attente est complète."),
            ),
        ]
        indexes = [models.Index(fields=["network", "starts_at"], name="workshop_network_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return self.capacity - self.confirmed

    @property
    def waitlist_left(self) -> int:
        return self.waitlist_capacity - self.waitlisted


class WorkshopSession(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "starts_at"], name="workshop_session_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="workshop_session_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop.title} — {self.starts_at:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("inscrit·e")
    WAITLISTED = "waitlisted", _("en liste d'attente")
    CANCELLED = "cancelled", _("annulée")


ACTIVE_REGISTRATION = Q(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])


class RegistrationQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> RegistrationQuerySet:
        return self.filter(network=network)

    def active(self) -> RegistrationQuerySet:
        return self.filter(ACTIVE_REGISTRATION)

    def waiting_in_order(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "pk")


class Registration(TimestampedModel, VisitorContact):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("réseau")
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("état"), max_length=10, choices=RegistrationStatus.choices)
    cancelled_by = models.CharField(
        _("annulée par"),
        max_length=10,
        blank=True,
        choices=[("visitor", _("la personne")), ("staff", _("l'équipe"))],
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("sortie de la liste d'attente le"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inscrit·e par"),
    )
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at"]
        constraints = [
            *VisitorContact.contact_constraints("registration"),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_valid",
            ),
            models.UniqueConstraint(
                fields=["workshop", "contact_key"],
                condition=ACTIVE_REGISTRATION & ~Q(contact_key=""),
                name="registration_once_per_workshop",
                violation_error_message=_("Cette personne est déjà inscrite à cet atelier."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workshop} ({self.get_status_display()})"


class Attendance(models.Model):
    """Who came to which session (taken on the printable sheet or the tablet)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("présent·e"))

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} — {gettext('présent·e') if self.present else gettext('absent·e')}"
