"""The audit journal: append-only, hash-chained rows nobody can rewrite.

Each entry stores the hash of the previous entry and the hash of its own content
(which includes the previous hash), so changing, inserting or removing a row behind
the application's back breaks the chain at that row (``verify_journal``). The ORM
refuses updates and deletes; on PostgreSQL a trigger refuses them too (migration
0002). Entries hold ids, roles and kinds, never a visitor's identity: what was done,
by which staff member, on which object.

The one sanctioned removal is the retention purge of the oldest entries
(``purge_before``): it removes a prefix of the chain and moves the head's anchor to
the last removed entry's hash, so the chain stays verifiable from its first row. On
PostgreSQL only the database function ``privacy_journal_purge`` (migration 0006,
running as the tables' owner) may do that: the triggers refuse it to everyone else.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class JournalAction(models.TextChoices):
    LOGIN = "login", _("connexion")
    LOGIN_FAILED = "login_failed", _("échec de connexion")
    LOGOUT = "logout", _("déconnexion")
    LOCKED_OUT = "locked_out", _("compte bloqué après des échecs")
    OTP_DEVICE_ADDED = "otp_device_added", _("double authentification activée")
    OTP_DEVICE_REMOVED = "otp_device_removed", _("double authentification retirée")
    OTP_VERIFIED = "otp_verified", _("code de double authentification accepté")
    OTP_FAILED = "otp_failed", _("code de double authentification refusé")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("codes de secours créés")
    RECOVERY_CODE_USED = "recovery_code_used", _("code de secours utilisé")
    PASSWORD_RESET = "password_reset", _("mot de passe réinitialisé")
    PASSWORD_CHANGED = "password_changed", _("mot de passe changé")
    CONTACT_VIEWED = "contact_viewed", _("coordonnées consultées")
    CONTACT_EXPORTED = "contact_exported", _("coordonnées exportées")
    BOOKING_MADE = "booking_made", _("rendez-vous pris par l'équipe")
    BOOKING_CANCELLED = "booking_cancelled", _("rendez-vous annulé par l'équipe")
    REGISTRATION_MADE = "registration_made", _("inscription faite par l'équipe")
    REGISTRATION_CANCELLED = "registration_cancelled", _("inscription annulée par l'équipe")
    ACT_FOR = "act_for", _("démarche faite pour une personne (mandat)")
    IMPORT = "import", _("import")
    CHARTER_CHANGED = "charter_changed", _("charte modifiée")
    PERMISSION_CHANGED = "permission_changed", _("rôle ou accès modifié")
    RETENTION_CHANGED = "retention_changed", _("durées de conservation modifiées")
    PURGE = "purge", _("purge des données expirées")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("compte désactivé pour inactivité")
    RIGHTS_ACCESS = "rights_access", _("demande d'accès aux données")
    RIGHTS_ERASURE = "rights_erasure", _("demande d'effacement des données")
    CONTACT_PROOF_SENT = "contact_proof_sent", _("lien de vérification envoyé à un contact")
    CONTACT_PROOF_USED = "contact_proof_used", _("lien de vérification ouvert")
    PARTNER_DAY_LIST_SENT = "partner_day_list_sent", _("liste du jour envoyée à un partenaire")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a journal entry through the ORM."""


class JournalEntryQuerySet(models.QuerySet):
    def of_network(self, network) -> JournalEntryQuerySet:
        return self.filter(network_id=network.pk)

    def update(self, **kwargs):
        raise AppendOnlyError("The audit journal is append-only: entries are never updated.")

    def delete(self):
        raise AppendOnlyError("The audit journal is append-only: entries are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit journal is append-only: entries are never updated.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError("Journal entries are written one by one by journal.record().")


class JournalEntry(models.Model):
    # The position in the chain: gapless, so a removed row shows as a missing number.
    seq = models.PositiveBigIntegerField(_("numéro"), unique=True)
    created_at = models.DateTimeField(_("date"))
    action = models.CharField(_("action"), max_length=40, choices=JournalAction.choices)
    # Plain ids, not foreign keys: the journal outlives what it speaks of and never
    # cascades, blocks a deletion, or is rewritten by one.
    network_id = models.BigIntegerField(_("réseau"), null=True, blank=True)
    actor_id = models.BigIntegerField(_("auteur"), null=True, blank=True)
    # The staff member's login e-mail at the time ("" for the system or a visitor's own act).
    actor_label = models.CharField(_("auteur (libellé)"), max_length=254, blank=True)
    actor_role = models.CharField(_("rôle"), max_length=30, blank=True)
    object_type = models.CharField(_("type d'objet"), max_length=60, blank=True)
    object_id = models.CharField(_("identifiant d'objet"), max_length=60, blank=True)
    # Counts, kinds, references and ids: never a visitor's name, contact or free text.
    details = models.JSONField(_("détails"), default=dict, blank=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["network_id", "seq"], name="journal_network_seq"),
            models.Index(fields=["created_at"], name="journal_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=JournalAction.values), name="journal_action_valid"
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="journal_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit journal is append-only: entries are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit journal is append-only: entries are never deleted.")


class JournalHead(models.Model):
    """The one row that says where the chain ends and where it starts.

    Writers take it (an UPDATE first: the write lock on SQLite, the row lock on
    PostgreSQL) so entries are numbered and chained one at a time. ``anchor_*`` is
    the last entry removed by a retention purge (0 and the genesis hash before any),
    with the time it was written (``verify`` fails if that is too recent: entries
    purged before any retention allows). Only the purge moves the anchor.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    anchor_seq = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # Unknown for an anchor set before migration 0006, and before any purge.
    anchor_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="journal_head_single_row"),
            models.CheckConstraint(
                condition=models.Q(anchor_seq__lte=models.F("last_seq")),
                name="journal_head_anchor_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"journal head #{self.last_seq}"
