"""What the engine needs to know, read from the database into plain frozen data.

The engine ranks and explains; this module only reads (a bounded number of queries,
whatever the size of the directory or the agenda): the charter's decisions, the nearest
competent places of the directory, the first free slot of each permanence that can
help, and the workshops that teach the need or a missing prerequisite. Keeping the
reading apart lets the ranking be tested on hand-made facts and stay deterministic.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from aiguillage.accounts.models import Membership
from aiguillage.agenda import rules
from aiguillage.agenda.models import (
    BookableBy,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
    Slot,
    Workshop,
)
from aiguillage.catalog.models import Need
from aiguillage.catalog.texts import catalog_text, catalog_texts
from aiguillage.core.geo import haversine_km
from aiguillage.core.models import Network, Site
from aiguillage.core.opening import describe_opening_hours
from aiguillage.directory.models import Commune, Structure
from aiguillage.directory.selectors import NearbyStructure, nearest_structures
from aiguillage.orientation.charter import ModeDecision, check_scope, decide_with, mode_order
from aiguillage.orientation.models import Charter, CharterRule
from aiguillage.orientation.situation import LACK_WORKSHOP_NEEDS, Situation

# How far the desk looks for a competent place to orient to. Farther than the charter's
# territorial distance on purpose: a rural visitor is still told where the nearest one is.
ORIENT_RADIUS_KM = 60.0
# Looked at first: the nearest three within 60 km are the nearest three within 15 km
# whenever there are three there (most desks), and 15 km reads far fewer rows.
NEAR_RADIUS_KM = 15.0
PLACES_PER_COMPETENCE = 3
# How far ahead the agenda is read: slots and workshops beyond are not "a solution now".
AGENDA_HORIZON = datetime.timedelta(days=60)
MAX_PERMANENCES = 8
MAX_WORKSHOPS = 4


class Competence:
    NEED = "need"  # covers this very démarche
    THEME = "theme"  # covers démarches of the same theme
    GENERAL = "general"  # general help with online démarches


@dataclass(frozen=True)
class StartingPoint:
    """Where the visitor is: the library site at the desk, or their commune."""

    latitude: float
    longitude: float
    label: str
    site_id: int | None = None
    commune_insee: str = ""

    @classmethod
    def of_site(cls, site: Site) -> StartingPoint:
        return cls(site.latitude, site.longitude, site.name, site.pk, site.commune_insee)

    @classmethod
    def of_commune(cls, commune: Commune) -> StartingPoint:
        if commune.latitude is None or commune.longitude is None:
            raise ValueError("The commune has no coordinates.")
        return cls(commune.latitude, commune.longitude, commune.name, None, commune.insee_code)

    def distance_to(self, latitude: float, longitude: float) -> float:
        return round(haversine_km(self.latitude, self.longitude, latitude, longitude), 3)


@dataclass(frozen=True)
class NeedFacts:
    id: int
    slug: str
    name: str
    theme_id: int
    theme_name: str
    sensitivity: str
    operators: tuple[str, ...]
    online_service_url: str
    requires_email: bool
    requires_franceconnect: bool
    requires_scan: bool
    documents: tuple[str, ...]
    has_counter: bool = True

    @classmethod
    def of(cls, need: Need) -> NeedFacts:
        return cls(
            id=need.pk,
            slug=need.slug,
            name=catalog_text(need.name),
            theme_id=need.theme_id,
            theme_name=catalog_text(need.theme.name),
            sensitivity=need.sensitivity,
            operators=tuple(o.short_name or o.name for o in need.operators.all()),
            online_service_url=need.online_service_url,
            requires_email=need.requires_email,
            requires_franceconnect=need.requires_franceconnect,
            requires_scan=need.requires_scan,
            documents=catalog_texts(need.documents or ()),
            has_counter=need.has_counter,
        )


@dataclass(frozen=True)
class PlaceFacts:
    """A place of the directory."""

    id: int
    name: str
    competence: str
    distance_km: float
    address: str
    postcode: str
    commune_name: str
    phone: str
    website: str
    booking_url: str
    opening_hours: str
    hours_summary: str
    open_now: bool | None
    next_opening: datetime.datetime | None
    specific_support: tuple[str, ...]
    access_modalities: tuple[str, ...]
    reception_modes: tuple[str, ...]

    @classmethod
    def of(cls, nearby: NearbyStructure, competence: str, at: datetime.datetime) -> PlaceFacts:
        structure = nearby.structure
        return cls(
            id=structure.pk,
            name=structure.name,
            competence=competence,
            distance_km=nearby.distance_km,
            address=structure.address,
            postcode=structure.postcode,
            commune_name=structure.commune_name,
            phone=structure.phone,
            website=structure.website,
            booking_url=structure.booking_url,
            opening_hours=structure.opening_hours,
            hours_summary=describe_opening_hours(structure.opening_hours, at).summary,
            open_now=nearby.open_now,
            next_opening=nearby.next_opening,
            specific_support=tuple(structure.specific_support or ()),
            access_modalities=tuple(structure.access_modalities or ()),
            reception_modes=tuple(structure.reception_modes or ()),
        )


@dataclass(frozen=True)
class SlotFacts:
    """The first free slot of a permanence of the network that can help."""

    id: int
    permanence_id: int
    kind: str  # PermanenceKind
    title: str
    handles_need: bool
    site_id: int
    site_name: str
    site_address: str
    distance_km: float
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    seats_left: int
    walk_in: bool
    bookable_online: bool
    staff_role: str = ""  # for a staff permanence: the role of the member who receives


@dataclass(frozen=True)
class WorkshopFacts:
    id: int
    title: str
    site_id: int
    site_name: str
    distance_km: float
    starts_at: datetime.datetime
    seats_left: int
    waitlist_left: int
    teaches_need: bool
    fills_lacks: tuple[str, ...]
    public_registration: bool
    desk_registration: bool


@dataclass(frozen=True)
class DeskFacts:
    """Who is at the desk, and where."""

    membership_id: int
    role: str
    role_label: str
    site_id: int | None
    site_name: str


@dataclass(frozen=True)
class Facts:
    need: NeedFacts
    origin: StartingPoint
    at: datetime.datetime
    public: bool
    mode_order: tuple[str, ...]
    # What the library may do (any role); what the person at the desk may do.
    decisions: dict[str, ModeDecision]
    desk_decisions: dict[str, ModeDecision] | None
    desk: DeskFacts | None
    places: tuple[PlaceFacts, ...]
    slots: tuple[SlotFacts, ...]
    workshops: tuple[WorkshopFacts, ...]


def gather(
    *,
    network: Network,
    need: Need,
    situation: Situation,
    origin: StartingPoint,
    at: datetime.datetime,
    site: Site | None = None,
    membership: Membership | None = None,
    public: bool = False,
) -> Facts:
    at = timezone.localtime(at)
    day = at.date()
    check_scope(network=network, site=site, membership=membership)
    charter = Charter.objects.filter(network=network).first()
    rules = list(CharterRule.objects.of_network(network).applying_to(need=need, site=site))
    scope = {"charter": charter, "rules": rules, "network": network, "need": need, "site": site}
    decisions = {d.mode: d for d in decide_with(**scope, day=day)}
    desk_decisions = None
    desk = None
    if membership is not None and not public:
        desk_decisions = {d.mode: d for d in decide_with(**scope, membership=membership, day=day)}
        desk = DeskFacts(
            membership_id=membership.pk,
            role=membership.role,
            role_label=membership.get_role_display(),
            site_id=site.pk if site else None,
            site_name=site.name if site else "",
        )
    order = mode_order(charter)
    return Facts(
        need=NeedFacts.of(need),
        origin=origin,
        at=at,
        public=public,
        mode_order=order,
        decisions=decisions,
        desk_decisions=desk_decisions,
        desk=desk,
        places=tuple(_places(need=need, origin=origin, at=at)),
        slots=tuple(_slots(network=network, need=need, origin=origin, at=at, public=public)),
        workshops=tuple(
            _workshops(
                network=network,
                need=need,
                situation=situation,
                origin=origin,
                at=at,
                public=public,
            )
        ),
    )


def _place_id(nearby: NearbyStructure) -> int:
    return nearby.structure.duplicate_of_id or nearby.structure.pk


def _places(*, need: Need, origin: StartingPoint, at: datetime.datetime) -> list[PlaceFacts]:
    """Exact competence first; the theme and general help only to fill up, so that a
    city visitor is not shown ten generalists before the one office that does it. For a
    démarche that is online only, no town hall or prefecture: none has a counter for it."""
    found: list[PlaceFacts] = []
    seen: set[int] = set()
    searches: list[tuple[str, dict]] = [
        (Competence.NEED, {"need": need}),
        (Competence.THEME, {"theme": need.theme}),
        (Competence.GENERAL, {"general_help": True}),
    ]
    links = Structure.covered_needs.through.objects
    covered = {
        # A démarche (or a theme) no place in France covers: no box to read.
        Competence.NEED: lambda: links.filter(need_id=need.pk).exists(),
        Competence.THEME: lambda: links.filter(need__theme_id=need.theme_id).exists(),
        Competence.GENERAL: lambda: True,
    }
    for competence, criteria in searches:
        if competence != Competence.NEED and len(found) >= PLACES_PER_COMPETENCE:
            break
        if not covered[competence]():
            continue
        for radius_km in (NEAR_RADIUS_KM, ORIENT_RADIUS_KM):
            nearby = nearest_structures(
                latitude=origin.latitude,
                longitude=origin.longitude,
                radius_km=radius_km,
                now=at,
                exclude=seen,
                limit=PLACES_PER_COMPETENCE,
                counters=need.has_counter,
                **criteria,
            )
            if len(nearby) >= PLACES_PER_COMPETENCE:
                break
        for place in nearby:
            seen.add(_place_id(place))
            found.append(PlaceFacts.of(place, competence, at))
    return found


def _slots(
    *, network: Network, need: Need, origin: StartingPoint, at: datetime.datetime, public: bool
) -> list[SlotFacts]:
    """The first free slot of each permanence that handles the need (partners and staff)
    or, for staff appointments, that names no démarche (general mediation).

    Two queries, whatever the agenda's size: the permanences (at most
    ``MAX_PERMANENCES`` kept, the nearest), then the first free slot of each, numbered
    per permanence by a window function over the (permanence, start) index; each
    permanence keeps its own cut-off.
    """
    needs = Permanence.needs.through.objects.filter(permanence_id=OuterRef("pk"))
    permanences = (
        Permanence.objects.of_network(network)
        .active()
        .annotate(handles=Exists(needs.filter(need_id=need.pk)), names_needs=Exists(needs))
        .filter(Q(handles=True) | Q(kind=PermanenceKind.STAFF, names_needs=False))
        .select_related("site", "staff")
    )
    if public:
        permanences = permanences.filter(
            bookable_by=BookableBy.PUBLIC, site__is_public=True, site__is_active=True
        )
    else:
        permanences = permanences.filter(site__is_active=True)
    nearest = sorted(
        permanences,
        key=lambda p: (origin.distance_to(p.site.latitude, p.site.longitude), p.pk),
    )[:MAX_PERMANENCES]
    if not nearest:
        return []
    if public:
        slots = Slot.objects.free().bookable_online().filter(rules.open_online_q(nearest, at))
    else:
        slots = Slot.objects.free().filter(
            permanence_id__in=[p.pk for p in nearest], starts_at__gt=at
        )
    first = {
        slot.permanence_id: slot
        for slot in slots.filter(
            starts_at__lt=at + AGENDA_HORIZON, occurrence__status=OccurrenceStatus.SCHEDULED
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("permanence_id"),
                order_by=[F("starts_at").asc(), F("pk").asc()],
            )
        )
        .filter(rank=1)
    }
    found = []
    for permanence in nearest:
        slot = first.get(permanence.pk)
        if slot is None:
            continue
        site = permanence.site
        found.append(
            SlotFacts(
                id=slot.pk,
                permanence_id=permanence.pk,
                kind=permanence.kind,
                title=permanence.title,
                handles_need=permanence.handles,
                site_id=site.pk,
                site_name=site.name,
                site_address=f"{site.address}, {site.postcode} {site.commune_name}",
                distance_km=origin.distance_to(site.latitude, site.longitude),
                starts_at=timezone.localtime(slot.starts_at),
                ends_at=timezone.localtime(slot.ends_at),
                seats_left=slot.capacity - slot.booked,
                walk_in=permanence.walk_in,
                bookable_online=slot.is_public and permanence.bookable_by == BookableBy.PUBLIC,
                staff_role=permanence.staff.role if permanence.staff_id else "",
            )
        )
    return found


def _workshops(
    *,
    network: Network,
    need: Need,
    situation: Situation,
    origin: StartingPoint,
    at: datetime.datetime,
    public: bool,
) -> list[WorkshopFacts]:
    """Upcoming workshops with room (seats or waiting list) that teach the need or fill
    one of the visitor's missing prerequisites (no e-mail → the e-mail workshop)."""
    lack_of_slug: dict[str, list[str]] = {}
    for lack in sorted(situation.lacks):
        for slug in LACK_WORKSHOP_NEEDS.get(lack, ()):
            lack_of_slug.setdefault(slug, []).append(lack)
    wanted = Q(needs=need)
    if lack_of_slug:
        wanted |= Q(needs__slug__in=sorted(lack_of_slug))
    workshops = Workshop.objects.of_network(network).published()
    workshops = workshops.open_to_public() if public else workshops.filter(desk_registration=True)
    rows = (
        workshops.filter(wanted, starts_at__gt=at, starts_at__lt=at + AGENDA_HORIZON)
        .filter(Q(confirmed__lt=F("capacity")) | Q(waitlisted__lt=F("waitlist_capacity")))
        .select_related("site")
        .prefetch_related("needs")
        .distinct()
        .order_by("starts_at", "pk")[: MAX_WORKSHOPS * 3]
    )
    found = []
    for workshop in rows:
        slugs = {n.slug for n in workshop.needs.all()}
        fills = sorted({lack for slug in slugs for lack in lack_of_slug.get(slug, [])})
        site = workshop.site
        found.append(
            WorkshopFacts(
                id=workshop.pk,
                title=workshop.title,
                site_id=site.pk,
                site_name=site.name,
                distance_km=origin.distance_to(site.latitude, site.longitude),
                starts_at=timezone.localtime(workshop.starts_at),
                seats_left=workshop.seats_left,
                waitlist_left=workshop.waitlist_left,
                teaches_need=need.pk in {n.pk for n in workshop.needs.all()},
                fills_lacks=tuple(fills),
                public_registration=workshop.public_registration,
                desk_registration=workshop.desk_registration,
            )
        )
    return found
