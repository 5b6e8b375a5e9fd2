"""The visitor's contact, the only personal data of the agenda.

Appointments and registrations hold it, nothing else does: a first name or pseudonym
and one way to send a reminder. It is kept minimal and ready for the retention purge,
which blanks these fields and sets ``purged_at``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    DESK = "desk", _("à l'accueil")
    ONLINE = "online", _("en ligne")


class VisitorContact(models.Model):
    # Not a column: the cancelling service sets it on the row it returns, True only for
    # the call that cancelled it (the one that journals and tells the person).
    cancelled_now: bool = False

    first_name = models.CharField(
        _("prénom ou pseudonyme"),
        max_length=60,
        help_text=_("Un prénom suffit ; un pseudonyme aussi."),
    )
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=20, blank=True, help_text=_("Au format +33…")
    )
    # The e-mail (lower case) or the phone (E.164): finds a second booking by the same
    # person, whichever case or spacing they typed.
    contact_key = models.CharField(max_length=254, blank=True, editable=False)
    consent_reminders = models.BooleanField(_("accepte les rappels"), default=False)
    accessibility_needs = models.CharField(_("besoins d'accessibilité"), max_length=200, blank=True)
    language = models.CharField(_("langue souhaitée"), max_length=40, blank=True)
    channel = models.CharField(
        _("canal"), max_length=10, choices=Channel.choices, default=Channel.DESK
    )
    # The key of the signed manage link (no account): a new key revokes old links.
    manage_key = models.CharField(max_length=43, editable=False)
    purged_at = models.DateTimeField(_("données effacées le"), null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def contact_constraints(prefix: str) -> list[models.BaseConstraint]:
        """Online, a booking needs a way to reach the person, until the purge blanks it;
        at the desk a first name is enough (the printed slip is the confirmation)."""
        reachable = ~models.Q(email="") | ~models.Q(phone="")
        return [
            models.CheckConstraint(
                condition=reachable
                | models.Q(purged_at__isnull=False)
                | models.Q(channel=Channel.DESK),
                name=f"{prefix}_reachable_or_purged",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name=f"{prefix}_channel_valid"
            ),
        ]
