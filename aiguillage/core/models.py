"""The tenant (Network) and its places (Site).

Every row of Aiguillage belongs, directly or through a foreign key, to one Network;
reads go through ``selectors.py`` so that nobody sees another network's rows.
"""

from __future__ import annotations

import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from aiguillage.core.constraints import coordinates_in_range, insee_code_format
from aiguillage.core.validators import (
    HEX_COLOR_PATTERN,
    POSTCODE_PATTERN,
    validate_header_color,
    validate_insee_code,
    validate_logo,
    validate_opening_hours,
    validate_postcode,
    validate_siret,
)

DEFAULT_THEME_COLOR = "#1d4f91"
# The time zones of France's libraries: metropolitan France and Corsica, then each
# overseas département and collectivity where a network may run a desk.
DEFAULT_TIME_ZONE = "Europe/Paris"
TIME_ZONES = [
    (DEFAULT_TIME_ZONE, _("France métropolitaine et Corse")),
    ("America/Guadeloupe", _("Guadeloupe, Saint-Barthélemy, Saint-Martin")),
    ("America/Martinique", _("Martinique")),
    ("America/Cayenne", _("Guyane")),
    ("Indian/Reunion", _("La Réunion")),
    ("Indian/Mayotte", _("Mayotte")),
    ("America/Miquelon", _("Saint-Pierre-et-Miquelon")),
    ("Pacific/Noumea", _("Nouvelle-Calédonie")),
    ("Pacific/Tahiti", _("Polynésie française (Tahiti)")),
    ("Pacific/Wallis", _("Wallis-et-Futuna")),
]


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class NetworkQuerySet(models.QuerySet):
    def active(self) -> NetworkQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user) -> NetworkQuerySet:
        """The networks a user works in: the only ones it may ever see."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(memberships__user=user, memberships__is_active=True).distinct()


class Network(TimestampedModel):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("Celui de la collectivité ou de l'établissement porteur du réseau."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG ou WebP, 512 Ko au plus ; affiché dans l'en-tête."),
    )
    theme_color = models.CharField(
        _("couleur"),
        max_length=7,
        default=DEFAULT_THEME_COLOR,
        validators=[validate_header_color],
        help_text=_("Couleur de l'en-tête, sous un texte blanc (#RRGGBB, contraste 4,5:1)."),
    )
    time_zone = models.CharField(
        _("fuseau horaire"),
        max_length=40,
        choices=TIME_ZONES,
        default=DEFAULT_TIME_ZONE,
        help_text=_(
            "Celui des lieux du réseau : les horaires des pages, des messages et des "
            "agendas y sont donnés."
        ),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theme_color__regex=HEX_COLOR_PATTERN),
                name="network_theme_color_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(time_zone__in=[zone for zone, _label in TIME_ZONES]),
                name="network_time_zone_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class SiteQuerySet(models.QuerySet):
    def active(self) -> SiteQuerySet:
        return self.filter(is_active=True, network__is_active=True)

    def public(self) -> SiteQuerySet:
        return self.active().filter(is_public=True)

    def of_network(self, network: Network) -> SiteQuerySet:
        return self.filter(network=network)


class Site(TimestampedModel):
    """A library (or another place) of a network, where the desk is held."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="sites", verbose_name=_("réseau")
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=60)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("Si le site a son propre établissement ; sinon celui du réseau."),
    )
    address = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=5, validators=[validate_postcode])
    commune_name = models.CharField(_("commune"), max_length=150)
    commune_insee = models.CharField(
        _("code commune INSEE"), max_length=5, validators=[validate_insee_code]
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    opening_hours = models.CharField(
        _("horaires d'ouverture"),
        max_length=500,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_("Format OpenStreetMap, par exemple « Tu-Sa 10:00-18:00 »."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    public_computers = models.PositiveSmallIntegerField(_("ordinateurs en accès public"), default=0)
    has_printer = models.BooleanField(_("imprimante"), default=False)
    has_scanner = models.BooleanField(_("scanner"), default=False)
    has_wifi = models.BooleanField(_("wifi public"), default=False)
    accessibility_notes = models.TextField(_("accessibilité"), blank=True)
    is_public = models.BooleanField(
        _("visible du public"), default=True, help_text=_("Publié sur le portail et l'API.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="site_unique_slug"),
            models.UniqueConstraint("network", Lower("name"), name="site_unique_name_per_network"),
            coordinates_in_range(name="site_coordinates_in_range", nullable=False),
            insee_code_format(field="commune_insee", name="site_commune_insee_format"),
            models.CheckConstraint(
                condition=models.Q(postcode__regex=POSTCODE_PATTERN),
                name="site_postcode_format",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="site_lat_lon")]

    def __str__(self) -> str:
        return self.name


# The counters of the rate limit (aiguillage/core/ratelimit.py): one row per client and
# window, shared by every server process through the database (SQLite or PostgreSQL), so
# the limit holds whatever gunicorn worker answers. The client is a keyed hash of its
# address, never the address itself. Moved from the public portal, which first had it,
# when the staff login and the API came to use it too.
class RateLimitCounter(models.Model):
    # "<scope>:<HMAC of the client address>": says nothing about who the client is.
    bucket = models.CharField(_("compteur"), max_length=100)
    # Start of the fixed window, in seconds since the epoch (an integer keeps the
    # atomic upsert the same plain SQL on both engines).
    window_start = models.BigIntegerField(_("début de la période"))
    hits = models.PositiveIntegerField(_("demandes"), default=0)

    class Meta:
        verbose_name = _("compteur de demandes")
        verbose_name_plural = _("compteurs de demandes")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "window_start"], name="public_rate_limit_one_per_window"
            ),
            models.CheckConstraint(condition=Q(hits__gte=0), name="public_rate_limit_hits"),
        ]
        indexes = [models.Index(fields=["window_start"], name="public_rate_limit_window")]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.window_start}: {self.hits}"
