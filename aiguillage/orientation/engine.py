"""The orientation engine: from a need and a situation to ranked, explained help.

Plain typed Python: no HTTP, no templates, deterministic (the same facts give the same
answer, ties broken by stable keys). ``orient`` reads the facts (``facts.gather``) and
``rank`` decides, so the ranking can be tested on hand-made facts.

What ranks a recommendation is visible in its ``Score``: competence (this démarche,
then its theme, then general help), distance, how soon the person can be received,
the match of specific support, the fit with the person's autonomy, and the charter's
order of modes. The library accompanies or acts for only when the territory leaves
no choice (the charter's territorial conditions), and acts for only through a
habilitated, salaried member with a mandate (the charter says who).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.models import Membership
from aiguillage.agenda.models import PermanenceKind
from aiguillage.catalog.models import Need
from aiguillage.catalog.search import SearchResult, choices
from aiguillage.catalog.selectors import search_needs
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune
from aiguillage.orientation import wording
from aiguillage.orientation.charter import ModeDecision, TerritorialCondition, check_scope
from aiguillage.orientation.facts import (
    ORIENT_RADIUS_KM,
    Competence,
    Facts,
    NeedFacts,
    Origin,
    PlaceFacts,
    SlotFacts,
    gather,
)
from aiguillage.orientation.models import Mode
from aiguillage.orientation.situation import (
    FOREIGN_LANGUAGE_SUPPORT,
    SUPPORT_TO_LIEUX,
    Autonomy,
    Lack,
    Situation,
    Support,
)

MAX_RECOMMENDATIONS = 8
# The public page offers only what a visitor can do alone: go, book online, register.
PUBLIC_MODES: frozenset[str] = frozenset({Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN})
# At most this many recommendations of one kind, so that eight places do not hide the
# permanence in the library or the workshop.
CAPS = {"place": 3, "online": 1, "partner": 2, "staff": 1, "desk": 1, "act_for": 1, "workshop": 2}


class TargetKind:
    """Values are part of the API: never rename them."""

    STRUCTURE = "structure"
    ONLINE_SERVICE = "online_service"
    PARTNER_SLOT = "partner_slot"
    STAFF_SLOT = "staff_slot"
    WORKSHOP = "workshop"
    DESK = "desk"


class Action:
    BOOK = "book"
    REGISTER = "register"
    PRINT_SLIP = "print_slip"
    CALL = "call"
    OPEN_ONLINE = "open_online"
    START = "start"
    RECORD_MANDATE = "record_mandate"


WEIGHTS: dict[str, float] = {
    "competence": 3.0,
    "autonomy": 2.0,
    "distance": 1.5,
    "delay": 1.5,
    "support": 1.0,
    "charter": 1.0,
}

# How well each kind of help fits each autonomy level (La Coop's levels). A person who
# cannot use a computer is not sent to a link; an autonomous one is not done for.
AUTONOMY_FIT: dict[str, dict[str, float]] = {
    "": {"online": 0.6, "place": 0.6, "partner": 0.6, "staff": 0.6, "desk": 0.6,
         "act_for": 0.4, "workshop": 0.6},
    Autonomy.FULLY_ASSISTED: {"online": 0.0, "place": 0.5, "partner": 1.0, "staff": 0.9,
                              "desk": 0.9, "act_for": 0.8, "workshop": 0.3},
    Autonomy.PARTLY_AUTONOMOUS: {"online": 0.4, "place": 0.7, "partner": 0.8, "staff": 1.0,
                                 "desk": 1.0, "act_for": 0.4, "workshop": 0.7},
    Autonomy.AUTONOMOUS: {"online": 1.0, "place": 0.7, "partner": 0.5, "staff": 0.6,
                          "desk": 0.6, "act_for": 0.1, "workshop": 0.7},
}  # fmt: skip
# An autonomous first-timer: accompanied once, or a workshop.
FIRST_TIMER_FIT = {"online": 0.7, "staff": 0.9, "desk": 0.9, "workshop": 0.9}


@dataclass(frozen=True)
class Target:
    kind: str
    id: int | None
    name: str
    distance_km: float | None = None
    address: str = ""
    phone: str = ""
    url: str = ""
    hours: str = ""
    opening_hours: str = ""
    access: tuple[str, ...] = ()
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    site_name: str = ""
    seats_left: int | None = None
    waiting_list: bool = False


@dataclass(frozen=True)
class Score:
    """Each component in [0, 1]; ``total`` is their weighted mean (``WEIGHTS``)."""

    competence: float
    distance: float
    delay: float
    support: float
    autonomy: float
    charter: float

    @property
    def total(self) -> float:
        weighted = sum(getattr(self, name) * weight for name, weight in WEIGHTS.items())
        return round(weighted / sum(WEIGHTS.values()), 3)

    def as_dict(self) -> dict[str, float]:
        parts = {name: round(getattr(self, name), 3) for name in WEIGHTS}
        return {"total": self.total, **parts}


@dataclass(frozen=True)
class Recommendation:
    mode: str
    target: Target
    title: str
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    actions: tuple[str, ...]
    score: Score
    fills_lacks: tuple[str, ...] = ()
    # "Pourquoi ?" in words, for the desk: "le plus proche qui traite la CAF, ouvre
    # demain à 8 h 30" (the reasons and the score's figures stay under it).
    why: str = ""

    @property
    def mode_label(self) -> str:
        return str(Mode(self.mode).label)


@dataclass(frozen=True)
class Excluded:
    """A mode the desk may not propose here, and why (shown one click away)."""

    mode: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(Mode(self.mode).label)


@dataclass(frozen=True)
class Orientation:
    need: NeedFacts | None
    query: str = ""
    alternatives: tuple[SearchResult, ...] = ()
    # The first alternatives are as likely as the need chosen: the desk asks which.
    close_alternatives: tuple[SearchResult, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    warnings: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    unmet_reasons: tuple[str, ...] = ()
    origin: Origin | None = None
    at: datetime.datetime | None = None

    @property
    def unmet(self) -> bool:
        """Nothing fits: the desk says why, and the interaction records it."""
        return not self.recommendations

    @property
    def modes_proposed(self) -> list[str]:
        return sorted({r.mode for r in self.recommendations})


def first_time_variant(need: Need, situation: Situation) -> Need | None:
    """The first-time variant of the démarche when the desk says it is the first time
    (a first income declaration asks for other documents than the usual one)."""
    if not situation.first_time or need.first_time_variant_id is None:
        return None
    return Need.objects.for_search().filter(pk=need.first_time_variant_id).first()


def orient(
    *,
    network: Network,
    need: Need | None = None,
    query: str = "",
    situation: Situation | None = None,
    site: Site | None = None,
    commune: Commune | None = None,
    at: datetime.datetime | None = None,
    membership: Membership | None = None,
    public: bool = False,
) -> Orientation:
    """Recommendations for a need (or what the desk typed), from a site or a commune."""
    situation = situation or Situation()
    at = timezone.localtime(at or timezone.now())
    check_scope(network=network, site=site, membership=membership)
    if site is not None:
        origin = Origin.of_site(site)
    elif commune is not None:
        origin = Origin.of_commune(commune)
    else:
        raise ValueError("A site or a commune is needed.")
    alternatives: tuple[SearchResult, ...] = ()
    close: tuple[SearchResult, ...] = ()
    if need is None:
        results = search_needs(query, limit=4) if query.strip() else []
        need = Need.objects.for_search().filter(slug=results[0].slug).first() if results else None
        alternatives = tuple(results[1:])
        close = tuple(choices(results)[1:])
        if need is None:
            return Orientation(
                need=None,
                query=query,
                unmet_reasons=(
                    _("Aucun besoin du catalogue ne correspond à « %(query)s ».")
                    % {"query": query.strip()},
                ),
                origin=origin,
                at=at,
            )
    variant = first_time_variant(need, situation)
    facts = gather(
        network=network,
        need=need,
        situation=situation,
        origin=origin,
        at=at,
        site=site,
        membership=membership,
        public=public,
    )
    if variant is not None:
        # Who can help is who helps with the démarche; what to bring, and what is
        # recorded, is the first time's.
        facts = replace(facts, need=NeedFacts.of(variant))
    return replace(
        rank(facts, situation, query=query, alternatives=alternatives),
        close_alternatives=close,
    )


# --- The territorial conditions ---------------------------------------------------


@dataclass(frozen=True)
class Territory:
    """Whether the library may help itself (accompany, act for) under one condition."""

    library_may_help: bool
    reason: str


def _place_reception(place: PlaceFacts, at: datetime.datetime) -> datetime.datetime | None:
    """When the place can next receive: now if open, its next opening, None if unknown."""
    if place.open_now:
        return at
    return place.next_opening


def _deadline_end(situation: Situation, at: datetime.datetime) -> datetime.datetime | None:
    if situation.deadline is None:
        return None
    end = datetime.datetime.combine(
        situation.deadline + datetime.timedelta(days=1), datetime.time.min
    )
    return timezone.make_aware(end, at.tzinfo)


def territory(facts: Facts, situation: Situation, condition: TerritorialCondition) -> Territory:
    """No competent service within N km of the person, or none can receive them within
    D days (or before their deadline, when it is sooner): then, and only then, the
    library may help.

    A place *can receive* only when its hours are known and it opens in that window, or
    when it has a free slot in it (a partner's permanence). A place whose hours are
    unknown does not block the library's help: "to check" is not "can receive", and a
    person who must act today is not sent on a guess."""
    at = facts.at
    limit = at + datetime.timedelta(days=condition.max_wait_days)
    deadline = _deadline_end(situation, at)
    before_deadline = deadline is not None and deadline < limit
    if before_deadline:
        limit = deadline
    receiving: list[tuple[float, str, datetime.datetime]] = []
    unknown: list[tuple[float, str]] = []
    competent = 0
    for place in facts.places:
        if place.competence != Competence.NEED or place.distance_km > condition.max_distance_km:
            continue
        competent += 1
        if place.open_now is None:
            unknown.append((place.distance_km, place.name))
            continue
        moment = _place_reception(place, at)
        if moment is not None and moment <= limit:
            receiving.append((place.distance_km, place.name, moment))
    for slot in facts.slots:
        if (
            slot.kind == PermanenceKind.PARTNER
            and slot.handles_need
            and slot.distance_km <= condition.max_distance_km
        ):
            competent += 1
            if slot.starts_at <= limit:
                receiving.append((slot.distance_km, slot.title, slot.starts_at))
    if receiving:  # the one that receives soonest, the nearest of those
        distance, name, moment = min(receiving, key=lambda c: (c[2], c[0], c[1]))
        delay = _("ouvert maintenant") if moment <= at else wording.when(moment, at)
        return Territory(
            False,
            _(
                "%(name)s (%(km)s) traite cette démarche et peut recevoir la personne "
                "(%(delay)s) : orientez d'abord."
            )
            % {"name": name, "km": wording.km(distance), "delay": delay},
        )
    if not competent:
        reason = _("Aucun service compétent à moins de %(km)s km.") % {
            "km": condition.max_distance_km
        }
    elif before_deadline:
        reason = _("Aucun service compétent proche ne peut recevoir la personne avant l'échéance.")
    else:
        reason = _(
            "Aucun service compétent proche ne peut recevoir la personne sous %(days)s jours."
        ) % {"days": condition.max_wait_days}
    if unknown:
        names = ", ".join(
            f"{name} ({wording.km(distance)})" for distance, name in sorted(unknown)[:2]
        )
        reason += " " + _("Horaires inconnus, à vérifier : %(places)s.") % {"places": names}
    return Territory(True, reason)


# --- Scoring -----------------------------------------------------------------------


def _distance_score(distance: float | None) -> float:
    if distance is None:
        return 1.0
    return round(1.0 - min(distance, ORIENT_RADIUS_KM) / ORIENT_RADIUS_KM, 3)


# How soon a place whose hours are unknown can receive: below any place known to open
# within the charter's delay (a guess must not rank above a fact).
UNKNOWN_DELAY = 0.25


def _delay_score(
    moment: datetime.datetime | None, facts: Facts, situation: Situation, wait_days: int
) -> float:
    if moment is None:  # unknown hours: with a deadline, not a way to meet it
        return 0.0 if situation.deadline is not None else UNKNOWN_DELAY
    deadline = _deadline_end(situation, facts.at)
    if deadline is not None and moment >= deadline:
        return 0.0
    days = max((moment - facts.at).total_seconds(), 0) / 86400
    return round(max(0.0, 1.0 - days / (2 * max(wait_days, 1))), 3)


def _wanted_support(situation: Situation) -> set[str]:
    wanted = {SUPPORT_TO_LIEUX[s] for s in situation.support}
    if situation.french_not_mastered:
        wanted.add("Langues étrangères")
    return wanted


def _place_support(place: PlaceFacts, situation: Situation) -> tuple[float, list[str]]:
    """Match of specific support, and the unmatched ones (for a warning)."""
    wanted = _wanted_support(situation)
    if not wanted:
        return 0.5, []
    offered = set(place.specific_support)
    if offered & FOREIGN_LANGUAGE_SUPPORT:
        offered.add("Langues étrangères")
    matched = wanted & offered
    missing = sorted(wanted - offered)
    if not matched:
        return 0.2, missing
    return round(0.5 + 0.5 * len(matched) / len(wanted), 3), missing


def _autonomy(kind: str, situation: Situation) -> float:
    fit = AUTONOMY_FIT[situation.autonomy][kind]
    if situation.autonomy == Autonomy.AUTONOMOUS and situation.first_time:
        fit = FIRST_TIMER_FIT.get(kind, fit)
    if situation.french_not_mastered and kind == "online":
        fit = max(0.0, fit - 0.3)
    return fit


def _charter_score(mode: str, facts: Facts) -> float:
    order = facts.mode_order
    return round(1.0 - order.index(mode) / len(order), 3)


# --- Building the recommendations ---------------------------------------------------


@dataclass
class _Candidate:
    group: str
    recommendation: Recommendation
    order_key: tuple = field(default_factory=tuple)
    # Only after the person's deadline: said so, and never ranked before what is in time.
    late: bool = False


def _decision(facts: Facts, mode: str) -> ModeDecision:
    """What the person at the desk may do (or, without one, the library)."""
    decisions = facts.desk_decisions if facts.desk_decisions is not None else facts.decisions
    return decisions[mode]


def rank(
    facts: Facts,
    situation: Situation,
    *,
    query: str = "",
    alternatives: tuple[SearchResult, ...] = (),
) -> Orientation:
    need = facts.need
    excluded: list[Excluded] = []
    candidates: list[_Candidate] = []
    allowed_modes = set()
    for mode in facts.mode_order:
        if facts.public and mode not in PUBLIC_MODES:
            continue
        decision = _decision(facts, mode)
        if decision.allowed:
            allowed_modes.add(mode)
        else:
            excluded.append(Excluded(mode, tuple(decision.reasons)))

    if Mode.ORIENT in allowed_modes:
        candidates += _orient_places(facts, situation)
        candidates += _online(facts, situation)
    if Mode.PARTNER_ON_SITE in allowed_modes:
        candidates += _partner_slots(facts, situation)
    if Mode.TRAIN in allowed_modes:
        candidates += _workshops(facts, situation)
    if not facts.public:
        candidates += _library_help(facts, situation, allowed_modes, excluded)

    recommendations = [replace(r, why=_why(r, facts)) for r in _select(candidates, situation)]
    act_for_possible = any(r.mode == Mode.ACT_FOR for r in recommendations)
    library_helps = any(r.mode in (Mode.ACCOMPANY, Mode.ACT_FOR) for r in recommendations)
    today = facts.at.date()
    if facts.public:
        warnings = wording.public_warnings(need=need, situation=situation, today=today)
    else:
        warnings = wording.staff_warnings(
            need=need,
            situation=situation,
            act_for_possible=act_for_possible,
            library_helps=library_helps,
            today=today,
        )
    unmet_reasons: tuple[str, ...] = ()
    if not recommendations:
        unmet_reasons = tuple(_unmet_reasons(facts, excluded))
    return Orientation(
        need=need,
        query=query,
        alternatives=alternatives,
        recommendations=tuple(recommendations),
        warnings=tuple(warnings),
        checklist=tuple(wording.checklist(need=need, situation=situation, public=facts.public)),
        excluded=tuple(excluded),
        unmet_reasons=unmet_reasons,
        origin=facts.origin,
        at=facts.at,
    )


def _orient_places(facts: Facts, situation: Situation) -> list[_Candidate]:
    wait_days = _wait_days(facts)
    competence_score = {Competence.NEED: 1.0, Competence.THEME: 0.6, Competence.GENERAL: 0.35}
    deadline = _deadline_end(situation, facts.at)
    found = []
    for place in facts.places:
        support, missing = _place_support(place, situation)
        reception = _place_reception(place, facts.at)
        reasons = [wording.place_reason(place, facts.need)]
        warnings = []
        matched = _wanted_support(situation) - set(missing)
        if matched:
            reasons.append(
                _("Accueil adapté signalé : %(support)s.")
                % {"support": ", ".join(sorted(matched)).lower()}
            )
        if missing:
            warnings.append(
                _("Aucun accueil adapté signalé pour : %(support)s.")
                % {"support": ", ".join(missing).lower()}
            )
        late = deadline is not None and reception is not None and reception >= deadline
        if late:
            warnings.append(_("Ne reçoit pas avant l'échéance."))
        if place.open_now is None:
            warnings.append(
                _("Horaires inconnus : appelez avant d'y envoyer la personne.")
                if place.phone
                else _("Horaires inconnus, à vérifier.")
            )
        if place.reception_modes and "en-presentiel" not in place.reception_modes:
            warnings.append(_("Reçoit seulement à distance."))
        actions = [Action.PRINT_SLIP]
        if place.phone and Support.DEAFNESS not in situation.support:
            actions.append(Action.CALL)
        if place.booking_url:
            actions.append(Action.OPEN_ONLINE)
        score = Score(
            competence=competence_score[place.competence],
            distance=_distance_score(place.distance_km),
            delay=_delay_score(reception, facts, situation, wait_days),
            support=support,
            autonomy=_autonomy("place", situation),
            charter=_charter_score(Mode.ORIENT, facts),
        )
        target = Target(
            kind=TargetKind.STRUCTURE,
            id=place.id,
            name=place.name,
            distance_km=place.distance_km,
            address=f"{place.address}, {place.postcode} {place.commune_name}",
            phone=place.phone,
            url=place.booking_url or place.website,
            hours=place.hours_summary,
            opening_hours=place.opening_hours,
            access=place.access_modalities,
        )
        found.append(
            _Candidate(
                "place",
                Recommendation(
                    mode=Mode.ORIENT,
                    target=target,
                    title=(_("Aller à %(name)s") if facts.public else _("Orienter vers %(name)s"))
                    % {"name": place.name},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=tuple(actions),
                    score=score,
                ),
                late=late,
            )
        )
    return found


def _online(facts: Facts, situation: Situation) -> list[_Candidate]:
    """The official online service, for someone who can use it: not a link for a
    person who cannot use a computer."""
    url = facts.need.online_service_url
    if not url or situation.cannot_use_a_computer:
        return []
    warnings = []
    if facts.need.requires_franceconnect and Lack.FRANCECONNECT in situation.lacks:
        warnings.append(_("Il faut un compte pour FranceConnect, qui manque encore."))
    if facts.need.requires_email and Lack.EMAIL in situation.lacks:
        warnings.append(_("Il faut une adresse e-mail personnelle, qui manque encore."))
    if facts.need.requires_scan and Lack.SCANNER in situation.lacks:
        warnings.append(_("Il faut des documents numérisés ou photographiés."))
    support = 0.5
    if Support.VISUAL in situation.support or Support.ILLITERACY in situation.support:
        support = 0.1
    score = Score(
        competence=1.0,
        distance=1.0,
        delay=1.0 if not warnings else 0.5,
        support=support,
        autonomy=_autonomy("online", situation),
        charter=_charter_score(Mode.ORIENT, facts),
    )
    host = wording.domain(url)
    return [
        _Candidate(
            "online",
            Recommendation(
                mode=Mode.ORIENT,
                target=Target(kind=TargetKind.ONLINE_SERVICE, id=None, name=host, url=url),
                title=_("Faire la démarche en ligne sur %(site)s") % {"site": host},
                reasons=(
                    _("Le service en ligne officiel, ouvert à toute heure : %(site)s.")
                    % {"site": host},
                ),
                warnings=tuple(warnings),
                actions=(Action.OPEN_ONLINE, Action.PRINT_SLIP),
                score=score,
            ),
        )
    ]


def _wait_days(facts: Facts) -> int:
    """The charter's delay (accompany always has its conditions): it scales "how soon"."""
    condition = facts.decisions[Mode.ACCOMPANY].conditions
    assert condition is not None
    return condition.max_wait_days


def _slot_reason(slot: SlotFacts, facts: Facts) -> str:
    """ "Permanence CAF, à Médiathèque X (2,3 km), mardi 3 décembre à 10:00." """
    return _("%(title)s, %(where)s, %(when)s.") % {
        "title": slot.title,
        "where": wording.at_site(slot.site_name, slot.distance_km),
        "when": wording.when(slot.starts_at, facts.at),
    }


def _slot_target(slot: SlotFacts, kind: str) -> Target:
    return Target(
        kind=kind,
        id=slot.id,
        name=slot.title,
        distance_km=slot.distance_km,
        address=slot.site_address,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        site_name=slot.site_name,
        seats_left=slot.seats_left,
    )


def _partner_slots(facts: Facts, situation: Situation) -> list[_Candidate]:
    wait_days = _wait_days(facts)
    deadline = _deadline_end(situation, facts.at)
    found = []
    for slot in facts.slots:
        if slot.kind != PermanenceKind.PARTNER or not slot.handles_need:
            continue
        reasons = [_slot_reason(slot, facts)]
        if slot.walk_in:
            reasons.append(_("Sans rendez-vous : se présenter pendant la permanence."))
        warnings = []
        late = deadline is not None and slot.starts_at >= deadline
        if late:
            warnings.append(_("Après l'échéance."))
        actions = (Action.PRINT_SLIP,) if slot.walk_in else (Action.BOOK, Action.PRINT_SLIP)
        score = Score(
            competence=1.0,
            distance=_distance_score(slot.distance_km),
            delay=_delay_score(slot.starts_at, facts, situation, wait_days),
            support=0.5,
            autonomy=_autonomy("partner", situation),
            charter=_charter_score(Mode.PARTNER_ON_SITE, facts),
        )
        found.append(
            _Candidate(
                "partner",
                Recommendation(
                    mode=Mode.PARTNER_ON_SITE,
                    target=_slot_target(slot, TargetKind.PARTNER_SLOT),
                    title=_("%(title)s, %(when)s")
                    % {"title": slot.title, "when": wording.when(slot.starts_at, facts.at)},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=actions,
                    score=score,
                ),
                late=late,
            )
        )
    return found


def _workshops(facts: Facts, situation: Situation) -> list[_Candidate]:
    found = []
    deadline = _deadline_end(situation, facts.at)
    for workshop in facts.workshops:
        if facts.public and not workshop.public_registration:
            continue
        reasons = [
            _("%(when)s, %(where)s.")
            % {
                "when": wording.when(workshop.starts_at, facts.at).capitalize(),
                "where": wording.at_site(workshop.site_name, workshop.distance_km),
            }
        ]
        if workshop.fills_lacks:
            reasons.append(
                _("Pour ce qui manque : %(lacks)s.")
                % {"lacks": ", ".join(wording.lack_label(lack) for lack in workshop.fills_lacks)}
            )
        if workshop.teaches_need:
            reasons.append(_("Apprendre à faire cette démarche soi-même."))
        warnings = []
        waiting = workshop.seats_left <= 0
        if waiting:
            warnings.append(_("Complet : inscription en liste d'attente."))
        late = deadline is not None and workshop.starts_at >= deadline and workshop.teaches_need
        if late:
            warnings.append(_("Après l'échéance."))
        autonomy = _autonomy("workshop", situation)
        if workshop.fills_lacks:
            autonomy = max(autonomy, 0.8)
        score = Score(
            competence=0.8 if workshop.teaches_need else 0.7,
            distance=_distance_score(workshop.distance_km),
            delay=_delay_score(workshop.starts_at, facts, situation, 30),
            support=0.5,
            autonomy=autonomy,
            charter=_charter_score(Mode.TRAIN, facts),
        )
        found.append(
            _Candidate(
                "prerequisite"
                if workshop.fills_lacks and not workshop.teaches_need
                else "workshop",
                Recommendation(
                    mode=Mode.TRAIN,
                    target=Target(
                        kind=TargetKind.WORKSHOP,
                        id=workshop.id,
                        name=workshop.title,
                        distance_km=workshop.distance_km,
                        starts_at=workshop.starts_at,
                        site_name=workshop.site_name,
                        seats_left=max(workshop.seats_left, 0),
                        waiting_list=waiting,
                    ),
                    title=_("Atelier « %(title)s »") % {"title": workshop.title},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=(Action.REGISTER, Action.PRINT_SLIP),
                    score=score,
                    fills_lacks=workshop.fills_lacks,
                ),
                late=late,
            )
        )
    return found


def _library_help(
    facts: Facts, situation: Situation, allowed_modes: set[str], excluded: list[Excluded]
) -> list[_Candidate]:
    """Accompany (now at the desk, or an appointment with a mediator) and act for: only
    under the territorial conditions; act for only by this habilitated person."""
    found: list[_Candidate] = []
    for mode in (Mode.ACCOMPANY, Mode.ACT_FOR):
        library = facts.decisions[mode]
        condition = library.conditions
        desk_may = mode in allowed_modes and facts.desk is not None
        # An appointment with a mediator is the library's help even when the person at
        # the desk may not accompany; acting for is only ever the person at the desk.
        if condition is None or not (desk_may or (mode == Mode.ACCOMPANY and library.allowed)):
            continue
        verdict = territory(facts, situation, condition)
        if not verdict.library_may_help:
            _exclude(excluded, mode, verdict.reason)
            continue
        if mode == Mode.ACCOMPANY:
            found += _staff_slots(facts, situation, verdict, condition)
            if desk_may:
                found.append(_desk(facts, situation, verdict))
        else:
            found.append(_act_for(facts, situation, verdict))
    return found


def _exclude(excluded: list[Excluded], mode: str, reason: str) -> None:
    """Add a reason to the mode's exclusion (one entry per mode)."""
    for index, item in enumerate(excluded):
        if item.mode == mode:
            excluded[index] = Excluded(mode, (*item.reasons, reason))
            return
    excluded.append(Excluded(mode, (reason,)))


def _staff_slots(
    facts: Facts, situation: Situation, verdict: Territory, condition: TerritorialCondition
) -> list[_Candidate]:
    decision = facts.decisions[Mode.ACCOMPANY]
    if not decision.allowed:
        return []
    found = []
    for slot in facts.slots:
        if slot.kind != PermanenceKind.STAFF or slot.staff_role not in decision.roles:
            continue
        reasons = [
            _slot_reason(slot, facts),
            verdict.reason,
        ]
        warnings = []
        deadline = _deadline_end(situation, facts.at)
        late = deadline is not None and slot.starts_at >= deadline
        if late:
            warnings.append(_("Après l'échéance."))
        score = Score(
            competence=0.8 if slot.handles_need else 0.5,
            distance=_distance_score(slot.distance_km),
            delay=_delay_score(slot.starts_at, facts, situation, condition.max_wait_days),
            support=0.5,
            autonomy=_autonomy("staff", situation),
            charter=_charter_score(Mode.ACCOMPANY, facts),
        )
        found.append(
            _Candidate(
                "staff",
                Recommendation(
                    mode=Mode.ACCOMPANY,
                    target=_slot_target(slot, TargetKind.STAFF_SLOT),
                    title=_("Rendez-vous d'accompagnement, %(when)s")
                    % {"when": wording.when(slot.starts_at, facts.at)},
                    reasons=tuple(reasons),
                    warnings=tuple(warnings),
                    actions=(Action.BOOK, Action.PRINT_SLIP),
                    score=score,
                ),
                late=late,
            )
        )
    return found


def _desk_target(facts: Facts) -> Target:
    desk = facts.desk
    assert desk is not None
    return Target(
        kind=TargetKind.DESK,
        id=desk.site_id,
        name=desk.site_name or facts.origin.label,
        distance_km=0.0,
        starts_at=facts.at,
        site_name=desk.site_name,
    )


def _desk(facts: Facts, situation: Situation, verdict: Territory) -> _Candidate:
    score = Score(
        competence=0.5,
        distance=1.0,
        delay=1.0,
        support=0.5,
        autonomy=_autonomy("desk", situation),
        charter=_charter_score(Mode.ACCOMPANY, facts),
    )
    reasons = [verdict.reason, _("La personne fait la démarche elle-même, vous la guidez.")]
    return _Candidate(
        "desk",
        Recommendation(
            mode=Mode.ACCOMPANY,
            target=_desk_target(facts),
            title=_("Accompagner maintenant (faire avec)"),
            reasons=tuple(reasons),
            warnings=(),
            actions=(Action.START,),
            score=score,
        ),
    )


def _act_for(facts: Facts, situation: Situation, verdict: Territory) -> _Candidate:
    score = Score(
        competence=0.6,
        distance=1.0,
        delay=1.0,
        support=0.5,
        autonomy=_autonomy("act_for", situation),
        charter=_charter_score(Mode.ACT_FOR, facts),
    )
    reasons = [verdict.reason, *_decision(facts, Mode.ACT_FOR).reasons]
    return _Candidate(
        "act_for",
        Recommendation(
            mode=Mode.ACT_FOR,
            target=_desk_target(facts),
            title=_("Faire pour la personne, avec un mandat Aidants Connect"),
            reasons=tuple(reasons),
            warnings=(
                _("Enregistrez d'abord le mandat : oui, et sa référence ; jamais l'identité."),
            ),
            actions=(Action.RECORD_MANDATE,),
            score=score,
        ),
    )


def _sort_key(candidate: _Candidate) -> tuple:
    r = candidate.recommendation
    distance = r.target.distance_km if r.target.distance_km is not None else 0.0
    return (
        candidate.late,
        -r.score.total,
        r.mode,
        distance,
        r.target.kind,
        r.target.id or 0,
        r.title,
    )


def _select(candidates: list[_Candidate], situation: Situation) -> list[Recommendation]:
    """Best first, a few of each kind, at most eight; a workshop for each missing
    prerequisite is kept even when it ranks below the eighth."""
    counts: dict[str, int] = {}
    kept: list[_Candidate] = []
    prerequisites: list[_Candidate] = []
    covered_lacks: set[str] = set()
    for candidate in sorted(candidates, key=_sort_key):
        if candidate.group == "prerequisite":
            lacks = set(candidate.recommendation.fills_lacks) - covered_lacks
            if lacks:
                covered_lacks |= lacks
                prerequisites.append(candidate)
            continue
        cap = CAPS[candidate.group]
        if counts.get(candidate.group, 0) >= cap:
            continue
        counts[candidate.group] = counts.get(candidate.group, 0) + 1
        kept.append(candidate)
    room = MAX_RECOMMENDATIONS - len(prerequisites)
    chosen = sorted(kept[:room] + prerequisites, key=_sort_key)
    return [c.recommendation for c in chosen[:MAX_RECOMMENDATIONS]]


def _why(recommendation: Recommendation, facts: Facts) -> str:
    """One sentence that says why, in words (``Recommendation.why``)."""
    target, at = recommendation.target, facts.at
    if target.kind == TargetKind.STRUCTURE:
        place = next(p for p in facts.places if p.id == target.id)
        # Nearest among its peers: the open ones when it is open.
        peers = [
            p.distance_km
            for p in facts.places
            if p.competence == place.competence and (p.open_now or not place.open_now)
        ]
        nearest = place.distance_km <= min(peers, default=place.distance_km)
        if place.competence == Competence.NEED:
            if nearest:
                what = (
                    _("le plus proche ouvert qui traite %(what)s")
                    if place.open_now
                    else _("le plus proche qui traite %(what)s")
                )
            else:
                what = _("à %(km)s, traite %(what)s")
            what = what % {
                "what": wording.what_it_handles(facts.need),
                "km": wording.km(place.distance_km),
            }
        else:
            what = wording.competence(place, facts.need) + ", " + wording.km(place.distance_km)
        if place.open_now:
            reception = _("ouvert maintenant")
        elif place.next_opening is not None:
            reception = _("ouvre %(when)s") % {"when": wording.when(place.next_opening, at)}
        else:
            reception = _("horaires inconnus, à vérifier")
        return f"{what}, {reception}"
    if target.kind == TargetKind.ONLINE_SERVICE:
        return _("le service officiel en ligne, ouvert à toute heure")
    if target.kind in (TargetKind.PARTNER_SLOT, TargetKind.STAFF_SLOT, TargetKind.WORKSHOP):
        return _("%(where)s, %(when)s") % {
            "where": wording.at_site(target.site_name, target.distance_km or 0.0),
            "when": wording.when(target.starts_at, at),
        }
    if recommendation.mode == Mode.ACT_FOR:
        return _("ici et maintenant, avec le mandat Aidants Connect de la personne")
    return _("ici et maintenant : la personne fait la démarche, vous la guidez")


def _unmet_reasons(facts: Facts, excluded: list[Excluded]) -> list[str]:
    reasons = []
    if not facts.places:
        reasons.append(
            _("Aucun lieu compétent à moins de %(km)s km.") % {"km": int(ORIENT_RADIUS_KM)}
        )
    if not facts.slots and not facts.workshops:
        reasons.append(_("Aucune permanence ni aucun atelier du réseau pour ce besoin."))
    for item in excluded:
        reasons.append(f"{item.label} : {' '.join(item.reasons)}")
    return reasons


__all__ = [
    "Action",
    "Excluded",
    "Orientation",
    "Recommendation",
    "Score",
    "Situation",
    "Target",
    "TargetKind",
    "orient",
    "rank",
]
