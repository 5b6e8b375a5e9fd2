"""Permanences: a partner or a staff member present at a site, on a recurrence.

A permanence is a rule (RFC 5545, expanded with ``dateutil``). Its occurrences and
their bookable slots are materialised ahead, over a rolling window, so that a search
for a free slot is an indexed read and never an expansion of rules. A slot counts its
bookings itself, and the database refuses a count above its capacity: overbooking is
impossible whatever the server processes do.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aiguillage.accounts.models import Membership
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site, TimestampedModel
from aiguillage.core.validators import validate_single_line
from aiguillage.directory.models import Structure


class PermanenceKind(models.TextChoices):
    PARTNER = "partner", _("permanence d'un partenaire")
    STAFF = "staff", _("rendez-vous avec un·e membre de l'équipe")


class BookableBy(models.TextChoices):
    DESK = "desk", _("l'accueil seulement")
    PUBLIC = "public", _("l'accueil et le public en ligne")


class PermanenceQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> PermanenceQuerySet:
        return self.filter(network=network)

    def active(self) -> PermanenceQuerySet:
        return self.filter(is_active=True)


class Permanence(TimestampedModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="permanences", verbose_name=_("réseau")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="permanences", verbose_name=_("site")
    )
    kind = models.CharField(_("type"), max_length=10, choices=PermanenceKind.choices)
    title = models.CharField(_("intitulé"), max_length=150, validators=[validate_single_line])
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permanences",
        verbose_name=_("structure partenaire"),
    )
    partner_agent = models.CharField(
        _("agent partenaire"),
        max_length=120,
        blank=True,
        help_text=_("Nom de la personne qui tient la permanence, si elle est connue."),
        validators=[validate_single_line],
    )
    staff = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permanences",
        verbose_name=_("membre de l'équipe"),
    )
    needs = models.ManyToManyField(
        Need, related_name="permanences", blank=True, verbose_name=_("démarches traitées")
    )
    # The recurrence: an RRULE (RFC 5545) from the first date, within [starts_on, ends_on].
    rrule = models.CharField(
        _("règle de récurrence"),
        max_length=300,
        help_text=_("RFC 5545, par exemple FREQ=WEEKLY;BYDAY=TU"),
    )
    starts_on = models.DateField(_("à partir du"))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("durée d'un créneau (minutes)"),
        null=True,
        blank=True,
        help_text=_("Vide : sans rendez-vous, accueil libre."),
    )
    seats_per_slot = models.PositiveSmallIntegerField(_("places par créneau"), default=1)
    bookable_by = models.CharField(
        _("réservable par"), max_length=10, choices=BookableBy.choices, default=BookableBy.DESK
    )
    booking_cutoff_hours = models.PositiveSmallIntegerField(
        _("délai de réservation en ligne (heures)"),
        default=2,
        help_text=_("Le public ne peut plus réserver un créneau qui commence avant ce délai."),
    )
    outside_opening_hours = models.BooleanField(
        _("en dehors des horaires d'ouverture"),
        default=False,
        help_text=_(
            "À cocher quand la permanence se tient quand le site est fermé au public "
            "(un partenaire qui vient avant l'ouverture, par exemple)."
        ),
    )
    on_public_holidays = models.BooleanField(
        _("aussi les jours fériés"),
        default=False,
        help_text=_("Sans cette case, aucune date n'est créée un jour férié."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    materialised_until = models.DateField(null=True, blank=True, editable=False)

    objects = PermanenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("permanence")
        verbose_name_plural = _("permanences")
        ordering = ["site", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PermanenceKind.values), name="permanence_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(bookable_by__in=BookableBy.values), name="permanence_bookable_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=PermanenceKind.PARTNER, structure__isnull=False)
                | Q(kind=PermanenceKind.STAFF, staff__isnull=False),
                name="permanence_partner_or_staff",
                violation_error_message=_(
                    "Une permanence partenaire a une structure ; un rendez-vous d'équipe, "
                    "une personne."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="permanence_hours_ordered"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="permanence_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__isnull=True) | Q(slot_minutes__gte=5),
                name="permanence_slot_length",
            ),
            models.CheckConstraint(
                condition=Q(seats_per_slot__gte=1), name="permanence_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.site}"

    @property
    def walk_in(self) -> bool:
        return self.slot_minutes is None


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("prévue")
    CANCELLED = "cancelled", _("annulée")


class Occurrence(models.Model):
    """One day of a permanence (materialised). Cancelling it is an exception to the rule:
    it stays, cancelled, so that the next materialisation does not bring it back."""

    permanence = models.ForeignKey(Permanence, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("date de permanence")
        verbose_name_plural = _("dates de permanence")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["permanence", "starts_at"], name="occurrence_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="occurrence_times_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OccurrenceStatus.values), name="occurrence_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="occurrence_start")]

    def __str__(self) -> str:
        return f"{self.permanence.title} — {self.starts_at:%Y-%m-%d %H:%M}"


class SlotQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> SlotQuerySet:
        return self.filter(network=network)

    def free(self) -> SlotQuerySet:
        return self.filter(is_open=True, booked__lt=F("capacity"))

    def bookable_online(self) -> SlotQuerySet:
        """Slots the public may book online, full or not: public slots of an active
        permanence open to online booking, at an active public site."""
        return self.filter(
            is_public=True,
            permanence__is_active=True,
            permanence__bookable_by=BookableBy.PUBLIC,
            site__is_public=True,
            site__is_active=True,
        )


class Slot(models.Model):
    """A bookable time of an occurrence. Network, site, permanence and who may book
    are copied from the permanence so that "the next free slot" is one indexed read."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="slots")
    permanence = models.ForeignKey(Permanence, on_delete=models.CASCADE, related_name="slots")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("réservées"), default=0)
    is_public = models.BooleanField(_("réservable en ligne"), default=False)
    is_open = models.BooleanField(_("ouvert"), default=True)  # False: its occurrence is cancelled

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_times_ordered"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")),
                name="slot_never_overbooked",
                violation_error_message=_("Ce créneau est complet."),
            ),
        ]
        indexes = [
            models.Index(fields=["network", "starts_at"], name="slot_network_start"),
            models.Index(fields=["site", "starts_at"], name="slot_site_start"),
            models.Index(fields=["permanence", "starts_at"], name="slot_permanence_start"),
        ]

    def __str__(self) -> str:
        return f"{self.permanence.title} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return self.capacity - self.booked
