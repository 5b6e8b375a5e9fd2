"""Load the demo network (``data.py``) into the database, idempotently.

Each row is matched on its natural key, validated with ``full_clean`` (the data is
typed by hand, so it goes through the same validators as a form) and written only
when something changed, so a second run reports zero changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from aiguillage.accounts.models import Membership, Role
from aiguillage.accounts.services import add_staff_member, grant_habilitation
from aiguillage.catalog.models import Need, Theme
from aiguillage.core.models import Network, Site
from aiguillage.demo import data
from aiguillage.demo.agenda import seed_agenda
from aiguillage.demo.orientation import seed_orientation
from aiguillage.demo.territory import served_communes_for_demo
from aiguillage.directory.models import Commune, Partnership, Structure, department_of
from aiguillage.directory.services import (
    add_partner_contact,
    create_partnership,
    set_priority_needs,
)

DEMO_SOURCE = "demo"


@dataclass
class DemoSummary:
    network: Network
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], summary: DemoSummary
):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        summary.count("created")
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.full_clean()
        instance.save()
        summary.count("updated")
    else:
        summary.count("unchanged")
    return instance


@transaction.atomic
def seed_demo(*, today: datetime.date) -> DemoSummary:
    """Create or refresh the demo network; habilitation dates are relative to ``today``."""
    network_values = {k: v for k, v in data.NETWORK.items() if k != "slug"}
    summary = DemoSummary(network=None)  # type: ignore[arg-type]
    network = _upsert(Network, {"slug": data.NETWORK["slug"]}, network_values, summary)
    summary.network = network

    for row in data.SITES:
        values = {k: v for k, v in row.items() if k != "slug"}
        _upsert(Site, {"network": network, "slug": row["slug"]}, values, summary)

    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for person in data.STAFF:
        existed = Membership.objects.filter(
            network=network, user__email__iexact=person["email"]
        ).exists()
        membership = add_staff_member(
            network=network,
            email=person["email"],
            full_name=person["full_name"],
            role=person["role"],
            is_salaried=person["is_salaried"],
            password=data.DEMO_PASSWORD,
        )
        summary.count("unchanged" if existed else "created")
        for hab in person.get("habilitations", []):
            until = hab["valid_until_days"]
            grant_habilitation(
                membership=membership,
                kind=hab["kind"],
                label=hab.get("label", ""),
                reference=hab["reference"],
                valid_from=today + datetime.timedelta(days=hab["valid_from_days"]),
                valid_until=None if until is None else today + datetime.timedelta(days=until),
                themes=[themes[slug] for slug in hab.get("themes", [])],
            )
        summary.logins.append((person["role"], membership.user.email, data.DEMO_PASSWORD))

    # The territory's communes, unless a national import already brought them (it wins).
    known = set(
        Commune.objects.filter(insee_code__in=[r["insee"] for r in data.COMMUNES]).values_list(
            "insee_code", flat=True
        )
    )
    for row in data.COMMUNES:
        if row["insee"] in known:
            summary.count("unchanged")
            continue
        commune = Commune(
            insee_code=row["insee"],
            name=row["name"],
            department=department_of(row["insee"]),
            postcode=row["postcode"],
            postcodes=[row["postcode"]],
            latitude=row["latitude"],
            longitude=row["longitude"],
            population=row["population"],
        )
        commune.full_clean()
        commune.save()
        summary.count("created")

    for row in data.STRUCTURES:
        values = {k: v for k, v in row.items() if k not in ("source_id", "operators")}
        structure = _upsert(
            Structure, {"source": DEMO_SOURCE, "source_id": row["source_id"]}, values, summary
        )
        needs = Need.objects.active().filter(operators__slug__in=row["operators"]).distinct()
        structure.covered_needs.set(needs)

    served = served_communes_for_demo(network)
    summary.created += served.created
    summary.unchanged += served.unchanged
    _seed_partners(network, summary)
    seed_agenda(network=network, today=today, summary=summary)
    seed_orientation(network=network, today=today, summary=summary)
    return summary


def _seed_partners(network: Network, summary: DemoSummary) -> None:
    """Priority needs and partnerships, through the services (history included)."""
    coordinator = (
        Membership.objects.filter(network=network, role=Role.COORDINATOR)
        .select_related("user")
        .first()
    )
    actor = coordinator.user if coordinator else None
    wanted = set(data.PRIORITY_NEEDS)
    current = set(network.priority_needs.values_list("need__slug", flat=True))
    if wanted != current:
        set_priority_needs(network=network, needs=Need.objects.filter(slug__in=wanted), actor=actor)
        summary.count("updated" if current else "created")
    else:
        summary.count("unchanged")
    for row in data.PARTNERSHIPS:
        structure = Structure.objects.get(source=DEMO_SOURCE, source_id=row["structure"])
        if Partnership.objects.filter(network=network, structure=structure).exists():
            summary.count("unchanged")
            continue
        partnership = create_partnership(
            network=network,
            structure=structure,
            actor=actor,
            status=row["status"],
            referral_channel=row["referral_channel"],
            agreement_start=_day(row.get("agreement_start")),
            agreement_end=_day(row.get("agreement_end")),
            reference_needs=Need.objects.filter(slug__in=row["reference_needs"]),
            notes=row["notes"],
        )
        for contact in row["contacts"]:
            add_partner_contact(partnership=partnership, actor=actor, **contact)
        summary.count("created")


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None
