"""The territorial directory: the structures a desk orients people to.

Structures are public facts (open data or typed by staff), shared by every network;
what a network thinks of a structure (partnership, notes) will live in rows owned by
that network. Every row keeps its provenance so that re-imports update in place.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aiguillage.core.constraints import coordinates_in_range, insee_code_format
from aiguillage.core.models import TimestampedModel
from aiguillage.core.validators import validate_insee_code, validate_postcode

MANUAL_SOURCE = "saisie"
# An administration's own counter (a town hall, a prefecture): it receives for its own
# démarches, never for those that are online only (``Need.has_counter``).
ADMINISTRATION_COUNTER_TYPOLOGY = r"^\s*(mairie|h[oô]tel de ville|(sous[- ])?pr[eé]fecture)"


class StructureQuerySet(models.QuerySet):
    def active(self) -> StructureQuerySet:
        return self.filter(is_active=True)

    def covering(self, need) -> StructureQuerySet:
        return self.filter(covered_needs=need)

    def from_source(self, source: str) -> StructureQuerySet:
        return self.filter(source=source)

    def administration_counters(self) -> StructureQuerySet:
        return self.filter(typology__iregex=ADMINISTRATION_COUNTER_TYPOLOGY)

    def canonical(self) -> StructureQuerySet:
        """One row per place: rows linked to the same place from another source are hidden."""
        return self.filter(duplicate_of__isnull=True)


class Structure(TimestampedModel):
    """A place that receives the public (a lieu, a France services, a CAF agency...).

    Holds the fields of both standards. Lists hold the standards' own codes or labels
    (see ``vocabularies``) so that exports give back exactly what was imported.
    """

    name = models.CharField(_("nom"), max_length=250)
    typology = models.CharField(
        _("type"), max_length=250, blank=True, help_text=_("France services, CAF, CCAS…")
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, help_text=_("ou SIREN"))
    rna = models.CharField(_("RNA"), max_length=10, blank=True)
    reseaux_porteurs = models.JSONField(
        _("réseaux porteurs (data·inclusion)"), default=list, blank=True
    )
    parent_name = models.CharField(_("structure parente"), max_length=250, blank=True)
    address = models.CharField(_("adresse"), max_length=250)
    address_complement = models.CharField(_("complément d'adresse"), max_length=250, blank=True)
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
    is_mobile = models.BooleanField(
        _("itinérant"), default=False, help_text=_("Bus numérique, permanences itinérantes…")
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), blank=True, max_length=500)
    other_emails = models.JSONField(_("autres e-mails"), default=list, blank=True)
    other_websites = models.JSONField(_("autres sites web"), default=list, blank=True)
    opening_hours = models.CharField(
        _("horaires (OpenStreetMap)"),
        max_length=500,
        blank=True,
        help_text=_("Conservés tels quels même s'ils sont illisibles ; voir l'indicateur."),
    )
    opening_hours_valid = models.BooleanField(_("horaires lisibles"), default=True)
    summary = models.TextField(_("résumé"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    programmes = models.JSONField(
        _("dispositifs et programmes nationaux"), default=list, blank=True
    )
    labels = models.JSONField(_("formations et labels"), default=list, blank=True)
    other_labels = models.CharField(_("autres formations et labels"), max_length=500, blank=True)
    lieux_services = models.JSONField(_("services (standard des lieux)"), default=list, blank=True)
    thematiques = models.JSONField(_("thématiques data·inclusion"), default=list, blank=True)
    publics = models.JSONField(_("publics spécifiquement adressés"), default=list, blank=True)
    specific_support = models.JSONField(_("prise en charge spécifique"), default=list, blank=True)
    fees = models.JSONField(_("frais à charge"), default=list, blank=True)
    access_modalities = models.JSONField(_("modalités d'accès"), default=list, blank=True)
    accompaniment_modalities = models.JSONField(
        _("modalités d'accompagnement"), default=list, blank=True
    )
    reception_modes = models.JSONField(_("modes d'accueil"), default=list, blank=True)
    booking_url = models.URLField(_("prise de rendez-vous en ligne"), blank=True, max_length=500)
    accessibility_url = models.URLField(_("fiche acceslibre"), blank=True, max_length=500)
    covered_needs = models.ManyToManyField(
        "catalog.Need", blank=True, related_name="structures", verbose_name=_("besoins traités")
    )
    general_help = models.BooleanField(
        _("aide générale aux démarches"),
        default=False,
        help_text=_("Aide pour toute démarche en ligne, sans compétence propre à un organisme."),
    )
    covered_needs_edited = models.BooleanField(
        _("besoins traités modifiés à la main"),
        default=False,
        help_text=_("Un import ne recalcule plus les besoins traités de cette structure."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("même lieu que"),
    )
    producer = models.CharField(
        _("producteur de la donnée"),
        max_length=150,
        blank=True,
        help_text=_("Qui a collecté la fiche."),
    )
    source = models.CharField(_("source"), max_length=60, default=MANUAL_SOURCE)
    source_id = models.CharField(_("identifiant dans la source"), max_length=120)
    source_url = models.URLField(_("fiche dans la source"), blank=True, max_length=500)
    source_updated_at = models.DateField(_("mise à jour dans la source"), null=True, blank=True)
    source_hash = models.CharField(_("empreinte de la ligne importée"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("importée le"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")),
                name="structure_not_duplicate_of_itself",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="structure_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune_name})"

    @property
    def place_id(self) -> int:
        """The id the desk shows for this place, whichever source the row came from."""
        return self.duplicate_of_id or self.pk


class ServiceQuerySet(models.QuerySet):
    def active(self) -> ServiceQuerySet:
        return self.filter(is_active=True, structure__is_active=True)


class Service(TimestampedModel):
    """What a structure offers (data·inclusion ``service``): one help, its terms and needs."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="services", verbose_name=_("structure")
    )
    name = models.CharField(_("nom"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type de service"), max_length=40, blank=True)
    thematiques = models.JSONField(_("thématiques data·inclusion"), default=list, blank=True)
    publics = models.JSONField(_("publics"), default=list, blank=True)
    publics_details = models.TextField(_("précisions sur les publics"), blank=True)
    fees = models.JSONField(_("frais"), default=list, blank=True)
    fees_details = models.TextField(_("précisions sur les frais"), blank=True)
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    reception_modes = models.JSONField(_("modes d'accueil"), default=list, blank=True)
    mobilisation_modes = models.JSONField(_("modes de mobilisation"), default=list, blank=True)
    mobilisable_by = models.JSONField(_("mobilisable par"), default=list, blank=True)
    mobilisation_details = models.TextField(_("précisions sur la mobilisation"), blank=True)
    booking_url = models.URLField(_("lien de mobilisation"), blank=True, max_length=500)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_name = models.CharField(
        _("contact professionnel"), max_length=150, blank=True, help_text=_("Jamais un usager.")
    )
    opening_hours = models.CharField(_("horaires (OpenStreetMap)"), max_length=500, blank=True)
    opening_hours_valid = models.BooleanField(_("horaires lisibles"), default=True)
    eligibility_zone = models.JSONField(_("zone d'éligibilité"), default=list, blank=True)
    covered_needs = models.ManyToManyField(
        "catalog.Need", blank=True, related_name="services", verbose_name=_("besoins traités")
    )
    source = models.CharField(_("source"), max_length=60, default=MANUAL_SOURCE)
    source_id = models.CharField(_("identifiant dans la source"), max_length=160)
    source_url = models.URLField(_("fiche dans la source"), blank=True, max_length=500)
    source_updated_at = models.DateField(_("mise à jour dans la source"), null=True, blank=True)
    source_hash = models.CharField(_("empreinte de la ligne importée"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="service_unique_source_id")
        ]

    def __str__(self) -> str:
        return self.name


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
    search_names = models.TextField(
        _("noms pour la recherche"),
        blank=True,
        editable=False,
        help_text=_("Les noms sans accents ni majuscules, entre barres : |lodeve|."),
    )
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

    def save(self, *args, **kwargs) -> None:
        self.search_names = commune_search_names(self.name, self.other_names)
        super().save(*args, **kwargs)


def commune_search_names(name: str, other_names: list[str]) -> str:
    """Every name a visitor may say, normalised, each between bars (``|lodeve|``)."""
    from aiguillage.catalog.search import normalize

    return "".join(f"|{normalize(n)}|" for n in [name, *other_names])


class ServedCommune(models.Model):
    """A commune of a network's territory (set by its coordinator, e.g. its EPCI).

    The territorial coverage is computed over these communes.
    """

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="served_communes"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("commune desservie")
        verbose_name_plural = _("communes desservies")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "commune"], name="served_commune_unique_per_network"
            )
        ]

    def __str__(self) -> str:
        return str(self.commune)


class PriorityNeed(models.Model):
    """A need the coordinator wants partners for (the partner finder searches these)."""

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="priority_needs"
    )
    need = models.ForeignKey("catalog.Need", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("besoin prioritaire")
        verbose_name_plural = _("besoins prioritaires")
        constraints = [
            models.UniqueConstraint(fields=["network", "need"], name="priority_need_unique")
        ]

    def __str__(self) -> str:
        return str(self.need)


class PartnershipStatus(models.TextChoices):
    PROSPECT = "prospect", _("à contacter")
    ACTIVE = "active", _("actif")
    PAUSED = "paused", _("en pause")
    ENDED = "ended", _("terminé")


class ReferralChannel(models.TextChoices):
    PHONE = "phone", _("téléphone")
    EMAIL = "email", _("e-mail")
    ONLINE_FORM = "online_form", _("formulaire en ligne")
    PRINTED_SLIP = "printed_slip", _("fiche d'orientation imprimée")
    ON_SITE_PERMANENCE = "on_site_permanence", _("permanence sur place")


class PartnershipQuerySet(models.QuerySet):
    def of_network(self, network) -> PartnershipQuerySet:
        return self.filter(network=network)

    def current(self) -> PartnershipQuerySet:
        return self.filter(status__in=[PartnershipStatus.ACTIVE, PartnershipStatus.PAUSED])


class Partnership(TimestampedModel):
    """What one network has agreed with one structure. Owned by the network."""

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="partnerships"
    )
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("structure"),
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.PROSPECT,
    )
    referral_channel = models.CharField(
        _("canal d'orientation"), max_length=30, choices=ReferralChannel.choices, blank=True
    )
    agreement_start = models.DateField(_("début de la convention"), null=True, blank=True)
    agreement_end = models.DateField(_("fin de la convention"), null=True, blank=True)
    reference_needs = models.ManyToManyField(
        "catalog.Need",
        blank=True,
        related_name="+",
        verbose_name=_("besoins dont il est la référence"),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Sur le partenariat, jamais sur un usager.")
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenariat")
        verbose_name_plural = _("partenariats")
        ordering = ["structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "structure"], name="partnership_unique_per_network"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PartnershipStatus.values),
                name="partnership_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(referral_channel="")
                | models.Q(referral_channel__in=ReferralChannel.values),
                name="partnership_referral_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(agreement_start__isnull=True)
                | models.Q(agreement_end__isnull=True)
                | models.Q(agreement_end__gte=models.F("agreement_start")),
                name="partnership_agreement_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.structure)


class PartnerContact(models.Model):
    """A person at the partner structure (work contact details only, never a visitor)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=150)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail professionnel"), blank=True)
    phone = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact partenaire")
        verbose_name_plural = _("contacts partenaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipChange(models.Model):
    """One change to a partnership, kept as it happened (who, when, what: field → old, new)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="history")
    changed_at = models.DateTimeField(_("le"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(_("résumé"), max_length=250)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)

    class Meta:
        verbose_name = _("modification de partenariat")
        verbose_name_plural = _("modifications de partenariat")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.summary
