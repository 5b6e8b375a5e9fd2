"""The network's charter ("jusqu'où aller"): which intervention modes, for whom, where.

The defaults live in code (``aiguillage.orientation.charter.DEFAULT_ROLES``), so a new
network has a complete charter without a single row. A ``CharterRule`` overrides one
mode for the whole network, a site, a theme, a need, or a site and a theme or a need;
the most specific rule wins. ``Charter`` (one row per network, created when first
edited) holds the order in which the desk proposes the modes and the default
territorial conditions.

The hard rules of the field are also database constraints, so that no write path can
lift them: volunteers never act for (``charter_rule_no_volunteer_act_for``).
"""

from __future__ import annotations

from itertools import combinations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aiguillage.accounts.models import Role
from aiguillage.core.models import TimestampedModel


class Mode(models.TextChoices):
    """The values are part of the API (``GET /api/v1/orientation``): never rename them."""

    ORIENT = "orient", _("orienter")
    PARTNER_ON_SITE = "partner_on_site", _("partenaire sur place")
    ACCOMPANY = "accompany", _("accompagner (faire avec)")
    ACT_FOR = "act_for", _("faire pour")
    TRAIN = "train", _("former (atelier)")


DEFAULT_MODE_ORDER: tuple[str, ...] = (
    Mode.ORIENT,
    Mode.PARTNER_ON_SITE,
    Mode.TRAIN,
    Mode.ACCOMPANY,
    Mode.ACT_FOR,
)
# The modes done in the library by its staff: only when the territory offers nothing
# close or soon enough (the territorial conditions).
CONDITIONAL_MODES: frozenset[str] = frozenset({Mode.ACCOMPANY, Mode.ACT_FOR})
DEFAULT_MAX_DISTANCE_KM = 15
DEFAULT_MAX_WAIT_DAYS = 10
MAX_DISTANCE_KM_LIMIT = 200
MAX_WAIT_DAYS_LIMIT = 90

# One boolean column per role: the database can then check the hard rules on roles.
ROLE_FIELDS: dict[str, str] = {
    Role.COORDINATOR: "role_coordinator",
    Role.LIBRARIAN: "role_librarian",
    Role.DIGITAL_MEDIATOR: "role_digital_mediator",
    Role.VOLUNTEER: "role_volunteer",
    Role.PARTNER_AGENT: "role_partner_agent",
}


def _mode_positions_are_a_permutation() -> models.Q:
    fields = [f"{mode}_position" for mode in Mode.values]
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__lt": len(fields)})
    for first, second in combinations(fields, 2):
        condition &= ~models.Q(**{first: models.F(second)})
    return condition


class Charter(TimestampedModel):
    """A network's charter settings; absent until a coordinator first changes them."""

    network = models.OneToOneField(
        "core.Network", on_delete=models.CASCADE, related_name="charter", verbose_name=_("réseau")
    )
    # The order of the modes: one position per mode (0 first), a permutation (checked).
    orient_position = models.PositiveSmallIntegerField(_("rang : orienter"), default=0)
    partner_on_site_position = models.PositiveSmallIntegerField(
        _("rang : partenaire sur place"), default=1
    )
    train_position = models.PositiveSmallIntegerField(_("rang : former"), default=2)
    accompany_position = models.PositiveSmallIntegerField(_("rang : accompagner"), default=3)
    act_for_position = models.PositiveSmallIntegerField(_("rang : faire pour"), default=4)
    max_distance_km = models.PositiveSmallIntegerField(
        _("distance maximale (km)"),
        default=DEFAULT_MAX_DISTANCE_KM,
        help_text=_("Accompagner ou faire pour seulement si aucun service compétent plus près."),
    )
    max_wait_days = models.PositiveSmallIntegerField(
        _("délai maximal (jours)"),
        default=DEFAULT_MAX_WAIT_DAYS,
        help_text=_("… ou si aucun ne peut recevoir la personne dans ce délai."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )

    class Meta:
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")
        constraints = [
            models.CheckConstraint(
                condition=_mode_positions_are_a_permutation(),
                name="charter_mode_order_is_permutation",
                violation_error_message=_("Chaque mode a un rang différent."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    max_distance_km__gte=1, max_distance_km__lte=MAX_DISTANCE_KM_LIMIT
                ),
                name="charter_max_distance_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_wait_days__lte=MAX_WAIT_DAYS_LIMIT),
                name="charter_max_wait_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.network)

    @property
    def mode_order(self) -> tuple[str, ...]:
        return tuple(sorted(Mode.values, key=lambda mode: getattr(self, f"{mode}_position")))


def _roles_match_allowed() -> models.Q:
    no_role = models.Q(**dict.fromkeys(ROLE_FIELDS.values(), False))
    some_role = models.Q()
    for field in ROLE_FIELDS.values():
        some_role |= models.Q(**{field: True})
    return models.Q(no_role, allowed=False) | models.Q(some_role, allowed=True)


class CharterRuleQuerySet(models.QuerySet):
    def of_network(self, network) -> CharterRuleQuerySet:
        return self.filter(network=network)

    def applying_to(self, *, need, site=None) -> CharterRuleQuerySet:
        """The rules whose scope contains ``need`` (at ``site``, if given)."""
        where = models.Q(site__isnull=True)
        if site is not None:
            where |= models.Q(site=site)
        what = (
            models.Q(theme__isnull=True, need__isnull=True)
            | models.Q(theme_id=need.theme_id)
            | models.Q(need=need)
        )
        return self.filter(where, what)


class CharterRule(TimestampedModel):
    """An override of one mode, for a scope: network, + site, + theme or need."""

    network = models.ForeignKey(
        "core.Network",
        on_delete=models.CASCADE,
        related_name="charter_rules",
        verbose_name=_("réseau"),
    )
    site = models.ForeignKey(
        "core.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="charter_rules",
        verbose_name=_("site"),
    )
    theme = models.ForeignKey(
        "catalog.Theme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thème"),
    )
    need = models.ForeignKey(
        "catalog.Need",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besoin"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    allowed = models.BooleanField(_("autorisé"))
    role_coordinator = models.BooleanField(_("coordinateur·rice"), default=False)
    role_librarian = models.BooleanField(_("bibliothécaire"), default=False)
    role_digital_mediator = models.BooleanField(_("médiateur·rice numérique"), default=False)
    role_volunteer = models.BooleanField(_("bénévole"), default=False)
    role_partner_agent = models.BooleanField(_("agent partenaire"), default=False)
    volunteers_sensitive = models.BooleanField(
        _("bénévoles : aussi les démarches sensibles"),
        default=False,
        help_text=_(
            "Par défaut, les bénévoles n'accompagnent pas les démarches qui exposent des "
            "données financières, de santé, judiciaires ou d'identité."
        ),
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("distance maximale (km)"),
        null=True,
        blank=True,
        help_text=_("Vide : celle de la charte du réseau."),
    )
    max_wait_days = models.PositiveSmallIntegerField(
        _("délai maximal (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : celui de la charte du réseau."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )

    objects = CharterRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("règle de la charte")
        verbose_name_plural = _("règles de la charte")
        ordering = ["network", "mode"]
        constraints = [
            # One rule per scope and mode. NULL is "any site/theme/need": coalesced to 0
            # (never a primary key) so that two network-wide rules collide on both engines.
            models.UniqueConstraint(
                "network",
                Coalesce("site", models.Value(0)),
                Coalesce("theme", models.Value(0)),
                Coalesce("need", models.Value(0)),
                "mode",
                name="charter_rule_unique_scope",
                violation_error_message=_("Une règle existe déjà pour ce mode à cet endroit."),
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=Mode.values), name="charter_rule_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(theme__isnull=True) | models.Q(need__isnull=True),
                name="charter_rule_theme_or_need",
                violation_error_message=_("Une règle vise un thème ou un besoin, pas les deux."),
            ),
            models.CheckConstraint(
                condition=~models.Q(mode=Mode.ACT_FOR, role_volunteer=True),
                name="charter_rule_no_volunteer_act_for",
                violation_error_message=_("Les bénévoles ne font jamais à la place des personnes."),
            ),
            models.CheckConstraint(
                condition=_roles_match_allowed(),
                name="charter_rule_roles_match_allowed",
                violation_error_message=_(
                    "Un mode autorisé l'est pour au moins un rôle ; un mode refusé, pour aucun."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(volunteers_sensitive=True)
                | models.Q(mode=Mode.ACCOMPANY, role_volunteer=True),
                name="charter_rule_volunteers_sensitive_only_accompany",
            ),
            models.CheckConstraint(
                condition=models.Q(max_distance_km__isnull=True, max_wait_days__isnull=True)
                | models.Q(mode__in=sorted(CONDITIONAL_MODES)),
                name="charter_rule_conditions_only_when_conditional",
            ),
            models.CheckConstraint(
                condition=models.Q(max_distance_km__isnull=True)
                | models.Q(max_distance_km__gte=1, max_distance_km__lte=MAX_DISTANCE_KM_LIMIT),
                name="charter_rule_max_distance_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_wait_days__isnull=True)
                | models.Q(max_wait_days__lte=MAX_WAIT_DAYS_LIMIT),
                name="charter_rule_max_wait_range",
            ),
        ]
        indexes = [models.Index(fields=["network", "mode"], name="charter_rule_network_mode")]

    def __str__(self) -> str:
        return f"{self.network} — {self.get_mode_display()}"

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, field in ROLE_FIELDS.items() if getattr(self, field))


# --- The interaction record: one desk conversation, anonymous by construction ---


class InteractionChannel(models.TextChoices):
    DESK = "desk", _("accueil")
    PUBLIC = "public", _("page publique")


class Outcome(models.TextChoices):
    """Values feed the activity reports: never rename them."""

    ORIENTED = "oriented", _("orienté·e")
    BOOKED_PARTNER = "booked_partner", _("rendez-vous avec un partenaire")
    BOOKED_MEDIATOR = "booked_mediator", _("rendez-vous avec un·e médiateur·rice")
    REGISTERED_WORKSHOP = "registered_workshop", _("inscrit·e à un atelier")
    ACCOMPANIED = "accompanied", _("accompagné·e (faire avec)")
    DONE_FOR = "done_for", _("fait pour, avec mandat")
    NO_SOLUTION = "no_solution", _("aucune solution")


class DurationBucket(models.TextChoices):
    UNDER_5 = "lt5", _("moins de 5 min")
    FROM_5_TO_15 = "5-15", _("5 à 15 min")
    FROM_15_TO_30 = "15-30", _("15 à 30 min")
    FROM_30_TO_60 = "30-60", _("30 min à 1 h")
    OVER_60 = "gt60", _("plus d'1 h")


# The mode each outcome means; "no solution" means none.
OUTCOME_MODE: dict[str, str] = {
    Outcome.ORIENTED: Mode.ORIENT,
    Outcome.BOOKED_PARTNER: Mode.PARTNER_ON_SITE,
    Outcome.BOOKED_MEDIATOR: Mode.ACCOMPANY,
    Outcome.REGISTERED_WORKSHOP: Mode.TRAIN,
    Outcome.ACCOMPANIED: Mode.ACCOMPANY,
    Outcome.DONE_FOR: Mode.ACT_FOR,
}


class InteractionQuerySet(models.QuerySet):
    def of_network(self, network) -> InteractionQuerySet:
        return self.filter(network=network)

    def unmet(self) -> InteractionQuerySet:
        return self.filter(outcome=Outcome.NO_SOLUTION)

    def met(self) -> InteractionQuerySet:
        return self.exclude(outcome=Outcome.NO_SOLUTION)

    def between(self, first_day, last_day) -> InteractionQuerySet:
        return self.filter(day__gte=first_day, day__lte=last_day)


class Interaction(models.Model):
    """One conversation at the desk (or one unanswered search on the public page).

    Never a name, a contact, an identifier or free text: the hour, not the minute; the
    staff member's role, not the person; the situation as flags. A mandate reference
    is kept for an act-for (the law asks the desk to be able to show the mandate
    existed); it identifies a mandate in Aidants Connect, not the visitor here.
    """

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("réseau")
    )
    channel = models.CharField(
        _("canal"),
        max_length=10,
        choices=InteractionChannel.choices,
        default=InteractionChannel.DESK,
    )
    site = models.ForeignKey(
        "core.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    commune = models.ForeignKey(
        "directory.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune de la personne"),
    )
    day = models.DateField(_("jour"))
    hour = models.PositiveSmallIntegerField(_("heure"))
    staff_role = models.CharField(_("rôle à l'accueil"), max_length=20, blank=True)
    need = models.ForeignKey(
        "catalog.Need",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besoin"),
    )
    autonomy = models.CharField(_("autonomie"), max_length=30, blank=True)
    situation = models.JSONField(_("situation"), default=list, blank=True)
    modes_proposed = models.JSONField(_("modes proposés"), default=list, blank=True)
    mode_chosen = models.CharField(_("mode retenu"), max_length=20, blank=True)
    structure = models.ForeignKey(
        "directory.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("structure vers laquelle orienter"),
    )
    duration = models.CharField(
        _("durée"), max_length=5, choices=DurationBucket.choices, blank=True
    )
    outcome = models.CharField(_("issue"), max_length=20, choices=Outcome.choices)
    mandate_reference = models.CharField(_("référence du mandat"), max_length=40, blank=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-day", "-hour", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="interaction_outcome_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=InteractionChannel.values),
                name="interaction_channel_valid",
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="interaction_hour_valid"),
            models.CheckConstraint(
                condition=models.Q(mode_chosen="") | models.Q(mode_chosen__in=Mode.values),
                name="interaction_mode_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(duration="") | models.Q(duration__in=DurationBucket.values),
                name="interaction_duration_valid",
            ),
            # Each outcome is its mode; "no solution" has none.
            models.CheckConstraint(
                condition=models.Q(outcome=Outcome.NO_SOLUTION, mode_chosen="")
                | models.Q(
                    *[
                        models.Q(outcome=outcome, mode_chosen=mode)
                        for outcome, mode in OUTCOME_MODE.items()
                    ],
                    _connector=models.Q.OR,
                ),
                name="interaction_outcome_matches_mode",
            ),
            # Act for only with a mandate reference, and a reference only then.
            models.CheckConstraint(
                condition=models.Q(outcome=Outcome.DONE_FOR, mandate_reference__gt="")
                | (~models.Q(outcome=Outcome.DONE_FOR) & models.Q(mandate_reference="")),
                name="interaction_mandate_iff_done_for",
            ),
            # At the desk: a site and a role; on the public page: neither.
            models.CheckConstraint(
                condition=models.Q(
                    channel=InteractionChannel.DESK, site__isnull=False, staff_role__gt=""
                )
                | models.Q(channel=InteractionChannel.PUBLIC, site__isnull=True, staff_role=""),
                name="interaction_channel_fields",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "day"], name="interaction_network_day"),
            models.Index(fields=["network", "outcome", "need"], name="interaction_outcome_need"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}h — {self.get_outcome_display()}"
