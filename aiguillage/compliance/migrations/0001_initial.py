"""The privacy settings, the notices and the contact proofs, moved from privacy (its
0006 renamed their tables): this only takes them into compliance's state."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("privacy", "0007_models_to_compliance"),
        ("accounts", "0002_membership_feed_key"),
        ("core", "0005_rate_limit_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ContactProof",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("contact_key", models.CharField(max_length=254, verbose_name="contact")),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="code")),
                        (
                            "channel",
                            models.CharField(
                                choices=[("email", "e-mail"), ("sms", "SMS")],
                                max_length=10,
                                verbose_name="envoyé par",
                            ),
                        ),
                        ("created_at", models.DateTimeField(verbose_name="envoyé le")),
                        ("expires_at", models.DateTimeField(verbose_name="à ouvrir avant")),
                        (
                            "used_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="ouvert le"),
                        ),
                        (
                            "access_until",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="pages ouvertes jusqu'à"
                            ),
                        ),
                        (
                            "closed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="fermé le"),
                        ),
                        (
                            "network",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.network",
                                verbose_name="réseau",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "preuve de contact",
                        "verbose_name_plural": "preuves de contact",
                        "indexes": [
                            models.Index(
                                fields=["network", "contact_key", "created_at"],
                                name="contact_proof_lookup",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("expires_at__gt", models.F("created_at"))),
                                name="contact_proof_expires_after_creation",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("access_until", None), ("used_at", None)),
                                    models.Q(
                                        ("access_until__isnull", False), ("used_at__isnull", False)
                                    ),
                                    _connector="OR",
                                ),
                                name="contact_proof_opened_gives_a_time",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("channel__in", ["email", "sms"])),
                                name="contact_proof_channel_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("contact_key", ""), _negated=True),
                                name="contact_proof_has_a_key",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HabilitationNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("valid_until", models.DateField(verbose_name="fin de validité annoncée")),
                        ("sent_at", models.DateTimeField(verbose_name="envoyé le")),
                        (
                            "recipients",
                            models.PositiveSmallIntegerField(
                                verbose_name="coordinateur·rices prévenu·es"
                            ),
                        ),
                        (
                            "habilitation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.habilitation",
                                verbose_name="habilitation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "avis de fin d'habilitation",
                        "verbose_name_plural": "avis de fin d'habilitation",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("habilitation", "valid_until"),
                                name="habilitation_notice_once",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="InactivityNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("last_seen_at", models.DateTimeField(verbose_name="dernière activité")),
                        ("sent_at", models.DateTimeField(verbose_name="envoyé le")),
                        (
                            "membership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.membership",
                                verbose_name="appartenance",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "avis d'inactivité",
                        "verbose_name_plural": "avis d'inactivité",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("membership", "last_seen_at"), name="inactivity_notice_once"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PrivacySettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="créé le"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="modifié le"),
                        ),
                        (
                            "contact_days",
                            models.PositiveIntegerField(
                                default=30,
                                help_text="Nom, téléphone et e-mail laissés pour un rendez-vous ou un atelier.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(90),
                                ],
                                verbose_name="coordonnées des rendez-vous et inscriptions (jours après la date)",
                            ),
                        ),
                        (
                            "cancelled_days",
                            models.PositiveIntegerField(
                                default=7,
                                help_text="Une réservation annulée est effacée après ce délai.",
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(30),
                                ],
                                verbose_name="rendez-vous et inscriptions annulés (jours après l'annulation)",
                            ),
                        ),
                        (
                            "free_text_days",
                            models.PositiveIntegerField(
                                default=365,
                                help_text="Les notes écrites par l'équipe, déjà vérifiées à la saisie.",
                                validators=[
                                    django.core.validators.MinValueValidator(30),
                                    django.core.validators.MaxValueValidator(730),
                                ],
                                verbose_name="notes libres (jours)",
                            ),
                        ),
                        (
                            "journal_days",
                            models.PositiveIntegerField(
                                default=365,
                                help_text="Connexions, consultations de coordonnées, actes faits pour une personne.",
                                validators=[
                                    django.core.validators.MinValueValidator(183),
                                    django.core.validators.MaxValueValidator(1095),
                                ],
                                verbose_name="journal des accès (jours)",
                            ),
                        ),
                        (
                            "inactive_staff_days",
                            models.PositiveIntegerField(
                                default=183,
                                help_text="Le compte est désactivé ; la personne est prévenue 30 jours avant.",
                                validators=[
                                    django.core.validators.MinValueValidator(30),
                                    django.core.validators.MaxValueValidator(365),
                                ],
                                verbose_name="comptes de l'équipe inactifs (jours sans connexion)",
                            ),
                        ),
                        (
                            "controller_name",
                            models.CharField(
                                blank=True,
                                help_text="La collectivité ou l'établissement porteur du réseau.",
                                max_length=200,
                                verbose_name="responsable du traitement",
                            ),
                        ),
                        (
                            "dpo_name",
                            models.CharField(
                                blank=True,
                                max_length=200,
                                verbose_name="délégué à la protection des données",
                            ),
                        ),
                        (
                            "dpo_email",
                            models.EmailField(
                                blank=True, max_length=254, verbose_name="e-mail du délégué"
                            ),
                        ),
                        (
                            "dpo_address",
                            models.CharField(
                                blank=True,
                                max_length=300,
                                verbose_name="adresse postale du délégué",
                            ),
                        ),
                        (
                            "network",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="privacy_settings",
                                to="core.network",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "réglages de protection des données",
                        "verbose_name_plural": "réglages de protection des données",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("contact_days__gte", 1), ("contact_days__lte", 90)
                                ),
                                name="privacy_contact_days_in_bounds",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("cancelled_days__gte", 0), ("cancelled_days__lte", 30)
                                ),
                                name="privacy_cancelled_days_in_bounds",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("free_text_days__gte", 30), ("free_text_days__lte", 730)
                                ),
                                name="privacy_free_text_days_in_bounds",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("journal_days__gte", 183), ("journal_days__lte", 1095)
                                ),
                                name="privacy_journal_days_in_bounds",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("inactive_staff_days__gte", 30),
                                    ("inactive_staff_days__lte", 365),
                                ),
                                name="privacy_inactive_staff_days_in_bounds",
                            ),
                        ],
                    },
                ),
            ],
        )
    ]
