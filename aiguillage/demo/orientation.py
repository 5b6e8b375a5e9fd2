"""The demo network's charter and a few weeks of anonymous desk interactions.

The charter shows what a real one looks like: the usual order, a rural site where the
library goes further (Le Caylar, far from every service: volunteers may accompany
sensitive démarches there), and a theme the network never acts for (justice). The
interactions give the coverage page and the partner finder something to read.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from aiguillage.accounts.models import Role
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.orientation.models import (
    OUTCOME_MODE,
    Charter,
    CharterRule,
    Interaction,
    Mode,
    Outcome,
)
from aiguillage.orientation.services import set_charter, set_rule

if TYPE_CHECKING:
    from aiguillage.demo.seed import DemoSummary

# (days ago, hour, site slug, role, need slug, outcome, situation flags)
INTERACTIONS: tuple[tuple[int, int, str, str, str, str, list[str]], ...] = (
    (1, 10, "lodeve", Role.LIBRARIAN, "declarer-ses-revenus", Outcome.ORIENTED, []),
    (1, 11, "lodeve", Role.LIBRARIAN, "demander-rsa", Outcome.BOOKED_PARTNER, ["lacks:email"]),
    (2, 15, "le-bosc", Role.VOLUNTEER, "commander-carte-vitale", Outcome.ORIENTED, []),
    (3, 14, "le-caylar", Role.DIGITAL_MEDIATOR, "creer-adresse-email", Outcome.ACCOMPANIED, []),
    (4, 10, "lodeve", Role.LIBRARIAN, "faire-carte-grise", Outcome.NO_SOLUTION, ["deadline"]),
    (6, 16, "le-caylar", Role.LIBRARIAN, "faire-carte-grise", Outcome.NO_SOLUTION, []),
    (8, 9, "lodeve", Role.DIGITAL_MEDIATOR, "demander-rsa", Outcome.REGISTERED_WORKSHOP,
     ["lacks:email"]),
    (9, 11, "le-bosc", Role.LIBRARIAN, "declarer-ses-revenus", Outcome.ORIENTED, ["first_time"]),
    (12, 15, "lodeve", Role.LIBRARIAN, "demander-titre-sejour", Outcome.NO_SOLUTION,
     ["french_not_mastered"]),
)  # fmt: skip


def seed_orientation(*, network: Network, today: datetime.date, summary: DemoSummary) -> None:
    if Charter.objects.filter(network=network).exists():
        summary.count("unchanged")
    else:
        set_charter(
            network=network,
            mode_order=[Mode.ORIENT, Mode.PARTNER_ON_SITE, Mode.TRAIN, Mode.ACCOMPANY,
                        Mode.ACT_FOR],
            max_distance_km=15,
            max_wait_days=10,
            actor=None,
        )  # fmt: skip
        summary.count("created")
    caylar = Site.objects.get(network=network, slug="le-caylar")
    rules = [
        {"mode": Mode.ACCOMPANY, "allowed": True, "site": caylar, "volunteers_sensitive": True,
         "roles": [Role.COORDINATOR, Role.LIBRARIAN, Role.DIGITAL_MEDIATOR, Role.VOLUNTEER],
         "max_distance_km": 20},
        {"mode": Mode.ACT_FOR, "allowed": False, "roles": [],
         "theme": Theme.objects.get(slug="justice")},
    ]  # fmt: skip
    for rule in rules:
        scope = {"site": rule.get("site"), "theme": rule.get("theme"), "mode": rule["mode"]}
        if CharterRule.objects.filter(network=network, need=None, **scope).exists():
            summary.count("unchanged")
            continue
        set_rule(network=network, actor=None, **rule)
        summary.count("created")
    if Interaction.objects.of_network(network).exists():
        summary.count("unchanged")
        return
    sites = {site.slug: site for site in network.sites.all()}
    needs = {need.slug: need for need in Need.objects.all()}

    rows = []
    for days, hour, site, role, need, outcome, flags in INTERACTIONS:
        if need not in needs:
            continue
        rows.append(
            Interaction(
                network=network,
                site=sites[site],
                day=today - datetime.timedelta(days=days),
                hour=hour,
                staff_role=role,
                need=needs[need],
                situation=flags,
                modes_proposed=[] if outcome == Outcome.NO_SOLUTION else [OUTCOME_MODE[outcome]],
                mode_chosen=OUTCOME_MODE.get(outcome, ""),
                duration="5-15",
                outcome=outcome,
            )
        )
    Interaction.objects.bulk_create(rows)
    summary.created += len(rows)
