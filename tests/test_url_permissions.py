"""Every URL of the project, for every kind of caller: who gets what answer.

The URL patterns are enumerated from the resolver (third-party ones included), and each
one must have a door in ``DOORS`` below; a pattern without one fails
``test_every_url_has_a_door``, so a page cannot be added without deciding who may open
it. The callers are an anonymous visitor, a volunteer, a librarian, a digital
mediator, a coordinator and a partner agent of network A, and a coordinator of network
B; URL parameters are real objects of network A.

What a staff page answers is not written here but derived from the permission table
(``aiguillage.accounts.permissions``) through the action the page's ``network_view``
names: anonymous -> redirect to login; a member of A whose role has the action -> the
door's ``ok`` status; another role of A -> 403; B's coordinator -> 404 (never 403: it
must not learn that the page exists), with no name of network A in the answer. The
doors list only how to knock (method, data) and the status of a caller let in.

Every call runs in a savepoint rolled back afterwards, so each caller finds the same
world; a caller turned away (login, 403, 404, 405) must not have written anything (the
SQL of its request is inspected: only the session table may be written).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action, roles_for

ANONYMOUS = "anonymous"
OTHER_COORDINATOR = "coordinator_of_b"
# Members of network A, by role.
MEMBERS_OF_A = (
    Role.VOLUNTEER,
    Role.LIBRARIAN,
    Role.DIGITAL_MEDIATOR,
    Role.COORDINATOR,
    Role.PARTNER_AGENT,
)
CALLERS = (ANONYMOUS, *MEMBERS_OF_A, OTHER_COORDINATOR)

STAFF = "staff"  # network_view: answers derived from the permission table
PUBLIC = "public"  # the public portal of network A: everyone, logged in or not
LOGIN = "login"  # any logged-in person, of any network (the national catalog)
OPEN = "open"  # no login at all (health, API, language, login page)


@dataclasses.dataclass(frozen=True)
class Probe:
    """One way of knocking on a door, and the status of a caller let in."""

    method: str = "get"
    ok: int = 200
    data: Any = None
    # A stricter action checked inside the view for this method (a POST stricter than
    # the page's GET); by default the action named by the page's network_view.
    action: Action | None = None
    # An open door whose answer differs for an anonymous caller (the login page).
    anonymous: int | None = None
    json: bool = False


@dataclasses.dataclass(frozen=True)
class Door:
    kind: str
    probes: tuple[Probe, ...] = (Probe(),)
    path: str = ""  # for an unnamed pattern: the path to request
    optional: bool = False  # present only in some settings (DEBUG)


def staff(ok: int = 200, **extra) -> Door:
    return Door(STAFF, (Probe(ok=ok, **extra),))


def staff_post(ok: int, **extra) -> Door:
    """A POST-only staff action, posted without its form (CSRF checks are off in the
    test client): the answer of a caller let in is the view's own refusal or redirect."""
    return Door(STAFF, (Probe("post", ok=ok, data=extra.pop("data", {}), **extra),))


def public(ok: int = 200, method: str = "get", **extra) -> Door:
    return Door(PUBLIC, (Probe(method, ok=ok, **extra),))


def api(ok: int = 200, method: str = "get", **extra) -> Door:
    return Door(OPEN, (Probe(method, ok=ok, **extra),))


DOORS: dict[str, Door] = {
    # --- no network -------------------------------------------------------------------
    "workspace:home": Door(LOGIN, (Probe(ok=302),)),  # to one's desk
    "core:healthz": api(),
    "accounts:login": Door(OPEN, (Probe(ok=302, anonymous=200),)),  # logged in: away
    "accounts:logout": Door(OPEN, (Probe("post", ok=302),)),
    "set_language": Door(OPEN, (Probe("post", ok=302, data={"language": "en"}),)),
    "accounts:security": Door(LOGIN),
    "accounts:two_factor_enrol": Door(LOGIN),
    "accounts:two_factor_verify": Door(LOGIN, (Probe(ok=302),)),  # not enrolled: to enrol
    "accounts:recovery_codes": Door(LOGIN),
    "accounts:recovery_codes_new": Door(LOGIN, (Probe("post", ok=302),)),  # to enrol
    "accounts:two_factor_remove": Door(LOGIN, (Probe(ok=302),)),  # no device: to security
    "accounts:password_change": Door(LOGIN),
    "accounts:password_change_done": Door(LOGIN),
    "accounts:password_reset": Door(OPEN),
    "accounts:password_reset_done": Door(OPEN),
    "accounts:password_reset_confirm": Door(OPEN),  # a wrong token: "this link is invalid"
    "accounts:password_reset_complete": Door(OPEN),
    "catalog:catalog": Door(LOGIN),
    "catalog:search": Door(LOGIN),
    "catalog:need_detail": Door(LOGIN),
    "^media/(?P<path>.*)$": Door(OPEN, (Probe(ok=404),), path="/media/absent.png", optional=True),
    # --- staff pages of a network -----------------------------------------------------
    "workspace:network_home": staff(),
    "workspace:site_detail": staff(),
    "orientation:desk": staff(),
    "orientation:desk_close": staff_post(400),
    "orientation:desk_book": staff_post(400),
    "orientation:desk_register": staff_post(400),
    "orientation:desk_done": staff(302),  # without its query: back to the desk
    "orientation:today": staff(),
    "orientation:today_appointment": staff_post(400),  # without "present" or "absent"
    "orientation:today_session_person": staff_post(400),
    "orientation:today_session_walk_in": staff_post(400),  # without a first name
    "orientation:today_slot_walk_in": staff_post(400),
    "orientation:charter": staff(),
    "orientation:charter_settings": staff_post(400),
    "orientation:charter_rule_set": staff_post(400),
    "orientation:charter_rule_reset": staff_post(302),
    "orientation:slip": staff(400),  # without its query: nothing to print
    "orientation:slip_pdf": staff(400),
    "directory:search": staff(),
    "directory:structure_detail": staff(),
    "directory:structure_edit": staff(),
    "directory:partners": staff(),
    "reporting:partner_finder": Door(
        STAFF, (Probe(), Probe("post", ok=302, data={}, action=Action.PARTNERS_EDIT))
    ),
    "directory:partner_prospect": staff_post(302),
    "directory:partner_detail": staff(),
    "directory:partner_edit": staff(),
    "directory:partner_contact_add": staff_post(400),
    "directory:partner_contact_remove": staff_post(302),
    "reporting:coverage": staff(),
    "directory:territory_add": staff_post(302),
    "directory:territory_remove": staff_post(302),
    "directory:import": staff(),
    "directory:import_confirm": staff_post(302),
    "directory:import_cancel": staff_post(302),
    "agenda:day": staff(),
    "agenda:week": staff(),
    "agenda:month": staff(),
    "agenda:my_feed": staff(),
    "agenda:closures": staff(),
    "agenda:permanences": staff(),
    "agenda:permanence_new": staff(),
    "agenda:permanence_detail": staff(),
    "agenda:permanence_edit": staff(),
    "agenda:occurrence_cancel": staff(),
    "agenda:slot_book": staff(),
    "agenda:appointment_detail": staff(),
    "agenda:appointment_move": staff(),
    "agenda:appointment_cancel": staff(),
    "agenda:appointment_attendance": staff_post(400),
    "agenda:workshops": staff(),
    "agenda:workshop_new": staff(),
    "agenda:workshop_detail": staff(),
    "agenda:workshop_edit": staff(),
    "agenda:workshop_copy": staff(),
    "agenda:workshop_register": staff(),
    "agenda:workshop_sheet": staff(),
    "agenda:registration_cancel": staff(),
    "agenda:session_attendance": staff(),
    "compliance:journal": staff(),
    "compliance:journal_verify": staff_post(302),
    "compliance:journal_export": staff(),
    "compliance:retention": staff(),
    "compliance:rights": staff(),
    "compliance:rights_erase": staff_post(400),
    "compliance:register": staff(),
    "compliance:register_pdf": staff(),
    # --- the public portal of network A ------------------------------------------------
    "public:home": public(),
    "public:orientation": public(),
    "public:orientation_slip": public(400),  # without its query
    "public:site": public(),
    "public:site_feed": public(),
    "public:workshop": public(),
    "public:permanence": public(),
    "public:permanence_feed": public(),
    "public:book": public(),
    "public:manage": public(),
    "public:manage_cancel": public(),
    "public:manage_move": public(),
    "public:manage_calendar": public(),
    "public:staff_feed": public(),
    "public:partner_day": public(),
    "privacy_public:notice": public(),
    "privacy_public:my_data": public(),
    "privacy_public:my_data_export": public(),
    "privacy_public:my_data_erase": public(),
    "privacy_public:my_data_prove": public(302, "post"),  # sends a link to the contact
    # The contact's pages open with a grant, the one-time link with a code: a made-up
    # one opens nothing (tests/privacy/test_contact_proofs.py opens real ones).
    "privacy_public:all_data": public(404),
    "privacy_public:all_data_export": public(404),
    "privacy_public:all_data_erase": public(404, "post"),
    "proof:open": public(404),
    "short_manage": public(404),  # a made-up short link; tests/agenda/test_sms_length.py
    # --- the JSON API (public, read-only but for booking with a contact) ---------------
    "api-v1:api-root": api(404),
    "api-v1:openapi-json": api(),
    "api-v1:needs": api(),
    "api-v1:sites": api(),
    "api-v1:structures": api(400),  # without a point
    "api-v1:structure": api(),
    "api-v1:slots": api(400),  # without a site or a permanence
    "api-v1:book": api(400, "post", data={}, json=True),
    "api-v1:workshops": api(),
    "api-v1:register_online": api(400, "post", data={}, json=True),
    "api-v1:cancel": api(204, "delete"),
    "api-v1:orientation": api(400),  # without a need
}


# --- the URL patterns --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    params: frozenset[str]
    callback: Any


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, third-party ones included."""

    def walk(patterns, namespaces: tuple[str, ...], params: frozenset[str], route: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
                yield from walk(
                    entry.url_patterns,
                    spaces,
                    params | set(entry.pattern.converters) | set(_regex_groups(entry)),
                    route + str(entry.pattern),
                )
            elif isinstance(entry, URLPattern):
                names = params | set(entry.pattern.converters) | set(_regex_groups(entry))
                if entry.name:
                    key = ":".join((*namespaces, entry.name))
                else:
                    key = route + str(entry.pattern)
                yield Pattern(key, frozenset(names), entry.callback)

    found = list(walk(get_resolver().url_patterns, (), frozenset(), ""))
    return sorted(found, key=lambda p: p.key)


def _regex_groups(entry) -> list[str]:
    regex = getattr(entry.pattern, "regex", None)
    return list(regex.groupindex) if regex is not None and not entry.pattern.converters else []


PATTERNS = {pattern.key: pattern for pattern in url_patterns()}


# --- the world: two networks, network A's objects, one member per role -------------------


@dataclasses.dataclass
class World:
    members: dict[str, Any]
    kwargs: dict[str, Any]
    # Names of network A that must never appear in an answer to network B's coordinator.
    secrets_of_a: tuple[str, ...]
    # Contact data of a visitor of A: only the roles with contact.view ever see it.
    contact_of_a: tuple[str, ...]


@pytest.fixture
def world(db, settings) -> World:
    from aiguillage.agenda.contact import Visitor, manage_token
    from aiguillage.agenda.feeds import staff_feed_token
    from aiguillage.agenda.links import APPOINTMENT
    from aiguillage.agenda.partner_day import partner_day_token
    from aiguillage.agenda.services.appointments import book_slot
    from aiguillage.agenda.services.workshops import register
    from aiguillage.directory.models import PartnerContact, Partnership
    from tests.accounts.factories import MembershipFactory
    from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
    from tests.core.factories import NetworkFactory, SiteFactory
    from tests.directory.factories import StructureFactory

    settings.PUBLIC_RATE_LIMIT = 10_000
    settings.API_RATE_LIMIT = 10_000
    settings.API_WRITE_RATE_LIMIT = 10_000

    network_a = NetworkFactory(name="Réseau Alizarine", slug="reseau-alizarine")
    network_b = NetworkFactory(name="Réseau Bétoine", slug="reseau-betoine")
    site_a = SiteFactory(network=network_a, name="Médiathèque Azurite", slug="azurite")
    SiteFactory(network=network_b, name="Médiathèque Basalte", slug="basalte")
    members = {
        role: MembershipFactory(network=network_a, role=role, is_salaried=role != Role.VOLUNTEER)
        for role in MEMBERS_OF_A
    }
    members[OTHER_COORDINATOR] = MembershipFactory(network=network_b, coordinator=True)

    structure = StructureFactory(name="Maison France services du test")
    partnership = Partnership.objects.create(network=network_a, structure=structure)
    contact = PartnerContact.objects.create(partnership=partnership, name="Agente Chrysoprase")
    slot = (
        UpcomingPermanenceFactory(site=site_a, title="Permanence Dioptase")
        .slots.order_by("starts_at")
        .first()
    )
    workshop = UpcomingWorkshopFactory(site=site_a, title="Atelier Épidote")
    visitor = Visitor(first_name="Fuchsite", email="fuchsite@example.org", phone="0612345678")
    now = timezone.now()
    appointment = book_slot(slot=slot, visitor=visitor, need=None, channel="desk", now=now)
    registration = register(workshop=workshop, visitor=visitor, channel="desk", now=now)
    kwargs = {
        "network_slug": network_a.slug,
        "site_slug": site_a.slug,
        "structure_id": structure.pk,
        "partnership_id": partnership.pk,
        "contact_id": contact.pk,
        "permanence_id": slot.permanence_id,
        "occurrence_id": slot.occurrence_id,
        "slot_id": slot.pk,
        "appointment_id": appointment.pk,
        "workshop_id": workshop.pk,
        "registration_id": registration.pk,
        "session_id": workshop.sessions.get().pk,
        "slug": "demander-rsa",  # a need of the catalog
        "token": manage_token(APPOINTMENT, appointment.pk, appointment.manage_key),
        "grant": "made-up",
        "code": "made-up",
    }
    kwargs["staff_feed_token"] = staff_feed_token(members[Role.LIBRARIAN])
    kwargs["partner_day_token"] = partner_day_token(slot.permanence)
    kwargs["uidb64"] = urlsafe_base64_encode(force_bytes(members[Role.LIBRARIAN].user.pk))
    return World(
        members=members,
        kwargs=kwargs,
        secrets_of_a=(
            network_a.name,
            site_a.name,
            "Chrysoprase",
            "Dioptase",
            "Épidote",
            "Fuchsite",
        ),
        contact_of_a=("fuchsite@example.org", "0612345678", "06 12 34 56 78"),
    )


def url_of(pattern: Pattern, door: Door, world: World) -> str:
    if door.path:
        return door.path
    values = dict(world.kwargs)
    if pattern.key == "public:staff_feed":
        values["token"] = values["staff_feed_token"]
    if pattern.key == "public:partner_day":
        values["token"] = values["partner_day_token"]
    missing = pattern.params - values.keys()
    assert not missing, f"{pattern.key}: add sample values for URL parameters {sorted(missing)}"
    return reverse(pattern.key, kwargs={name: values[name] for name in pattern.params})


# --- what each caller must get --------------------------------------------------------------


def guarded_roles(pattern: Pattern, probe: Probe) -> frozenset[str]:
    """The roles a staff door lets in, from the permission table."""
    return roles_for(probe.action or pattern.callback.permission_action)


LOGIN_REDIRECT = "login"


def expected(door: Door, pattern: Pattern, probe: Probe, caller: str) -> int | str:
    if door.kind == STAFF:
        if caller == ANONYMOUS:
            return LOGIN_REDIRECT
        if caller == OTHER_COORDINATOR:
            return 404
        return probe.ok if caller in guarded_roles(pattern, probe) else 403
    if door.kind == LOGIN and caller == ANONYMOUS:
        return LOGIN_REDIRECT
    if door.kind == OPEN and caller == ANONYMOUS and probe.anonymous is not None:
        return probe.anonymous
    return probe.ok


# --- knocking --------------------------------------------------------------------------------

WRITES = ("insert", "update", "delete", "replace")


@dataclasses.dataclass
class Answer:
    status: int
    location: str
    content: bytes
    writes: list[str]


def knock(world: World, caller: str, url: str, probe: Probe) -> Answer:
    """One request by ``caller``, in a savepoint rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        if caller != ANONYMOUS:
            client.force_login(world.members[caller].user)
        send = getattr(client, probe.method)
        extra: dict[str, Any] = {}
        if probe.json:
            extra = {"data": json.dumps(probe.data), "content_type": "application/json"}
        elif probe.data is not None:
            extra = {"data": probe.data}
        with CaptureQueriesContext(connection) as queries:
            response = send(url, **extra)
            if response.streaming:
                content = b"".join(response.streaming_content)
            else:
                content = response.content
        transaction.set_rollback(True)
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().lower().startswith(WRITES) and "django_session" not in query["sql"]
    ]
    return Answer(response.status_code, response.get("Location", ""), content, writes)


def verdict(answer: Answer, want: int | str) -> bool:
    if want == LOGIN_REDIRECT:
        return answer.status == 302 and answer.location.startswith(reverse("accounts:login"))
    return answer.status == want


TURNED_AWAY = (LOGIN_REDIRECT, 403, 404, 405)


@pytest.mark.parametrize("key", sorted(DOORS))
def test_every_caller_gets_what_the_table_says(world, key):
    door = DOORS[key]
    pattern = PATTERNS.get(key)
    if pattern is None:
        assert door.optional, f"{key}: a door for a URL that no longer exists"
        pytest.skip(f"{key} is mounted only in some settings (DEBUG)")
    if door.kind == STAFF:
        assert hasattr(pattern.callback, "permission_action"), (
            f"{key}: declared a staff page, but not guarded by network_view"
        )
    else:
        assert not hasattr(pattern.callback, "permission_action"), (
            f"{key}: guarded by network_view, but declared {door.kind}"
        )
    url = url_of(pattern, door, world)
    wrong = []
    for probe in door.probes:
        wants = {caller: expected(door, pattern, probe, caller) for caller in CALLERS}
        wrong += check(world, door, url, probe, wants)
    if door.kind == STAFF and all(probe.method == "post" for probe in door.probes):
        # A GET on a POST-only page: 405 to everyone (require_POST outside network_view:
        # the same answer whatever the network, so it tells nothing), or the doors in
        # order and then 405 (network_view outside).
        get = Probe("get", ok=405)
        derived = {caller: expected(door, pattern, get, caller) for caller in CALLERS}
        everyone = dict.fromkeys(CALLERS, 405)
        answers = check(world, door, url, get, derived)
        if answers and check(world, door, url, get, everyone):
            wrong += answers
    assert not wrong, f"{key} ({url}):\n" + "\n".join(wrong)


def check(world: World, door: Door, url: str, probe: Probe, wants: dict) -> list[str]:
    """What went wrong when every caller knocks with ``probe``."""
    wrong = []
    for caller, want in wants.items():
        answer = knock(world, caller, url, probe)
        said = f"{probe.method.upper()} as {caller}"
        if not verdict(answer, want):
            wrong.append(f"{said}: {answer.status}, want {want}")
        if want in TURNED_AWAY and answer.writes:
            wrong.append(f"{said} (turned away) wrote: {answer.writes}")
        text = answer.content.decode(errors="replace")
        if door.kind in (STAFF, LOGIN) and caller == OTHER_COORDINATOR:
            leaked = [secret for secret in world.secrets_of_a if secret in text]
            if leaked:
                wrong.append(f"{said} shows network A: {leaked}")
        if door.kind == STAFF and caller not in roles_for(Action.CONTACT_VIEW):
            leaked = [contact for contact in world.contact_of_a if contact in text]
            if leaked:
                wrong.append(f"{said} shows contact data without contact.view: {leaked}")
    return wrong


def test_every_url_has_a_door():
    """A new page fails here until its door says who may open it."""
    missing = sorted(set(PATTERNS) - set(DOORS))
    assert not missing, (
        "URL patterns without a door in tests/test_url_permissions.py (declare who may "
        f"open them; a staff page names its action in network_view): {missing}"
    )


# --- the table's own guarantees ------------------------------------------------------------


def missing_doors(patterns: dict[str, Pattern]) -> list[str]:
    return sorted(set(patterns) - set(DOORS))


def test_a_new_page_without_a_door_is_caught():
    new = Pattern("agenda:new_page", frozenset({"network_slug"}), lambda request: None)
    assert missing_doors({**PATTERNS, new.key: new}) == ["agenda:new_page"]


def test_a_network_page_must_name_its_action():
    from aiguillage.accounts.decorators import network_view

    with pytest.raises(TypeError):

        @network_view  # no action: refused when the module is imported
        def unnamed(request, network):
            raise AssertionError("never called")

    with pytest.raises(ValueError):
        network_view(action="agenda.unknown")


def coordinator_only_doors() -> list[str]:
    """Staff pages (and methods) that the table keeps for coordinators."""
    found = []
    for key, door in DOORS.items():
        pattern = PATTERNS.get(key)
        if door.kind != STAFF or pattern is None:
            continue
        for probe in door.probes:
            if guarded_roles(pattern, probe) == {Role.COORDINATOR}:
                found.append(key)
    return sorted(set(found))


def test_a_volunteer_reaches_no_coordinator_page(world):
    doors = coordinator_only_doors()
    assert {
        "orientation:charter_settings",
        "orientation:charter_rule_set",
        "orientation:charter_rule_reset",
        "directory:import",
        "directory:import_confirm",
        "directory:partner_edit",
        "directory:territory_add",
        "compliance:journal",
        "compliance:rights",
        "compliance:register",
    } <= set(doors)
    for key in doors:
        door, pattern = DOORS[key], PATTERNS[key]
        url = url_of(pattern, door, world)
        for probe in door.probes:
            if guarded_roles(pattern, probe) != {Role.COORDINATOR}:
                continue
            answer = knock(world, Role.VOLUNTEER, url, probe)
            assert answer.status == 403, (key, probe.method, answer.status)
            assert not answer.writes, (key, answer.writes)


def act_for_close(world: World) -> dict:
    """What the desk posts to close a conversation as "done for, with a mandate"."""
    from aiguillage.orientation.models import Mode, Outcome

    return {
        "c-site": world.kwargs["site_slug"],
        "c-need": "demander-rsa",
        "c-opened": str(int(timezone.now().timestamp()) - 600),
        "c-modes": [Mode.ORIENT, Mode.ACT_FOR],
        "outcome": Outcome.DONE_FOR,
        "mandate_reference": "AC-2026-0042",
    }


def test_a_volunteer_cannot_act_for_anyone_at_the_desk(world):
    """The close view is every member's (the table), acting for is the charter's: a
    volunteer's "done for" is refused and nothing is written; the same post by a
    salaried mediator habilitated for the theme is recorded."""
    from aiguillage.catalog.models import Theme
    from aiguillage.orientation.models import Interaction
    from aiguillage.privacy.models.journal import JournalEntry
    from tests.accounts.factories import HabilitationFactory

    url = reverse("orientation:desk_close", args=[world.kwargs["network_slug"]])
    social = Theme.objects.get(slug="social-sante")
    volunteer = world.members[Role.VOLUNTEER]
    HabilitationFactory(membership=volunteer, themes=[social])  # even with one
    client = Client()
    client.force_login(volunteer.user)

    refused = client.post(url, act_for_close(world))

    assert refused.status_code == 200  # the desk again, with the reason
    assert "Les bénévoles ne font jamais à la place des personnes." in refused.text
    assert not Interaction.objects.exists()
    assert JournalEntry.objects.filter(action="act_for").count() == 0

    mediator = world.members[Role.DIGITAL_MEDIATOR]
    HabilitationFactory(membership=mediator, themes=[social])
    client.force_login(mediator.user)
    done = client.post(url, act_for_close(world))
    assert done.status_code == 302
    assert Interaction.objects.get().mandate_reference == "AC-2026-0042"
