"""Notices sent before something expires, remembered so each is sent once.

Two things expire with a warning: a staff member's membership, deactivated after too
long without a login (the person is told beforehand), and an Aidants Connect
habilitation (the network's coordinators are told beforehand). Each notice is keyed
on what it warned about, so a new period is warned about again: a staff member who
logs in after the notice starts a new period (``last_seen_at`` changes), and a renewed
habilitation has a new ``valid_until``. The unique constraints make two overlapping
runs send a notice once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aiguillage.accounts.models import Habilitation, Membership


class InactivityNotice(models.Model):
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("appartenance"),
    )
    # The last activity the notice counted from (login, account or membership creation).
    last_seen_at = models.DateTimeField(_("dernière activité"))
    sent_at = models.DateTimeField(_("envoyé le"))

    class Meta:
        verbose_name = _("avis d'inactivité")
        verbose_name_plural = _("avis d'inactivité")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "last_seen_at"], name="inactivity_notice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"inactivity notice of membership {self.membership_id}"


class HabilitationNotice(models.Model):
    habilitation = models.ForeignKey(
        Habilitation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("habilitation"),
    )
    # The expiry the coordinators were told about.
    valid_until = models.DateField(_("fin de validité annoncée"))
    sent_at = models.DateTimeField(_("envoyé le"))
    recipients = models.PositiveSmallIntegerField(_("coordinateur·rices prévenu·es"))

    class Meta:
        verbose_name = _("avis de fin d'habilitation")
        verbose_name_plural = _("avis de fin d'habilitation")
        constraints = [
            models.UniqueConstraint(
                fields=["habilitation", "valid_until"], name="habilitation_notice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"expiry notice of habilitation {self.habilitation_id}"
