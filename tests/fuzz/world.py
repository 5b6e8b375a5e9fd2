"""The data the fuzz tests throw input at: the demo network (every role, permanences
with free slots, workshops, bookings, partners, a charter) and a second, smaller network
whose rows must never be touched, whatever is typed in the first one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from aiguillage.accounts.models import Membership, Role, User
from aiguillage.agenda.contact import Visitor, manage_token
from aiguillage.agenda.links import APPOINTMENT, REGISTRATION
from aiguillage.agenda.models import (
    Appointment,
    Occurrence,
    Permanence,
    Registration,
    Slot,
    Workshop,
    WorkshopSession,
)
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.core.models import Network, Site
from aiguillage.demo.seed import seed_demo
from aiguillage.directory.models import (
    Commune,
    PartnerContact,
    Partnership,
    ServedCommune,
    Structure,
)
from aiguillage.directory.services import add_partner_contact, create_partnership
from aiguillage.orientation.models import CharterRule
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory
from tests.orientation.factories import CharterRuleFactory

# Ids that exist nowhere: zero, negative, past the 32- and 64-bit limits.
NOWHERE = (0, -1, 2**31, 2**63 - 1, 2**63, 10**30)


@dataclass
class World:
    network: Network
    other: Network
    members: dict[str, Membership]  # role -> a member of the demo network
    other_coordinator: Membership
    own: dict[str, list[int]] = field(default_factory=dict)  # kind -> ids in the demo
    foreign: dict[str, list[int]] = field(default_factory=dict)  # kind -> the other's
    tokens: dict[str, str] = field(default_factory=dict)  # manage links
    site_slugs: list[str] = field(default_factory=list)
    other_site_slug: str = ""
    commune_codes: list[str] = field(default_factory=list)

    def ids(self, kind: str) -> list[int]:
        """Ids of this kind: the demo's, the other network's, and ids of nothing."""
        return [*self.own.get(kind, ()), *self.foreign.get(kind, ()), *NOWHERE]

    def user(self, role: str):
        return self.members[role].user


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:6])


def _other_network(today) -> tuple[Network, Membership]:
    other = NetworkFactory(name="Réseau voisin", slug="voisin")
    site = SiteFactory(network=other, name="Médiathèque voisine", slug="voisine")
    coordinator = MembershipFactory(network=other, coordinator=True)
    MembershipFactory(network=other)  # a librarian
    structure = StructureFactory(source="fuzz-other", name="Maison France services voisine")
    permanence = UpcomingPermanenceFactory(site=site, structure=structure)
    workshop = UpcomingWorkshopFactory(site=site)
    now = timezone.now()
    visitor = Visitor(first_name="Voisine", email="voisine@example.org")
    slot = permanence.slots.order_by("starts_at").first()
    book_slot(slot=slot, visitor=visitor, need=None, channel="desk", now=now)
    register(workshop=workshop, visitor=visitor, channel="desk", now=now)
    partnership = create_partnership(network=other, structure=structure, actor=coordinator.user)
    add_partner_contact(
        partnership=partnership, actor=coordinator.user, name="Agent voisin", job_title="Agent"
    )
    CharterRuleFactory(network=other)
    return other, coordinator


def build_world() -> World:
    today = timezone.localdate()
    demo = seed_demo(today=today).network
    other, other_coordinator = _other_network(today)
    members = {
        role: Membership.objects.filter(network=demo, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
        for role in Role.values
    }
    world = World(network=demo, other=other, members=members, other_coordinator=other_coordinator)
    for network, bucket in ((demo, world.own), (other, world.foreign)):
        bucket["site"] = _ids(Site.objects.filter(network=network))
        bucket["membership"] = _ids(Membership.objects.filter(network=network))
        bucket["user"] = _ids(User.objects.filter(memberships__network=network))
        bucket["permanence"] = _ids(Permanence.objects.filter(network=network))
        bucket["occurrence"] = _ids(Occurrence.objects.filter(permanence__network=network))
        bucket["slot"] = _ids(
            Slot.objects.filter(network=network, starts_at__gt=timezone.now()).order_by("starts_at")
        )
        bucket["appointment"] = _ids(Appointment.objects.filter(network=network))
        bucket["workshop"] = _ids(Workshop.objects.filter(network=network))
        bucket["session"] = _ids(WorkshopSession.objects.filter(workshop__network=network))
        bucket["registration"] = _ids(Registration.objects.filter(network=network))
        bucket["partnership"] = _ids(Partnership.objects.filter(network=network))
        bucket["contact"] = _ids(PartnerContact.objects.filter(partnership__network=network))
        bucket["rule"] = _ids(CharterRule.objects.filter(network=network))
        bucket["structure"] = _ids(
            Structure.objects.filter(partnerships__network=network).distinct()
        )
    world.own["structure"] += _ids(Structure.objects.filter(source="demo"))
    served = ServedCommune.objects.filter(network=demo).values_list("commune_id", flat=True)
    world.own["commune"] = _ids(Commune.objects.filter(pk__in=served))
    for kind, model, token_kind, network in (
        ("appointment", Appointment, APPOINTMENT, demo),
        ("registration", Registration, REGISTRATION, demo),
        ("other_appointment", Appointment, APPOINTMENT, other),
        ("other_registration", Registration, REGISTRATION, other),
    ):
        booking = model.objects.filter(network=network).order_by("pk").first()
        world.tokens[kind] = manage_token(token_kind, booking.pk, booking.manage_key)
    world.site_slugs = list(demo.sites.order_by("pk").values_list("slug", flat=True))
    world.other_site_slug = other.sites.get().slug
    world.commune_codes = list(
        Commune.objects.filter(pk__in=served)
        .order_by("insee_code")
        .values_list("insee_code", flat=True)[:6]
    )
    return world
