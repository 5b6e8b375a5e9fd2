"""A network's privacy settings: how long each category of data is kept, and who answers.

One row per network, written the first time a coordinator changes a value; until then
the defaults below apply (``PrivacySettings.for_network`` returns an unsaved row with
them). Each duration has bounds the database enforces: the defaults follow the CNIL's
guidance for appointment services and access logs, and no network may keep contact
data for months nor an audit journal for less than six months.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiguillage.core.models import Network, TimestampedModel


@dataclass(frozen=True)
class Bounds:
    default: int
    minimum: int
    maximum: int


# Days. "contact": a booking's or registration's contact data, after its date;
# "cancelled": a cancelled booking or registration, after its cancellation;
# "free_text": interaction free text, if any; "journal": audit journal entries;
# "inactive_staff": a staff account with no login for this long is deactivated.
RETENTION_BOUNDS: dict[str, Bounds] = {
    "contact_days": Bounds(default=30, minimum=1, maximum=90),
    "cancelled_days": Bounds(default=7, minimum=0, maximum=30),
    "free_text_days": Bounds(default=365, minimum=30, maximum=730),
    "journal_days": Bounds(default=365, minimum=183, maximum=1095),
    "inactive_staff_days": Bounds(default=183, minimum=30, maximum=365),
}
# Staff are told this many days before their account is deactivated for inactivity.
INACTIVITY_NOTICE_DAYS = 30


def _days(name: str, label: str, help_text: str) -> models.PositiveIntegerField:
    bounds = RETENTION_BOUNDS[name]
    return models.PositiveIntegerField(
        label,
        default=bounds.default,
        validators=[MinValueValidator(bounds.minimum), MaxValueValidator(bounds.maximum)],
        help_text=help_text,
    )


class PrivacySettings(TimestampedModel):
    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="privacy_settings"
    )
    contact_days = _days(
        "contact_days",
        _("coordonnées des rendez-vous et inscriptions (jours après la date)"),
        _("Nom, téléphone et e-mail laissés pour un rendez-vous ou un atelier."),
    )
    cancelled_days = _days(
        "cancelled_days",
        _("rendez-vous et inscriptions annulés (jours après l'annulation)"),
        _("Une réservation annulée est effacée après ce délai."),
    )
    free_text_days = _days(
        "free_text_days",
        _("notes libres (jours)"),
        _("Les notes écrites par l'équipe, déjà vérifiées à la saisie."),
    )
    journal_days = _days(
        "journal_days",
        _("journal des accès (jours)"),
        _("Connexions, consultations de coordonnées, actes faits pour une personne."),
    )
    inactive_staff_days = _days(
        "inactive_staff_days",
        _("comptes de l'équipe inactifs (jours sans connexion)"),
        _("Le compte est désactivé ; la personne est prévenue 30 jours avant."),
    )
    # Who answers for the processing (RGPD art. 30 and the public notice).
    controller_name = models.CharField(
        _("responsable du traitement"),
        max_length=200,
        blank=True,
        help_text=_("La collectivité ou l'établissement porteur du réseau."),
    )
    dpo_name = models.CharField(
        _("délégué à la protection des données"), max_length=200, blank=True
    )
    dpo_email = models.EmailField(_("e-mail du délégué"), blank=True)
    dpo_address = models.CharField(_("adresse postale du délégué"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("réglages de protection des données")
        verbose_name_plural = _("réglages de protection des données")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__gte": b.minimum, f"{name}__lte": b.maximum}),
                name=f"privacy_{name}_in_bounds",
            )
            for name, b in RETENTION_BOUNDS.items()
        ]

    def __str__(self) -> str:
        return f"privacy settings of {self.network_id}"

    @classmethod
    def for_network(cls, network: Network) -> PrivacySettings:
        """The network's settings, or the defaults (unsaved) when it never changed them."""
        found = cls.objects.filter(network=network).first()
        return found if found is not None else cls(network=network)
