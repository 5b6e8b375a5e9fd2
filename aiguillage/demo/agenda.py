"""The demo network's agenda: partner and staff permanences, a month of workshops,
and a few bookings, written through the agenda's services, idempotently.

A permanence or a workshop is matched on its title in the network: an existing one
is left as it is (only its dates are materialised further), so a second run changes
nothing. Dates are relative to ``today``; the finances publiques permanences follow
the next income-tax campaign (April to June). Visitors are obviously fake: a first
name and an address at example.org (RFC 2606), never a phone number that could ring.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from aiguillage.accounts.models import Membership
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    BookableBy,
    Channel,
    Closure,
    Level,
    Permanence,
    PermanenceKind,
    Workshop,
    WorkshopStatus,
)
from aiguillage.agenda.place_calendar import closure_on, closures_between, public_holiday
from aiguillage.agenda.recurrence import Window, weekly
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.closures import declare_closure
from aiguillage.agenda.services.permanences import materialise, save_permanence
from aiguillage.agenda.services.workshops import register, save_workshop
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Structure

if TYPE_CHECKING:
    from aiguillage.demo.seed import DemoSummary

DEMO_SOURCE = "demo"
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = 1, 2, 3, 4, 5
PEOPLE = [
    "Camille", "Dominique", "Alex", "Sacha", "Lou", "Noa",
    "Maxime", "Claude", "Andréa", "Charlie", "Eden", "Gabi",
]  # fmt: skip


# Booked at the desk with a first name only: no e-mail, no mobile phone (the slip is
# their confirmation), as many of the people the desk receives.
WITHOUT_CONTACT = frozenset({"Yanis"})


def visitor(first_name: str) -> Visitor:
    if first_name in WITHOUT_CONTACT:
        return Visitor(first_name=first_name)
    return Visitor(
        first_name=first_name,
        email=f"{first_name.lower().replace('é', 'e')}@example.org",
        consent_reminders=True,
    )


def _tax_campaign(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """April to June of the coming (or current) income-tax campaign."""
    year = today.year if today.month <= 6 else today.year + 1
    return datetime.date(year, 4, 1), datetime.date(year, 6, 30)


def _permanences(today: datetime.date) -> list[dict]:
    campaign_start, campaign_end = _tax_campaign(today)
    return [
        {
            "title": "Permanence France services",
            "site": "lodeve",
            "kind": PermanenceKind.PARTNER,
            "structure": "fs-lodevois-larzac",
            "partner_agent": "Sophie Lambert",
            # Before the library opens (14:00 on Tuesdays): the coordinator said so.
            "outside_opening_hours": True,
            "rrule": weekly(TUESDAY),
            "starts_on": today,
            "ends_on": None,
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(12, 0),
            "slot_minutes": 30,
            "seats_per_slot": 1,
            "bookable_by": BookableBy.PUBLIC,
            "needs": [
                "demander-rsa",
                "allocations-familiales",
                "creer-compte-ameli",
                "s-inscrire-france-travail",
                "demander-aide-logement",
            ],
            "book": [
                ("Alex", "demander-rsa"),
                ("Lou", "creer-compte-ameli"),
                ("Yanis", "demander-rsa"),
            ],
        },
        {
            "title": "Impôts : aide à la déclaration de revenus",
            "site": "lodeve",
            "kind": PermanenceKind.PARTNER,
            "structure": "cfp-lodeve",
            "partner_agent": "Marc Olivier",
            "rrule": weekly(THURSDAY),
            "starts_on": campaign_start,
            "ends_on": campaign_end,
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(17, 0),
            "slot_minutes": 20,
            "seats_per_slot": 1,
            "bookable_by": BookableBy.PUBLIC,
            "needs": [
                "declarer-ses-revenus",
                "premiere-declaration-revenus",
                "corriger-declaration-revenus",
                "creer-espace-particulier-impots",
            ],
            "book": [],
        },
        {
            "title": "Impôts : permanence du Caylar",
            "site": "le-caylar",
            "kind": PermanenceKind.PARTNER,
            "structure": "cfp-lodeve",
            "partner_agent": "",
            "rrule": weekly(WEDNESDAY, interval=2),
            "starts_on": campaign_start,
            "ends_on": campaign_end,
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(16, 30),
            "slot_minutes": 30,
            "seats_per_slot": 1,
            "bookable_by": BookableBy.DESK,
            "needs": ["declarer-ses-revenus", "premiere-declaration-revenus"],
            "book": [],
        },
        {
            "title": "Rendez-vous numérique avec Inès",
            "site": "lodeve",
            "kind": PermanenceKind.STAFF,
            "staff": "ines.garcia@mediatheques-demo.example",
            "rrule": weekly(WEDNESDAY),
            "starts_on": today,
            "ends_on": None,
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(17, 0),
            "slot_minutes": 45,
            "seats_per_slot": 1,
            "bookable_by": BookableBy.PUBLIC,
            "needs": [
                "creer-adresse-email",
                "se-connecter-franceconnect",
                "acceder-compte-caf",
                "creer-espace-particulier-impots",
                "scanner-envoyer-document",
            ],
            "book": [("Camille", "creer-adresse-email"), ("Dominique", None)],
        },
        {
            "title": "Accueil numérique sans rendez-vous",
            "site": "le-bosc",
            "kind": PermanenceKind.STAFF,
            "staff": "karim.benali@mediatheques-demo.example",
            "rrule": weekly(SATURDAY),
            "starts_on": today,
            "ends_on": None,
            "start_time": datetime.time(10, 0),
            "end_time": datetime.time(12, 0),
            "slot_minutes": None,
            "seats_per_slot": 1,
            "bookable_by": BookableBy.DESK,
            "needs": [],
            "book": [],
        },
    ]


def _next(today: datetime.date, weekday: int, week: int) -> datetime.date:
    """The ``weekday`` of the ``week``-th week after ``today`` (week 1: the coming one)."""
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + datetime.timedelta(days=ahead + 7 * (week - 1))


def _workshops(today: datetime.date) -> list[dict]:
    return [
        {
            "title": "Créer et utiliser son adresse e-mail",
            "description": (
                "Créer une adresse e-mail, lire et écrire un message, envoyer un document. "
                "Pour les personnes qui débutent."
            ),
            "site": "lodeve",
            "animator": "ines.garcia@mediatheques-demo.example",
            "level": Level.BEGINNER,
            "sessions": [(_next(today, TUESDAY, 1), 14)],
            "capacity": 8,
            "waitlist_capacity": 4,
            "needs": ["creer-adresse-email", "envoyer-email-piece-jointe"],
            "people": 3,
        },
        {
            "title": "Se connecter avec FranceConnect",
            "description": (
                "Comprendre FranceConnect et s'en servir pour ses démarches : impôts, Ameli, "
                "CAF. Venez avec vos identifiants si vous en avez."
            ),
            "site": "le-bosc",
            "animator": "karim.benali@mediatheques-demo.example",
            "level": Level.INTERMEDIATE,
            "sessions": [(_next(today, SATURDAY, 2), 10)],
            "capacity": 6,
            "waitlist_capacity": 3,
            "needs": ["se-connecter-franceconnect", "creer-identite-numerique-la-poste"],
            "people": 8,  # full, two waiting
        },
        {
            "title": "Premiers pas avec son smartphone",
            "description": (
                "En deux séances : allumer, appeler, envoyer un message, installer une "
                "application. Apportez votre téléphone."
            ),
            "site": "lodeve",
            "animator": "ines.garcia@mediatheques-demo.example",
            "level": Level.BEGINNER,
            "sessions": [(_next(today, FRIDAY, 2), 14), (_next(today, FRIDAY, 3), 14)],
            "what_to_bring": "Votre téléphone, chargé, et son code de déverrouillage",
            "capacity": 6,
            "waitlist_capacity": 4,
            "needs": ["prendre-en-main-smartphone"],
            "people": 9,  # full, three waiting
        },
        {
            "title": "Se protéger des arnaques en ligne",
            "description": (
                "Reconnaître un faux message, un faux site, un faux conseiller ; choisir ses "
                "mots de passe ; savoir quoi faire en cas de doute."
            ),
            "site": "le-caylar",
            "animator": "karim.benali@mediatheques-demo.example",
            "level": Level.BEGINNER,
            "sessions": [(_next(today, WEDNESDAY, 4), 14)],
            "capacity": 10,
            "waitlist_capacity": 0,
            "needs": ["se-proteger-arnaques", "gerer-mots-de-passe"],
            "people": 2,
        },
    ]


def _working_days(site: Site, sessions: list[tuple[datetime.date, int]]):
    """The sessions, each a week later while it falls on a public holiday or a closure
    (the demo is seeded on any date: a Friday session may be 25 December)."""
    moved, taken = [], set()
    for day, hour in sessions:
        while public_holiday(site, day) or day in taken or _closed(site, day):
            day += datetime.timedelta(days=7)
        taken.add(day)
        moved.append((day, hour))
    return moved


def _closed(site: Site, day: datetime.date) -> bool:
    return closure_on(day, closures_between(site, day, day)) is not None


def _inventory_day(today: datetime.date) -> datetime.date:
    """The Saturday of the third week: Le Bosc closes for its inventory."""
    return _next(today, SATURDAY, 3)


def _seed_closure(network: Network, sites: dict, *, today, now, summary) -> None:
    day = _inventory_day(today)
    site = sites["le-bosc"]
    if Closure.objects.filter(network=network, site=site).exists():
        summary.count("unchanged")
        return
    declare_closure(
        network=network,
        site=site,
        starts_on=day,
        ends_on=day,
        reason="inventaire",
        actor=None,
        now=now,
    )
    summary.count("created")


def _needs(slugs: list[str]) -> list[int]:
    return list(Need.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def seed_agenda(*, network: Network, today: datetime.date, summary: DemoSummary) -> None:
    """Create what is missing of the demo agenda; existing rows are left alone."""
    now = datetime.datetime.combine(today, datetime.time(7, 0), tzinfo=network.zone)
    sites = {site.slug: site for site in Site.objects.filter(network=network)}
    members = {
        m.user.email: m for m in Membership.objects.filter(network=network).select_related("user")
    }
    for row in _permanences(today):
        existing = Permanence.objects.filter(network=network, title=row["title"]).first()
        if existing is not None:
            materialise(permanence=existing, today=today)
            summary.count("unchanged")
            continue
        _create_permanence(network, row, sites, members, today=today, now=now, summary=summary)
    _seed_closure(network, sites, today=today, now=now, summary=summary)
    for row in _workshops(today):
        if Workshop.objects.filter(network=network, title=row["title"]).exists():
            summary.count("unchanged")
            continue
        _create_workshop(network, row, sites, members, now=now, summary=summary)


def _create_permanence(network, row, sites, members, *, today, now, summary) -> None:
    permanence = Permanence(
        network=network,
        site=sites[row["site"]],
        kind=row["kind"],
        title=row["title"],
        structure=(
            Structure.objects.get(source=DEMO_SOURCE, source_id=row["structure"])
            if row["kind"] == PermanenceKind.PARTNER
            else None
        ),
        partner_agent=row.get("partner_agent", ""),
        staff=members[row["staff"]] if row["kind"] == PermanenceKind.STAFF else None,
        rrule=row["rrule"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        start_time=row["start_time"],
        end_time=row["end_time"],
        slot_minutes=row["slot_minutes"],
        seats_per_slot=row["seats_per_slot"],
        bookable_by=row["bookable_by"],
        outside_opening_hours=row.get("outside_opening_hours", False),
    )
    save_permanence(permanence=permanence, needs=_needs(row["needs"]), today=today)
    summary.count("created")
    free = permanence.slots.filter(starts_at__gt=now).order_by("starts_at")
    booker = next((m.user for m in members.values() if m.role == "librarian"), None)
    for (first_name, need_slug), slot in zip(row["book"], free, strict=False):
        book_slot(
            slot=slot,
            visitor=visitor(first_name),
            need=Need.objects.get(slug=need_slug) if need_slug else None,
            channel=Channel.DESK,
            now=now,
            actor=booker,
            tell=False,  # the demo's people are made up: nobody to tell
        )
        summary.count("created")


def _create_workshop(network, row, sites, members, *, now, summary) -> None:
    workshop = Workshop(
        network=network,
        site=sites[row["site"]],
        title=row["title"],
        description=row["description"],
        level=row["level"],
        animator=members[row["animator"]].user,
        capacity=row["capacity"],
        waitlist_capacity=row["waitlist_capacity"],
        desk_registration=True,
        public_registration=True,
        status=WorkshopStatus.PUBLISHED,
        what_to_bring=row.get("what_to_bring", ""),
    )
    sessions = [
        Window(
            datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=network.zone),
            datetime.datetime.combine(day, datetime.time(hour + 2, 0), tzinfo=network.zone),
        )
        for day, hour in _working_days(workshop.site, row["sessions"])
    ]
    save_workshop(workshop=workshop, sessions=sessions, needs=_needs(row["needs"]), now=now)
    summary.count("created")
    for first_name in PEOPLE[: row["people"]]:
        channel = Channel.ONLINE if len(first_name) % 2 else Channel.DESK
        register(
            workshop=workshop,
            visitor=visitor(first_name),
            channel=channel,
            now=now,
            tell=False,
        )
        summary.count("created")
