"""The needs catalog: what people come to the desk for.

A Need is a concrete démarche or digital skill. It is national reference data
(shared by every network, shipped as data migrations), and it carries the mappings
that let the rest of Aiguillage talk to the outside standards: data·inclusion
thématiques (directory), lieux ``services`` (open data), La Coop thématiques
(activity reports).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiguillage.catalog.vocabularies import (
    DATA_INCLUSION_RESEAUX_PORTEURS,
    DATA_INCLUSION_THEMATIQUES,
    CoopDemarcheSubtheme,
    CoopThematique,
    LieuxService,
)


class ThemeFamily(models.TextChoices):
    DEMARCHES = "demarches", _("Démarches (service-public.fr)")
    DIGITAL = "digital", _("Numérique")


class ThemeQuerySet(models.QuerySet):
    def demarches(self) -> ThemeQuerySet:
        return self.filter(family=ThemeFamily.DEMARCHES)


class Theme(models.Model):
    """A service-public.fr top-level theme, or the digital-skills family."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    family = models.CharField(_("famille"), max_length=20, choices=ThemeFamily.choices)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    coop_subtheme = models.CharField(
        _("sous-thématique démarche (La Coop)"),
        max_length=40,
        choices=CoopDemarcheSubtheme.choices,
        blank=True,
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family__in=ThemeFamily.values), name="theme_family_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Operator(models.Model):
    """A body that owns démarches (DGFiP, CAF, ANTS…)."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=40, blank=True)
    website = models.URLField(_("site web"), blank=True)
    reseau_porteur = models.CharField(
        _("réseau porteur data·inclusion"),
        max_length=60,
        blank=True,
        help_text=_("Code du référentiel data·inclusion v1, quand il existe."),
    )
    aliases = models.JSONField(
        _("autres noms"),
        default=list,
        blank=True,
        help_text=_("Anciens noms et variantes (Pôle emploi → France Travail)."),
    )

    class Meta:
        verbose_name = _("opérateur")
        verbose_name_plural = _("opérateurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        if self.reseau_porteur and self.reseau_porteur not in DATA_INCLUSION_RESEAUX_PORTEURS:
            raise ValidationError(
                {"reseau_porteur": _("Ce code n'existe pas dans le référentiel data·inclusion.")}
            )


class Sensitivity(models.TextChoices):
    """The most sensitive kind of data the démarche exposes at the desk."""

    NONE = "none", _("aucune")
    PERSONAL = "personal", _("données personnelles")
    FINANCIAL = "financial", _("données financières")
    HEALTH = "health", _("données de santé")
    JUDICIAL = "judicial", _("données judiciaires")
    IDENTITY = "identity", _("données d'identité")


class NeedQuerySet(models.QuerySet):
    def active(self) -> NeedQuerySet:
        return self.filter(is_active=True)

    def of_theme(self, theme: Theme) -> NeedQuerySet:
        return self.filter(theme=theme)

    def sensitive(self) -> NeedQuerySet:
        return self.exclude(sensitivity__in=[Sensitivity.NONE, Sensitivity.PERSONAL])

    def for_search(self) -> NeedQuerySet:
        return self.active().select_related("theme").prefetch_related("operators")


class Need(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=150, unique=True)
    description = models.TextField(_("description"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="needs", verbose_name=_("thème")
    )
    operators = models.ManyToManyField(
        Operator, related_name="needs", blank=True, verbose_name=_("opérateurs")
    )
    online_service_url = models.URLField(_("service en ligne"), blank=True)
    sensitivity = models.CharField(
        _("sensibilité des données"), max_length=20, choices=Sensitivity.choices
    )
    requires_email = models.BooleanField(_("adresse e-mail nécessaire"), default=False)
    requires_franceconnect = models.BooleanField(
        _("compte FranceConnect nécessaire"), default=False
    )
    requires_scan = models.BooleanField(_("documents numérisés nécessaires"), default=False)
    documents = models.JSONField(_("documents à apporter"), default=list, blank=True)
    di_thematiques = models.JSONField(_("thématiques data·inclusion"), default=list)
    lieux_services = models.JSONField(_("services (standard des lieux)"), default=list)
    coop_thematique = models.CharField(
        _("thématique La Coop"), max_length=40, choices=CoopThematique.choices
    )
    coop_subtheme = models.CharField(
        _("sous-thématique démarche La Coop"),
        max_length=40,
        choices=CoopDemarcheSubtheme.choices,
        blank=True,
    )
    synonyms = models.JSONField(_("synonymes"), default=list, blank=True)
    popularity = models.PositiveSmallIntegerField(
        _("fréquence à l'accueil"),
        default=0,
        help_text=_(
            "Plus la valeur est haute, plus la demande est fréquente (départage la recherche)."
        ),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    # Since the ANTS and ANEF reforms, some démarches are online only: no mairie or
    # préfecture counter receives for them (the engine sends nobody there), only the
    # places that accompany online démarches (France services, mediation) and the
    # library itself.
    has_counter = models.BooleanField(
        _("un guichet de l'administration reçoit"),
        default=True,
        help_text=_(
            "Décochez pour une démarche uniquement en ligne (carte grise, permis, titre de "
            "séjour…) : l'orientation n'envoie alors personne en mairie ni en préfecture."
        ),
    )
    # The variant of this démarche for a first time (the first income declaration): the
    # desk, told it is the first time, proposes it and its own checklist.
    first_time_variant = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("variante pour une première fois"),
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["theme__position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sensitivity__in=Sensitivity.values),
                name="need_sensitivity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(coop_thematique__in=CoopThematique.values),
                name="need_coop_thematique_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(coop_subtheme="")
                | models.Q(coop_thematique=CoopThematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES),
                name="need_coop_subtheme_only_for_demarches",
            ),
            models.CheckConstraint(
                condition=~models.Q(first_time_variant=models.F("pk")),
                name="need_first_time_variant_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        unknown = set(self.di_thematiques or []) - DATA_INCLUSION_THEMATIQUES
        if unknown:
            errors["di_thematiques"] = _("Thématiques data·inclusion inconnues : %s") % ", ".join(
                sorted(unknown)
            )
        bad_services = set(self.lieux_services or []) - set(LieuxService.values)
        if bad_services:
            errors["lieux_services"] = _(
                "Services inconnus du standard des lieux : %s"
            ) % ", ".join(sorted(bad_services))
        if errors:
            raise ValidationError(errors)
