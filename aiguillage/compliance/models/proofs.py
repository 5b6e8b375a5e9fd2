"""Proof that a person owns an e-mail address or a phone: a one-time link sent to it.

A manage link opens its own booking only: anyone may book a slot with someone else's
e-mail and receive that booking's link on the confirmation page or in the API's
answer, so holding a manage link proves nothing about the contact it names. Seeing,
downloading or erasing *everything* a network holds under a contact therefore needs
this proof: a link sent to that e-mail (or, without one, by text message to that
mobile phone), to be opened within a short time, once. Opening it gives the pages
of that contact for a short while more (``access_until``); erasing ends it.

A proof holds the contact key it was sent to (a personal datum, like a booking's):
the daily purge deletes it once it is over (``ContactProofQuerySet.over``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aiguillage.core.models import Network


class ProofChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class ContactProofQuerySet(models.QuerySet):
    def of_network(self, network: Network) -> ContactProofQuerySet:
        return self.filter(network=network)

    def of_contact(self, network: Network, contact_key: str) -> ContactProofQuerySet:
        return self.filter(network=network, contact_key=contact_key)

    def unopened(self, now: datetime.datetime) -> ContactProofQuerySet:
        """Sent, still to be opened, not yet expired."""
        return self.filter(used_at=None, closed_at=None, expires_at__gt=now)

    def granting(self, now: datetime.datetime) -> ContactProofQuerySet:
        """Opened, and the pages it opened are still open."""
        return self.filter(used_at__isnull=False, closed_at=None, access_until__gt=now)

    def over(self, now: datetime.datetime) -> ContactProofQuerySet:
        """Nothing can be done with these any more: the purge deletes them."""
        return self.exclude(Q(used_at=None, closed_at=None, expires_at__gt=now)).exclude(
            used_at__isnull=False, closed_at=None, access_until__gt=now
        )


class ContactProof(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau")
    )
    contact_key = models.CharField(_("contact"), max_length=254)
    # The secret of the link: random, unique, short enough for a text message.
    code = models.CharField(_("code"), max_length=32, unique=True)
    channel = models.CharField(_("envoyé par"), max_length=10, choices=ProofChannel.choices)
    created_at = models.DateTimeField(_("envoyé le"))
    expires_at = models.DateTimeField(_("à ouvrir avant"))
    used_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    access_until = models.DateTimeField(_("pages ouvertes jusqu'à"), null=True, blank=True)
    closed_at = models.DateTimeField(_("fermé le"), null=True, blank=True)

    objects = ContactProofQuerySet.as_manager()

    class Meta:
        verbose_name = _("preuve de contact")
        verbose_name_plural = _("preuves de contact")
        indexes = [
            models.Index(
                fields=["network", "contact_key", "created_at"], name="contact_proof_lookup"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="contact_proof_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_at=None, access_until=None)
                | Q(used_at__isnull=False, access_until__isnull=False),
                name="contact_proof_opened_gives_a_time",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ProofChannel.values), name="contact_proof_channel_valid"
            ),
            models.CheckConstraint(condition=~Q(contact_key=""), name="contact_proof_has_a_key"),
        ]

    def __str__(self) -> str:
        return f"ContactProof {self.pk} ({self.channel})"
