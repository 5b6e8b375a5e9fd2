"""The territorial directory: the structures a desk orients people to.

Structures are public facts (open data or typed by staff), shared by every network;
what a network thinks of a structure (partnership, notes) will live in rows owned by
that network. Every row keeps its provenance so that re-imports update in place.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiguillage.core.constraints import coordinates_in_range, insee_code_format
from aiguillage.core.models import TimestampedModel
from aiguillage.core.validators import validate_insee_code, validate_postcode

MANUAL_SOURCE = "saisie"


class StructureQuerySet(models.QuerySet):
    def active(self) -> StructureQuerySet:
        return self.filter(is_active=True)

    def covering(self, need) -> StructureQuerySet:
        return self.filter(covered_needs=need)


class Structure(TimestampedModel):
    name = models.CharField(_("nom"), max_length=250)
    typology = models.CharField(
        _("type"), max_length=100, blank=True, help_text=_("France services, CAF, CCAS…")
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    reseaux_porteurs = models.JSONField(
        _("réseaux porteurs (data·inclusion)"), default=list, blank=True
    )
    address = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5, validators=[validate_postcode])
    commune_name = models.CharField(_("commune"), max_length=150)
    commune_insee = models.CharField(
        _("code commune INSEE"), max_length=5, blank=True, validators=[validate_insee_code]
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    opening_hours = models.CharField(
        _("horaires (OpenStreetMap)"),
        max_length=500,
        blank=True,
        help_text=_("Conservés tels quels même s'ils sont illisibles ; voir l'indicateur."),
    )
    opening_hours_valid = models.BooleanField(_("horaires lisibles"), default=True)
    description = models.TextField(_("présentation"), blank=True)
    covered_needs = models.ManyToManyField(
        "catalog.Need", blank=True, related_name="structures", verbose_name=_("besoins traités")
    )
    source = models.CharField(_("source"), max_length=60, default=MANUAL_SOURCE)
    source_id = models.CharField(_("identifiant dans la source"), max_length=120)
    source_updated_at = models.DateField(_("mise à jour dans la source"), null=True, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="structure_unique_source_id"
            ),
            insee_code_format(
                field="commune_insee", name="structure_commune_insee_format", blank=True
            ),
            coordinates_in_range(name="structure_coordinates_in_range", nullable=True),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="structure_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune_name})"


def department_of(insee_code: str) -> str:
    """The département code an INSEE commune code starts with (3 characters overseas)."""
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    ARRONDISSEMENT = "arrondissement", _("arrondissement municipal")


class CommuneQuerySet(models.QuerySet):
    def located(self) -> CommuneQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def of_department(self, code: str) -> CommuneQuerySet:
        return self.filter(department=code)


class Commune(models.Model):
    """A French commune (or a municipal arrondissement of Paris, Lyon, Marseille).

    Keyed by its INSEE code. Delegated communes (communes déléguées) share their
    parent's code: their names are kept in ``other_names`` so that a visitor who
    still says the old village name is understood.
    """

    insee_code = models.CharField(
        _("code INSEE"), max_length=5, unique=True, validators=[validate_insee_code]
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(
        _("type"), max_length=20, choices=CommuneKind.choices, default=CommuneKind.COMMUNE
    )
    parent_insee_code = models.CharField(_("commune parente"), max_length=5, blank=True)
    department = models.CharField(_("département"), max_length=3, db_index=True)
    postcode = models.CharField(_("code postal principal"), max_length=5, blank=True)
    postcodes = models.JSONField(_("codes postaux"), default=list, blank=True)
    other_names = models.JSONField(_("autres noms (communes déléguées)"), default=list, blank=True)
    latitude = models.FloatField(_("latitude du centre"), null=True, blank=True)
    longitude = models.FloatField(_("longitude du centre"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importée le"), auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        constraints = [
            insee_code_format(field="insee_code", name="commune_insee_format"),
            coordinates_in_range(name="commune_coordinates_in_range", nullable=True),
            models.CheckConstraint(
                condition=models.Q(kind__in=CommuneKind.values), name="commune_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"
