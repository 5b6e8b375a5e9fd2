"""Staff: who works at the desk, in which network, in which role, with which qualifications.

A user exists once; what it may do depends on its Membership of a network (role,
salaried or not) and on its dated Habilitations there. Aidants Connect ("faire
pour") needs a salaried member with a valid habilitation whose perimeter covers the
démarche's theme: the data model makes that question cheap to answer.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiguillage.core.models import Network, TimestampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account. Visitors of the desk never get one."""

    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("administrateur technique"),
        default=False,
        help_text=_("Accès à l'administration technique de l'instance."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinateur·rice")
    LIBRARIAN = "librarian", _("bibliothécaire")
    DIGITAL_MEDIATOR = "digital_mediator", _("médiateur·rice numérique")
    VOLUNTEER = "volunteer", _("bénévole")
    PARTNER_AGENT = "partner_agent", _("agent partenaire")


def new_feed_key() -> str:
    return secrets.token_hex(16)


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True, network__is_active=True)

    def of_network(self, network: Network) -> MembershipQuerySet:
        return self.filter(network=network)

    def salaried(self) -> MembershipQuerySet:
        return self.filter(is_salaried=True)


class Membership(TimestampedModel):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne")
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("réseau")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    is_salaried = models.BooleanField(
        _("salarié·e"),
        default=True,
        help_text=_("Seul un·e salarié·e peut être habilité·e Aidants Connect."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    # A secret of the member's private calendar link (aiguillage.agenda.feeds): drawn
    # anew when the member renews the link, so that every earlier link stops working
    # even if nothing else about the membership changed.
    feed_key = models.CharField(
        _("clé du lien d'agenda"), max_length=32, default=new_feed_key, editable=False
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        ordering = ["network", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.VOLUNTEER, is_salaried=True),
                name="membership_volunteer_not_salaried",
                violation_error_message=_("Un·e bénévole n'est pas salarié·e."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.network} ({self.get_role_display()})"


class HabilitationKind(models.TextChoices):
    AIDANTS_CONNECT = "aidants_connect", _("Aidants Connect")
    DIGITAL_ADVISER = "conseiller_numerique", _("Conseiller numérique")
    FRANCE_SERVICES = "france_services", _("Agent France services")
    OTHER = "other", _("Autre")


class HabilitationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> HabilitationQuerySet:
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day)
        )

    def of_kind(self, kind: str) -> HabilitationQuerySet:
        return self.filter(kind=kind)

    def covering_theme(self, theme) -> HabilitationQuerySet:
        return self.filter(themes=theme)


class Habilitation(TimestampedModel):
    """A dated qualification. We keep its reference, never a scan of the document."""

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="habilitations",
        verbose_name=_("appartenance"),
    )
    kind = models.CharField(_("type"), max_length=30, choices=HabilitationKind.choices)
    label = models.CharField(
        _("intitulé"), max_length=150, blank=True, help_text=_("Pour le type « Autre ».")
    )
    reference = models.CharField(
        _("référence"),
        max_length=100,
        blank=True,
        help_text=_("Numéro ou identifiant de l'habilitation (pas de document)."),
    )
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    themes = models.ManyToManyField(
        "catalog.Theme",
        blank=True,
        related_name="habilitations",
        verbose_name=_("périmètre (thèmes)"),
        help_text=_("Pour Aidants Connect : les thèmes couverts par les mandats."),
    )

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        ordering = ["membership", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="habilitation_dates_ordered",
                violation_error_message=_("La fin de validité précède son début."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=HabilitationKind.values),
                name="habilitation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.membership.user}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
