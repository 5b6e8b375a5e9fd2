"""The orientation engine on a national directory and a year of agenda, and the desk page.

Two benchmarks, figures printed (see docs/benchmarks.md):

- ``bench_orientation_engine``: the directory of ``bench_directory.py`` (the France
  services list, 40,000 generated places, 100,000 services, and the communes of the
  reference data), and the agenda of ``bench_agenda.py`` (20 sites, 50 people, two
  permanences each, a year materialised, the near weeks mostly booked), with the sites
  moved to real communes of the Hérault and, on top, what a network really runs: France
  services, finances publiques, CAF and CPAM permanences, a mediator's appointments,
  a volunteer's drop-in, and a year of workshops (the e-mail one among them). Then
  ``orient()`` in process over a fixed mix of 220 cases: needs given or typed (typos,
  one that matches nothing), ten situations, every site's desk with no staff member, a
  habilitated mediator or a volunteer, and the public page from communes of the area.
  Per-call queries counted on one warm call per case, then three timed rounds, then one
  round under cProfile for where the time goes.
- ``bench_orientation_desk_throughput``: the same data in a SQLite file of its own
  (built by a child process), served by ``make serve`` (gunicorn, 3 workers,
  production settings) with ``tests.bench.serve_settings`` (the project's URLs plus a
  minimal view); a staff member logs in, then the same closed-loop load (same
  concurrency, same duration) on the minimal view and on the desk with a query.
  Requests per second of each, and the ratio. ``BENCH_DESK_URL=agenda:day`` points it
  at another staff page of the network.
"""

from __future__ import annotations

import cProfile
import datetime
import http.client
import json
import math
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import tempfile
import threading
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aiguillage.accounts.models import Membership
from aiguillage.agenda.models import BookableBy, Permanence, PermanenceKind, Slot, Workshop
from aiguillage.agenda.services.permanences import materialise
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.directory.imports.communes import import_communes
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.models import Commune, Structure
from aiguillage.orientation.engine import orient
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support
from tests.accounts.factories import PASSWORD, HabilitationFactory, MembershipFactory
from tests.agenda import test_http_race
from tests.agenda.factories import WorkshopFactory
from tests.bench import serve_urls
from tests.bench.bench_agenda import (
    TODAY,
    WINDOW_DAYS,
    _dev_env,
    _manage,
    _network,
    _use_the_agenda,
)
from tests.bench.bench_directory import GENERATED_STRUCTURES, SERVICES, _add_services
from tests.bench.directory_data import load_communes, write_lieux_csv
from tests.directory.factories import StructureFactory
from tests.reference_data import COMMUNES_CSV, FRANCE_SERVICES_CSV, needs_reference_data

REPO = Path(__file__).resolve().parents[2]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SEED = 20261124
DEPARTMENT = "34"  # the Hérault: a metropolis, mid-sized towns, a rural hinterland
SITES_MIN_POPULATION = 1500  # a commune with a library of the network
PUBLIC_COMMUNES = 30
# A Tuesday morning at the desk, and a Saturday afternoon (most partners closed).
AT = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=PARIS)
SATURDAY = datetime.datetime(2026, 11, 28, 15, 0, tzinfo=PARIS)
DESK_CASES = 160
PUBLIC_CASES = 60
ROUNDS = 3
PROFILE_TOP = 14
MEDIATOR_EMAIL = "mediation@bench.example"

pytestmark = needs_reference_data


# --- the world: a national directory and a network's year ------------------------------

# (title, kind, needs, rule, hours, slot minutes, bookable by, sites); sites are indexes
# into the network's sites. A permanence with no need and of staff is general mediation.
PERMANENCES = [
    ("France services itinérante", "partner", [
        "demander-rsa", "allocations-familiales", "acceder-compte-caf", "demander-prime-activite",
        "declarer-changement-situation-caf", "creer-compte-ameli",
        "obtenir-attestation-droits-ameli", "commander-carte-vitale", "demander-carte-identite",
        "demander-passeport", "faire-carte-grise", "demander-permis-conduire",
        "s-inscrire-france-travail", "s-actualiser-france-travail", "demander-retraite",
        "declarer-ses-revenus", "demander-aide-logement", "demander-titre-sejour",
    ], "FREQ=WEEKLY;BYDAY=TU", (9, 12), 30, BookableBy.PUBLIC, [0, 5, 11]),
    ("Finances publiques : vos impôts", "partner", [
        "declarer-ses-revenus", "premiere-declaration-revenus", "corriger-declaration-revenus",
        "creer-espace-particulier-impots", "payer-ses-impots", "modifier-taux-prelevement-source",
        "telecharger-avis-imposition",
    ], "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", (14, 17), 20, BookableBy.PUBLIC, [0, 3, 8]),
    ("CAF : rendez-vous allocataires", "partner", [
        "demander-rsa", "allocations-familiales", "acceder-compte-caf", "demander-prime-activite",
        "declaration-trimestrielle-ressources", "declarer-changement-situation-caf",
        "telecharger-attestation-caf", "demander-aide-logement", "allocation-rentree-scolaire",
    ], "FREQ=MONTHLY;BYDAY=2WE", (9, 12), 30, BookableBy.DESK, [1, 6]),
    ("Assurance maladie : vos droits", "partner", [
        "creer-compte-ameli", "obtenir-attestation-droits-ameli", "commander-carte-vitale",
        "demander-complementaire-sante-solidaire", "activer-mon-espace-sante",
    ], "FREQ=MONTHLY;BYDAY=1FR", (9, 12), 30, BookableBy.PUBLIC, [2, 9]),
    ("Point justice", "partner", [
        "obtenir-conseil-juridique", "demander-aide-juridictionnelle",
        "saisir-conciliateur-justice",
    ], "FREQ=MONTHLY;BYDAY=3MO", (14, 17), 45, BookableBy.DESK, [4]),
    ("Rendez-vous numérique", "mediator", [], "FREQ=WEEKLY;BYDAY=WE", (14, 17), 45,
     BookableBy.PUBLIC, [0, 7]),
    ("Rendez-vous démarches en ligne", "mediator", [
        "creer-adresse-email", "se-connecter-franceconnect", "scanner-envoyer-document",
        "acceder-compte-caf", "creer-espace-particulier-impots", "creer-compte-ameli",
    ], "FREQ=WEEKLY;BYDAY=FR", (9, 12), 45, BookableBy.DESK, [0, 12]),
    ("Accueil numérique sans rendez-vous", "volunteer", [], "FREQ=WEEKLY;BYDAY=SA", (10, 12),
     None, BookableBy.DESK, [3, 14]),
]  # fmt: skip

# (title, needs, level of demand): every topic runs somewhere every few weeks.
WORKSHOPS = [
    ("Créer et utiliser son adresse e-mail", ["creer-adresse-email", "envoyer-email-piece-jointe"]),
    ("Se connecter avec FranceConnect", ["se-connecter-franceconnect"]),
    ("Prendre en main son smartphone", ["prendre-en-main-smartphone", "passer-appel-video"]),
    ("Les bases de l'ordinateur", ["apprendre-bases-ordinateur", "utiliser-cle-usb"]),
    ("Scanner et envoyer un document", ["scanner-envoyer-document", "imprimer-document"]),
    ("Déclarer ses revenus en ligne", ["declarer-ses-revenus", "creer-espace-particulier-impots"]),
    ("Mon compte Ameli", ["creer-compte-ameli", "obtenir-attestation-droits-ameli"]),
    ("Déjouer les arnaques", ["se-proteger-arnaques", "gerer-mots-de-passe"]),
    ("Chercher un emploi en ligne", ["chercher-emploi-internet", "rediger-imprimer-cv"]),
]  # fmt: skip
WORKSHOPS_PER_WEEK = 3
WORKSHOP_WEEKS = 52


@dataclass
class World:
    network: Network
    sites: list[Site]
    communes: list[Commune]  # for the public page, in the same area
    mediator: Membership  # salaried, Aidants Connect on every theme but justice
    volunteer: Membership
    librarian: Membership
    seconds: dict[str, float] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def build_directory(rng: random.Random, directory: Path) -> list[str]:
    """The directory of ``bench_directory_nearest`` and the communes of France."""
    communes = load_communes()
    generated = write_lieux_csv(
        directory / "lieux.csv", GENERATED_STRUCTURES, communes, seed=20261121
    )
    reports = [
        import_directory(FRANCE_SERVICES_CSV, file_format="france-services"),
        import_directory(generated, file_format="lieux-mediation-numerique"),
    ]
    links = _add_services(rng, SERVICES)
    communes_report = import_communes(COMMUNES_CSV)
    return [
        *(report.summary_line() for report in reports),
        f"{Structure.objects.active().count()} active structures, "
        f"{Structure.covered_needs.through.objects.count()} structure-need links, "
        f"{SERVICES} services ({links} service-need links), "
        f"{communes_report.created} communes",
    ]


def _area(rng: random.Random) -> tuple[list, list[Commune]]:
    """20 communes of the department for the sites, 30 (mostly rural) for the public."""
    local = [c for c in load_communes() if c.insee.startswith(DEPARTMENT)]
    towns = sorted(
        (c for c in local if c.population >= SITES_MIN_POPULATION), key=lambda c: c.insee
    )
    weights = [math.sqrt(c.population) for c in towns]
    chosen: dict[str, object] = {}
    while len(chosen) < 20:
        commune = rng.choices(towns, weights=weights)[0]
        chosen.setdefault(commune.insee, commune)
    public = rng.sample(sorted(local, key=lambda c: c.insee), PUBLIC_COMMUNES)
    rows = Commune.objects.located().filter(insee_code__in=[c.insee for c in public])
    by_code = {c.insee_code: c for c in rows}
    return list(chosen.values()), [by_code[c.insee] for c in public if c.insee in by_code]


def _place_sites(network: Network, places: list) -> list[Site]:
    sites = list(Site.objects.filter(network=network).order_by("pk"))
    for site, place in zip(sites, places, strict=True):
        site.name = f"Médiathèque de {place.name}"
        site.commune_name = place.name
        site.commune_insee = place.insee
        site.postcode = place.postcode
        site.latitude = place.latitude
        site.longitude = place.longitude
        site.save()
    return sites


def _staff(network: Network) -> tuple[Membership, Membership, Membership]:
    mediator = MembershipFactory(
        network=network, mediator=True, user__email="mediation@bench.example"
    )
    HabilitationFactory(
        membership=mediator,
        valid_from=TODAY - datetime.timedelta(days=90),
        valid_until=TODAY + datetime.timedelta(days=365),
        themes=list(Theme.objects.exclude(slug="justice")),
    )
    volunteer = MembershipFactory(
        network=network, volunteer=True, user__email="benevole@bench.example"
    )
    librarian = MembershipFactory(network=network, user__email="accueil@bench.example")
    return mediator, volunteer, librarian


def _real_permanences(network: Network, sites: list[Site], staff: dict[str, Membership]) -> int:
    needs = {n.slug: n for n in Need.objects.all()}
    count = 0
    for title, kind, slugs, rule, hours, minutes, bookable, where in PERMANENCES:
        for index in where:
            site = sites[index]
            owner = (
                {
                    "structure": StructureFactory(
                        source="bench-orientation", name=f"{title} ({site.commune_name})"
                    ),
                    "partner_agent": "",
                }
                if kind == "partner"
                else {"staff": staff[kind]}
            )
            permanence = Permanence.objects.create(
                network=network,
                site=site,
                kind=PermanenceKind.PARTNER if kind == "partner" else PermanenceKind.STAFF,
                title=title,
                rrule=rule,
                starts_on=TODAY,
                start_time=datetime.time(hours[0], 0),
                end_time=datetime.time(hours[1], 0),
                slot_minutes=minutes,
                seats_per_slot=1,
                bookable_by=bookable,
                **owner,
            )
            permanence.needs.set([needs[slug] for slug in slugs])
            materialise(permanence=permanence, today=TODAY, window_days=WINDOW_DAYS)
            count += 1
    return count


def _workshops(rng: random.Random, network: Network, sites: list[Site]) -> int:
    """Three workshops a week for a year, topics in turn at sites in turn; the near ones
    are mostly full (some with a full waiting list too)."""
    needs = {n.slug: n for n in Need.objects.all()}
    count = 0
    for week in range(WORKSHOP_WEEKS):
        for n in range(WORKSHOPS_PER_WEEK):
            title, slugs = WORKSHOPS[(week * WORKSHOPS_PER_WEEK + n) % len(WORKSHOPS)]
            day = TODAY + datetime.timedelta(weeks=week, days=1 + 2 * n)
            starts = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=PARIS)
            capacity, waitlist = rng.choice([(8, 4), (10, 5), (12, 6)])
            full = week < 3 and rng.random() < 0.6
            workshop = WorkshopFactory(
                network=network,
                site=sites[(week * WORKSHOPS_PER_WEEK + n) % len(sites)],
                title=title,
                capacity=capacity,
                waitlist_capacity=waitlist,
                confirmed=capacity if full else rng.randint(0, capacity - 1),
                waitlisted=(waitlist if rng.random() < 0.5 else 1) if full else 0,
                public_registration=rng.random() < 0.7,
                starts_at=starts,
            )
            workshop.needs.set([needs[slug] for slug in slugs])
            count += 1
    return count


def build_world(directory: Path) -> World:
    """Everything both benchmarks read, in the current database (the test's, or a
    child process's file); same seed, same world."""
    rng = random.Random(SEED)
    seconds = {}
    start = time.perf_counter()
    lines = build_directory(rng, directory)
    seconds["directory"] = time.perf_counter() - start
    start = time.perf_counter()
    places, public_communes = _area(rng)
    network, random_permanences = _network(rng, 0, list(Need.objects.active().order_by("slug")))
    network.name = "Médiathèques du cœur d'Hérault"
    network.save()
    sites = _place_sites(network, places)
    mediator, volunteer, librarian = _staff(network)
    staff = {"mediator": mediator, "volunteer": volunteer}
    real_permanences = _real_permanences(network, sites, staff)
    workshops = _workshops(rng, network, sites)
    booked, cancelled = _use_the_agenda(rng)
    seconds["agenda"] = time.perf_counter() - start
    lines.append(
        f"network {network.slug!r}: {len(sites)} sites in the department {DEPARTMENT} "
        f"({', '.join(s.commune_name for s in sites[:4])}, …), "
        f"{random_permanences} permanences of bench_agenda's 50 people + {real_permanences} "
        f"of partners and staff, {Slot.objects.filter(network=network).count()} slots over "
        f"{WINDOW_DAYS} days ({booked} full, {cancelled} dates cancelled), {workshops} "
        f"workshops ({Workshop.objects.filter(needs__slug='creer-adresse-email').count()} "
        f"on e-mail)"
    )
    return World(
        network=network,
        sites=sites,
        communes=public_communes,
        mediator=mediator,
        volunteer=volunteer,
        librarian=librarian,
        seconds=seconds,
        lines=lines,
    )


# --- the mix ---------------------------------------------------------------------------

BY_SLUG = [
    "declarer-ses-revenus", "premiere-declaration-revenus", "demander-rsa",
    "allocations-familiales", "creer-compte-ameli", "demander-carte-identite",
    "faire-carte-grise", "s-inscrire-france-travail", "demander-aide-logement",
    "demander-retraite", "demander-titre-sejour", "creer-adresse-email",
    "faire-demande-mdph", "obtenir-conseil-juridique", "declarer-assistante-maternelle",
    "activer-pass-culture",
]  # fmt: skip
TYPED = [
    "impots", "déclarer mes impôts", "caf rsa", "alocation familliale", "carte grise",
    "pasport", "titre de sejour", "ameli", "retraite", "adresse mail", "cv",
    "france travail", "apl", "mdph", "xqzw blorp",
]  # fmt: skip
DEADLINE_TOMORROW = AT.date() + datetime.timedelta(days=1)
SITUATIONS = [
    ("nothing ticked", Situation()),
    ("autonomous first-timer", Situation(autonomy=Autonomy.AUTONOMOUS, first_time=True)),
    ("cannot use a computer", Situation(autonomy=Autonomy.FULLY_ASSISTED)),
    ("no e-mail", Situation(autonomy=Autonomy.PARTLY_AUTONOMOUS, lacks=frozenset({Lack.EMAIL}))),
    ("no device", Situation(lacks=frozenset({Lack.DEVICE}))),
    ("no FranceConnect, no scanner",
     Situation(autonomy=Autonomy.PARTLY_AUTONOMOUS,
               lacks=frozenset({Lack.FRANCECONNECT, Lack.SCANNER}))),
    ("deaf", Situation(support=frozenset({Support.DEAFNESS}))),
    ("French not mastered, deadline tomorrow",
     Situation(french_not_mastered=True, deadline=DEADLINE_TOMORROW)),
    ("visual impairment, no e-mail",
     Situation(autonomy=Autonomy.FULLY_ASSISTED, support=frozenset({Support.VISUAL}),
               lacks=frozenset({Lack.EMAIL}))),
    ("deadline in 5 days", Situation(deadline=AT.date() + datetime.timedelta(days=5))),
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    label: str
    group: dict[str, str]
    kwargs: dict


def cases(world: World) -> list[Case]:
    """The fixed mix: every site's desk with each kind of staff, the public page from
    communes of the area; needs given or typed; every situation; two moments."""
    rng = random.Random(SEED)
    staff = [("no staff", None), ("mediator", world.mediator), ("volunteer", world.volunteer)]
    found = []
    for index in range(DESK_CASES + PUBLIC_CASES):
        public = index >= DESK_CASES
        typed = rng.random() < 0.45
        what = rng.choice(TYPED) if typed else rng.choice(BY_SLUG)
        situation_label, situation = rng.choice(SITUATIONS)
        at = SATURDAY if rng.random() < 0.2 else AT
        kwargs = {"network": world.network, "situation": situation, "at": at}
        kwargs |= {"query": what} if typed else {"need_slug": what}
        if public:
            commune = world.communes[index % len(world.communes)]
            kwargs |= {"commune": commune, "public": True}
            where, who = f"public from {commune.name}", "public"
        else:
            site = world.sites[index % len(world.sites)]
            who, membership = staff[(index // len(world.sites)) % len(staff)]
            kwargs |= {"site": site, "membership": membership}
            where = f"desk at {site.commune_name}"
        found.append(
            Case(
                label=f"{what!r}, {situation_label}, {where}, {who}, {at:%a %H:%M}",
                group={
                    "where": "public" if public else "desk",
                    "need": "typed" if typed else "given",
                    "who": who,
                },
                kwargs=kwargs,
            )
        )
    return found


# --- timing ----------------------------------------------------------------------------


def run(case: Case):
    """What a caller does: the desk form, the command and the API read a given need by
    its slug (``for_search``: theme and operators with it), then orient."""
    kwargs = dict(case.kwargs)
    slug = kwargs.pop("need_slug", None)
    if slug is not None:
        kwargs["need"] = Need.objects.for_search().filter(slug=slug).first()
    return orient(**kwargs)


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (
        f"p50 {statistics.median(ordered):7.2f} ms  p95 {_percentile(ordered, 0.95):7.2f} ms  "
        f"max {ordered[-1]:7.2f} ms"
    )


def _profile(mix: list[Case]) -> list[str]:
    """One round under cProfile: the project's functions by cumulative time, and the
    functions that spend the most time themselves (SQL, model instances, parsing)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for case in mix:
        run(case)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.values())
    per_call = 1000 / len(mix)

    def where(key) -> str:
        filename, line, name = key
        if "/aiguillage/" in filename:
            return f"{filename.split('/aiguillage/', 1)[1]}:{line} {name}"
        if "site-packages/" in filename:
            return f"{filename.split('site-packages/', 1)[1]}:{line} {name}"
        return name if filename == "~" else f"{Path(filename).name}:{line} {name}"

    ours = sorted(
        ((key, value) for key, value in stats.items() if "/aiguillage/" in key[0]),
        key=lambda item: -item[1][3],
    )[:PROFILE_TOP]
    own = sorted(stats.items(), key=lambda item: -item[1][2])[:PROFILE_TOP]
    lines = [
        f"  profile: one round of {len(mix)} cases under cProfile, {total:.2f} s "
        f"({total * per_call:.1f} ms a call with the profiler's overhead)",
        "    the project's functions, by cumulative time (ms a call of orient, calls a call):",
    ]
    for key, (_cc, nc, _tt, ct, _callers) in ours:
        lines.append(f"      {ct * per_call:7.2f} ms {nc / len(mix):7.1f}  {where(key)}")
    lines.append("    any function, by its own time:")
    for key, (_cc, nc, tt, _ct, _callers) in own:
        lines.append(f"      {tt * per_call:7.2f} ms {nc / len(mix):7.1f}  {where(key)}")
    return lines


@pytest.mark.django_db
def bench_orientation_engine():
    with tempfile.TemporaryDirectory(prefix="bench-orientation-") as directory:
        world = build_world(Path(directory))
    mix = cases(world)
    for case in mix:  # warm-up: connection, statement cache, need index, opening hours
        run(case)
    queries, answers = [], []
    for case in mix:
        reset_queries()  # the log keeps 9,000 queries: count from an empty one
        with CaptureQueriesContext(connection) as captured:
            answer = run(case)
        queries.append(len(captured))
        answers.append(answer)
    samples: dict[int, list[float]] = {index: [] for index in range(len(mix))}
    for _round in range(ROUNDS):
        for index, case in enumerate(mix):
            start = time.perf_counter()
            run(case)
            samples[index].append((time.perf_counter() - start) * 1000)
    profile = _profile(mix)

    def flat(**wanted) -> list[float]:
        return [
            ms
            for index, case in enumerate(mix)
            if all(case.group[k] == v for k, v in wanted.items())
            for ms in samples[index]
        ]

    modes = Counter(mode for answer in answers for mode in answer.modes_proposed)
    version = sqlite3.sqlite_version if connection.vendor == "sqlite" else ""
    print(
        f"\norientation engine on {connection.vendor} {version}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for line in world.lines:
        print(f"  {line}")
    print(
        f"  setup: directory {world.seconds['directory']:.1f} s, "
        f"agenda {world.seconds['agenda']:.1f} s"
    )
    desk = [c for c in mix if c.group["where"] == "desk"]
    print(
        f"  mix: {len(mix)} cases: {len(desk)} at the desk of the {len(world.sites)} sites "
        f"(no staff, a mediator habilitated Aidants Connect, a volunteer), "
        f"{len(mix) - len(desk)} public from {len(world.communes)} communes of the area; "
        f"{sum(c.group['need'] == 'typed' for c in mix)} typed ({len(TYPED)} texts, typos and "
        f"one that matches nothing), the others among {len(BY_SLUG)} needs; "
        f"{len(SITUATIONS)} situations; Tuesday 10:30 or Saturday 15:00"
    )
    print(
        f"  answers: {sum(not a.unmet for a in answers)} with recommendations "
        f"(median {statistics.median(len(a.recommendations) for a in answers):.0f}), "
        f"{sum(a.unmet for a in answers)} unmet; modes proposed "
        f"{', '.join(f'{mode} {n}' for mode, n in sorted(modes.items()))}"
    )
    print(
        f"  queries per orient() (one warm call per case): min {min(queries)}, "
        f"median {statistics.median(queries):.0f}, max {max(queries)}"
    )
    print(f"  orient(), {ROUNDS} rounds after a warm-up round, in process:")
    print(f"    every case:               {_ms(flat())}")
    for label, wanted in (
        ("at the desk", {"where": "desk"}),
        ("public page", {"where": "public"}),
        ("need given", {"need": "given"}),
        ("need typed", {"need": "typed"}),
        ("desk, no staff", {"who": "no staff"}),
        ("desk, mediator", {"who": "mediator"}),
        ("desk, volunteer", {"who": "volunteer"}),
    ):
        print(f"    {label + ':':26}{_ms(flat(**wanted))}")
    slowest = sorted(range(len(mix)), key=lambda i: -statistics.median(samples[i]))[:3]
    for index in slowest:
        print(
            f"  slow: {statistics.median(samples[index]):6.2f} ms, {queries[index]} queries: "
            f"{mix[index].label}"
        )
    for line in profile:
        print(line)


# --- the desk under load ---------------------------------------------------------------

DESK_URL_NAME = os.environ.get("BENCH_DESK_URL", "orientation:desk")
CONCURRENCY = 6  # twice the workers: none waits for a request
DURATION = 10.0  # seconds of load for each page, each round
LOAD_ROUNDS = 3  # minimal, desk, minimal, desk, minimal, desk
WARM_UP_REQUESTS = 30
DESK_QUERIES = ["impots", "caf rsa", "carte grise", "alocation familliale", "adresse mail"]

SEED_WORLD = """
import json, tempfile
from pathlib import Path
from django.db import transaction
from tests.bench.bench_orientation import build_world
with tempfile.TemporaryDirectory() as directory, transaction.atomic():
    world = build_world(Path(directory))
print(json.dumps(world.seconds))
"""
# What the load needs to know of the world, read back from the server's database.
WORLD_INFO = """
import json
from aiguillage.accounts.models import Membership, Role
from aiguillage.core.models import Site
mediator = Membership.objects.select_related("network", "user").get(
    user__email="EMAIL", role=Role.DIGITAL_MEDIATOR)
sites = Site.objects.filter(network=mediator.network).order_by("pk")
print(json.dumps({"network": mediator.network.slug, "email": mediator.user.email,
                  "sites": list(sites.values_list("slug", flat=True))}))
"""


def _request(port: int, path: str, *, cookies: dict, method="GET", body=None, timeout=60):
    """(status, headers, body) on a connection of its own (sync workers close it)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        client.close()


def _set_cookies(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def _log_in(port: int, email: str) -> dict[str, str]:
    """The login form, as a browser posts it: the session cookie it sets."""
    path = reverse("accounts:login")
    status, headers, page = _request(port, path, cookies={})
    assert status == 200, status
    cookies = _set_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
    status, headers, _ = _request(port, path, cookies=cookies, method="POST", body=form)
    cookies |= _set_cookies(headers)
    assert status == 302 and "sessionid" in cookies, f"login failed: {status}"
    return cookies


@dataclass
class Load:
    requests: int
    seconds: float
    statuses: Counter
    latencies: list[float]
    client_cpu: float  # seconds of this process's CPU during the load (the generator's)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _load(port: int, paths: list[str], cookies: dict) -> Load:
    """CONCURRENCY threads, each sending one request after the other (closed loop) for
    DURATION seconds, paths in turn; only answers finished in time count."""
    stop = time.monotonic() + DURATION
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []

    def worker(offset: int) -> None:
        n = offset
        while True:
            start = time.monotonic()
            if start >= stop:
                return
            status, _headers, _body = _request(port, paths[n % len(paths)], cookies=cookies)
            end = time.monotonic()
            n += 1
            if end <= stop:
                with lock:
                    statuses[status] += 1
                    latencies.append((end - start) * 1000)

    cpu = time.process_time()
    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(
        requests=sum(statuses.values()),
        seconds=min(time.monotonic(), stop) - began,
        statuses=statuses,
        latencies=latencies,
        client_cpu=time.process_time() - cpu,
    )


def _desk_paths(network: str, sites: list[str]) -> list[str]:
    base = reverse(DESK_URL_NAME, kwargs={"network_slug": network})
    return [
        f"{base}?{urlencode({'q': query, 'site': sites[n % len(sites)]})}"
        for n, query in enumerate(DESK_QUERIES)
    ]


def bench_orientation_desk_throughput(monkeypatch):
    reverse(DESK_URL_NAME, kwargs={"network_slug": "bench"})  # a wrong name fails at once
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-orientation-desk-") as directory:
        work = Path(directory)
        prebuilt = os.environ.get("BENCH_ORIENTATION_DATABASE_URL", "")
        env = _dev_env(prebuilt or f"sqlite:///{work / 'desk.sqlite3'}")
        start = time.perf_counter()
        if not prebuilt:
            _manage(
                "from django.core.management import call_command; "
                "call_command('migrate', verbosity=0); print('ok')",
                env=env,
            )
            _manage(SEED_WORLD, env=env)
        seed_seconds = time.perf_counter() - start
        seeded = json.loads(_manage(WORLD_INFO.replace("EMAIL", MEDIATOR_EMAIL), env=env))
        # make serve as the race benchmark starts it, with this directory's settings. The
        # mediator logs in with a password only: two-factor authentication is explicitly
        # off here (its middleware still runs on every request, as in production).
        production_env = test_http_race.production_env
        monkeypatch.setattr(
            test_http_race,
            "production_env",
            lambda **kwargs: (
                production_env(**kwargs)
                | {
                    "DJANGO_SETTINGS_MODULE": "tests.bench.serve_settings",
                    "AIGUILLAGE_REQUIRE_2FA": "false",
                }
            ),
        )
        server = test_http_race.start_server(
            database_url=env["DATABASE_URL"], var_dir=work, log=work / "serve.log"
        )
        try:
            cookies = _log_in(server.port, seeded["email"])
            targets = {
                "minimal view": [serve_urls.MINIMAL_PATH],
                "desk": _desk_paths(seeded["network"], seeded["sites"]),
            }
            for label, paths in targets.items():
                for n in range(WARM_UP_REQUESTS):
                    status, headers, _ = _request(
                        server.port, paths[n % len(paths)], cookies=cookies
                    )
                    assert status == 200, f"{label} {paths[n % len(paths)]}: {status} {headers}"
            rounds: dict[str, list[Load]] = {label: [] for label in targets}
            for _round in range(LOAD_ROUNDS):
                for label, paths in targets.items():
                    rounds[label].append(_load(server.port, paths, cookies))
        finally:
            test_http_race.stop_server(server)
            server_log = server.output

    print(
        f"\norientation desk over HTTP: make serve (gunicorn, {test_http_race.WORKERS} "
        f"workers, production settings + tests.bench.serve_settings), SQLite "
        f"{sqlite3.sqlite_version}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average before "
        f"{load_average:.1f}"
    )
    built = (
        "the database at BENCH_ORIENTATION_DATABASE_URL, built by an earlier run"
        if os.environ.get("BENCH_ORIENTATION_DATABASE_URL")
        else f"a SQLite file of its own, built by a child process in {seed_seconds:.0f} s"
    )
    print(f"  data: the engine benchmark's world in {built}; logged in as the salaried mediator")
    print(
        f"  load: {CONCURRENCY} client threads in this process, closed loop, a new "
        f"connection per request, {DURATION:.0f} s per page, {LOAD_ROUNDS} rounds "
        f"alternating, after {WARM_UP_REQUESTS} warm-up requests each"
    )
    print(f"  desk URL: {DESK_URL_NAME} {targets['desk'][0]} (then {len(DESK_QUERIES)} "
          f"queries in turn: {', '.join(DESK_QUERIES)})")  # fmt: skip
    for label, loads in rounds.items():
        for load in loads:
            ordered = sorted(load.latencies)
            others = {s: n for s, n in load.statuses.items() if s != 200}
            print(
                f"  {label + ':':14}{load.rate:7.1f} req/s ({load.requests} in "
                f"{load.seconds:.1f} s), latency p50 {statistics.median(ordered):6.1f} ms "
                f"p95 {_percentile(ordered, 0.95):6.1f} ms; not 200: {others or 'none'}; "
                f"client CPU {load.client_cpu / load.seconds:.0%} of a core"
            )
    minimal = statistics.median(load.rate for load in rounds["minimal view"])
    desk_rate = statistics.median(load.rate for load in rounds["desk"])
    print(
        f"  desk / minimal view: {desk_rate:.1f} / {minimal:.1f} req/s = "
        f"{desk_rate / minimal:.3f} (median of the rounds)"
    )
    if any(set(load.statuses) != {200} for loads in rounds.values() for load in loads):
        print(f"  server log (end):\n{server_log}")
