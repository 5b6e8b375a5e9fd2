"""Every act the journal must record writes exactly its entry: the right action, actor,
role, network and object, and never the visitor's name, e-mail or phone. An act that
fails writes no entry, and an entry that cannot be written undoes its act."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aiguillage.accounts import staff_acts
from aiguillage.accounts.models import HabilitationKind, Role
from aiguillage.accounts.permissions import Action, roles_for
from aiguillage.accounts.services import add_staff_member, grant_habilitation
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Channel,
    Registration,
    RegistrationStatus,
    Slot,
)
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.catalog.models import Need, Theme
from aiguillage.directory.imports.directory import import_directory
from aiguillage.orientation.interactions import record_interaction
from aiguillage.orientation.models import Interaction, Mode, Outcome
from aiguillage.orientation.services import reset_rule, set_charter, set_rule
from aiguillage.orientation.situation import Situation
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import PASSWORD, HabilitationFactory, MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
from tests.agenda.test_staff_permanences import FIRST, at, slot_at
from tests.agenda.test_staff_permanences import edit_data as permanence_edit_data
from tests.agenda.test_staff_workshops import edit_data as workshop_edit_data
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.test_import_directory import GOOD_LIEUX, LIEUX_COLUMNS, lieux_file, table

pytestmark = pytest.mark.django_db

# The visitor: none of this may ever reach the journal.
NAME, EMAIL, PHONE = "Zéphyrine", "zephyrine.visiteuse@example.org", "06 12 34 56 78"
TRACES = ("zéphyrine", "zephyrine", "12 34 56 78", "612345678")


def entries(action=None) -> list[JournalEntry]:
    found = JournalEntry.objects.order_by("seq")
    return list(found.filter(action=action) if action else found)


def assert_no_visitor_data() -> None:
    """No column of any entry holds the visitor's name, e-mail or phone."""
    for row in JournalEntry.objects.values():
        text = " ".join(str(value) for value in row.values()).lower()
        for trace in TRACES:
            assert trace not in text, f"entry #{row['seq']} holds {trace!r}"


def visitor(**changes) -> Visitor:
    return Visitor(**({"first_name": NAME, "email": EMAIL, "phone": PHONE} | changes))


def agenda_url(name, network, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"network_slug": network.slug, **kwargs})


@pytest.fixture
def permanence():
    return UpcomingPermanenceFactory(title="Impôts")


@pytest.fixture
def slot(permanence):
    return permanence.slots.order_by("starts_at").first()


@pytest.fixture
def librarian(permanence):
    return MembershipFactory(network=permanence.network)


def booked_online(slot, **changes) -> Appointment:
    """A booking the visitor made themself: not a staff act, no entry."""
    return book_slot(
        slot=slot, visitor=visitor(**changes), need=None, channel=Channel.ONLINE,
        now=timezone.now(),
    )  # fmt: skip


# --- Logging in and out ---------------------------------------------------------------


class TestLogin:
    login = staticmethod(lambda: reverse("accounts:login"))

    def test_a_login_writes_one_entry_per_network_with_the_role_there(self, client):
        first = MembershipFactory()
        second = MembershipFactory(user=first.user, volunteer=True)
        response = client.post(self.login(), {"username": first.user.email, "password": PASSWORD})
        assert response.status_code == 302
        logins = entries(JournalAction.LOGIN)
        assert {(e.network_id, e.actor_role) for e in logins} == {
            (first.network_id, Role.LIBRARIAN),
            (second.network_id, Role.VOLUNTEER),
        }
        assert {(e.actor_id, e.actor_label, e.object_type) for e in logins} == {
            (first.user.pk, first.user.email, "")
        }
        assert entries() == logins  # nothing else

    def test_an_account_of_no_network_gets_one_entry_outside_any(self, client):
        member = MembershipFactory(is_active=False)
        client.post(self.login(), {"username": member.user.email, "password": PASSWORD})
        [entry] = entries(JournalAction.LOGIN)
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (None, member.user.pk, "")

    def test_a_wrong_password_names_the_account_and_nothing_typed(self, client):
        member = MembershipFactory()
        response = client.post(
            self.login(), {"username": member.user.email.upper(), "password": "not-it"}
        )
        assert response.status_code == 200
        [entry] = entries()
        assert (entry.action, entry.network_id, entry.actor_id, entry.actor_role) == (
            JournalAction.LOGIN_FAILED, member.network_id, member.user.pk, Role.LIBRARIAN,
        )  # fmt: skip
        assert entry.details == {"known_account": True}
        assert "not-it" not in str(JournalEntry.objects.values().get())

    def test_an_address_of_no_account_is_never_kept(self, client):
        MembershipFactory()
        client.post(self.login(), {"username": EMAIL, "password": "un-mot-de-passe"})
        [entry] = entries()
        assert (entry.action, entry.network_id, entry.actor_id, entry.actor_label) == (
            JournalAction.LOGIN_FAILED, None, None, "",
        )  # fmt: skip
        assert entry.details == {"known_account": False}
        assert_no_visitor_data()
        assert "un-mot-de-passe" not in str(JournalEntry.objects.values().get())

    def test_logging_out_is_journaled_and_an_anonymous_logout_is_not(self, client):
        member = MembershipFactory()
        client.post(reverse("accounts:logout"))
        assert entries() == []
        client.force_login(member.user)
        client.post(reverse("accounts:logout"))
        assert [(e.action, e.actor_id, e.network_id) for e in entries()] == [
            (JournalAction.LOGIN, member.user.pk, member.network_id),
            (JournalAction.LOGOUT, member.user.pk, member.network_id),
        ]


# --- Contact data shown to staff ------------------------------------------------------


class TestContactViewed:
    def test_a_booking_page_writes_one_entry_with_the_booking(self, client, librarian, slot):
        appointment = booked_online(slot)
        client.force_login(librarian.user)
        page = client.get(agenda_url("appointment_detail", librarian.network,
                                     appointment_id=appointment.pk))  # fmt: skip
        assert EMAIL in page.text  # the contact was shown...
        [entry] = entries(JournalAction.CONTACT_VIEWED)  # ...and journaled once
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            librarian.network_id, librarian.user.pk, Role.LIBRARIAN,
        )  # fmt: skip
        assert (entry.object_type, entry.object_id) == ("agenda.appointment", str(appointment.pk))
        assert entry.details == {"count": 1, "appointments": [appointment.pk]}
        assert_no_visitor_data()

    def test_a_purged_booking_shows_no_contact_and_writes_nothing(self, client, librarian, slot):
        appointment = booked_online(slot)
        Appointment.objects.filter(pk=appointment.pk).update(
            email="", phone="", purged_at=timezone.now()
        )
        client.force_login(librarian.user)
        client.get(agenda_url("appointment_detail", librarian.network,
                              appointment_id=appointment.pk))  # fmt: skip
        assert entries(JournalAction.CONTACT_VIEWED) == []

    def test_a_workshop_page_writes_one_entry_for_every_contact_shown(self, client):
        workshop = UpcomingWorkshopFactory(capacity=1, waitlist_capacity=2)
        now = timezone.now()
        shown = [
            register(workshop=workshop, visitor=visitor(first_name=f"{NAME}{n}",
                     email=f"{n}{EMAIL}"), channel=Channel.ONLINE, now=now)
            for n in range(2)
        ]  # fmt: skip
        assert {r.status for r in shown} == {"confirmed", "waitlisted"}
        member = MembershipFactory(network=workshop.network, mediator=True)
        client.force_login(member.user)
        target = agenda_url("workshop_detail", workshop.network, workshop_id=workshop.pk)
        client.get(target)
        client.get(target)
        views = entries(JournalAction.CONTACT_VIEWED)
        assert len(views) == 2  # one per page view, never one per row
        assert {(e.object_type, e.object_id, e.actor_role) for e in views} == {
            ("agenda.workshop", str(workshop.pk), Role.DIGITAL_MEDIATOR)
        }
        assert views[0].details == {"count": 2, "registrations": sorted(r.pk for r in shown)}
        assert_no_visitor_data()

    @pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.PARTNER_AGENT, Role.LIBRARIAN])
    def test_a_page_journals_exactly_when_it_shows_a_contact(self, client, slot, role):
        """Roles that may not see contacts get the pages without them, and no entry."""
        appointment = booked_online(slot)
        workshop = UpcomingWorkshopFactory(site=slot.site)
        register(workshop=workshop, visitor=visitor(), channel=Channel.ONLINE, now=timezone.now())
        member = MembershipFactory(network=slot.network, role=role,
                                   is_salaried=role != Role.VOLUNTEER)  # fmt: skip
        client.force_login(member.user)
        pages = [
            client.get(agenda_url("appointment_detail", slot.network,
                                  appointment_id=appointment.pk)),
            client.get(agenda_url("workshop_detail", slot.network, workshop_id=workshop.pk)),
        ]  # fmt: skip
        shown = sum(EMAIL in page.text or "+33612345678" in page.text for page in pages)
        assert len(entries(JournalAction.CONTACT_VIEWED)) == shown
        assert shown == (2 if role in roles_for(Action.CONTACT_VIEW) else 0)

    def test_a_workshop_nobody_registered_to_writes_nothing(self, client):
        workshop = UpcomingWorkshopFactory()
        member = MembershipFactory(network=workshop.network)
        client.force_login(member.user)
        client.get(agenda_url("workshop_detail", workshop.network, workshop_id=workshop.pk))
        assert entries(JournalAction.CONTACT_VIEWED) == []


# --- Bookings and registrations by staff -----------------------------------------------


class TestBookings:
    def test_a_desk_booking_writes_its_entry(self, client, librarian, slot):
        client.force_login(librarian.user)
        response = client.post(
            agenda_url("slot_book", librarian.network, slot_id=slot.pk),
            {"first_name": NAME, "email": EMAIL, "phone": PHONE},
        )
        assert response.status_code == 302
        appointment = Appointment.objects.get()
        [entry] = entries(JournalAction.BOOKING_MADE)
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            librarian.network_id, librarian.user.pk, Role.LIBRARIAN,
        )  # fmt: skip
        assert (entry.object_type, entry.object_id) == ("agenda.appointment", str(appointment.pk))
        assert entry.details == {"slot": slot.pk, "channel": "desk"}
        assert_no_visitor_data()

    def test_a_refused_booking_writes_no_entry(self, client, librarian, slot):
        booked_online(slot, email="someone@example.org", phone="")
        client.force_login(librarian.user)
        response = client.post(
            agenda_url("slot_book", librarian.network, slot_id=slot.pk),
            {"first_name": NAME, "email": EMAIL},
        )
        assert response.status_code == 200  # the form says why
        assert entries(JournalAction.BOOKING_MADE) == []

    def test_a_booking_whose_entry_cannot_be_written_is_not_made(
        self, client, librarian, slot, monkeypatch
    ):
        def fail(**kwargs):
            raise RuntimeError("journal unavailable")

        monkeypatch.setattr(staff_acts, "booking_made", fail)
        client.force_login(librarian.user)
        with pytest.raises(RuntimeError):
            client.post(
                agenda_url("slot_book", librarian.network, slot_id=slot.pk),
                {"first_name": NAME, "email": EMAIL},
            )
        assert not Appointment.objects.exists()
        assert Slot.objects.get(pk=slot.pk).booked == 0

    def test_a_visitors_own_booking_and_cancellation_write_nothing(self, client, slot):
        appointment = booked_online(slot)
        from aiguillage.agenda.services.appointments import cancel_appointment

        cancel_appointment(appointment=appointment, cancelled_by="visitor", now=timezone.now())
        assert entries() == []

    def test_cancelling_at_the_booking_page(self, client, librarian, slot):
        appointment = booked_online(slot)
        client.force_login(librarian.user)
        target = agenda_url("appointment_cancel", librarian.network, appointment_id=appointment.pk)
        client.post(target)
        [entry] = entries(JournalAction.BOOKING_CANCELLED)
        assert (entry.object_id, entry.actor_id, entry.actor_role, entry.details) == (
            str(appointment.pk), librarian.user.pk, Role.LIBRARIAN,
            {"slot": slot.pk, "via": "appointment_page"},
        )  # fmt: skip
        client.post(target)  # already cancelled: nothing happens, nothing is journaled
        assert len(entries(JournalAction.BOOKING_CANCELLED)) == 1

    def test_moving_is_a_booking_made_and_one_cancelled(self, client, librarian, permanence):
        first, other = permanence.slots.order_by("starts_at")[:2]
        appointment = booked_online(first)
        client.force_login(librarian.user)
        client.post(
            agenda_url("appointment_move", librarian.network, appointment_id=appointment.pk),
            {"slot": other.pk},
        )
        moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
        made, cancelled = (
            entries(JournalAction.BOOKING_MADE),
            entries(JournalAction.BOOKING_CANCELLED),
        )
        assert [(e.object_id, e.details) for e in made] == [
            (str(moved.pk), {"slot": other.pk, "channel": "desk", "moved_from": appointment.pk})
        ]
        assert [(e.object_id, e.details) for e in cancelled] == [
            (str(appointment.pk), {"slot": first.pk, "via": "move", "moved_to": moved.pk})
        ]
        assert_no_visitor_data()

    def test_cancelling_a_date_journals_each_booking_it_cancels(self, client, permanence):
        occurrence = permanence.occurrences.order_by("starts_at").first()
        slots = list(occurrence.slots.order_by("starts_at"))
        booked = [booked_online(slots[n], email=f"{n}{EMAIL}") for n in range(2)]
        mediator = MembershipFactory(network=permanence.network, mediator=True)
        client.force_login(mediator.user)
        client.post(
            agenda_url("occurrence_cancel", permanence.network, occurrence_id=occurrence.pk),
            {"reason": "Agent en formation"},
        )
        cancelled = entries(JournalAction.BOOKING_CANCELLED)
        assert [(e.object_id, e.details["via"], e.details["occurrence"]) for e in cancelled] == [
            (str(a.pk), "occurrence", occurrence.pk) for a in booked
        ]
        assert {(e.actor_id, e.actor_role) for e in cancelled} == {
            (mediator.user.pk, Role.DIGITAL_MEDIATOR)
        }

    def test_an_edit_of_the_permanence_journals_the_bookings_it_cancels(
        self, client, librarian, permanence
    ):
        moved = booked_online(slot_at(permanence, at(FIRST, 9, 30)))
        kept = booked_online(slot_at(permanence, at(FIRST, 9)), email=f"k{EMAIL}")
        client.force_login(librarian.user)
        target = agenda_url("permanence_edit", librarian.network, permanence_id=permanence.pk)
        data = permanence_edit_data(permanence, slot_minutes="20")
        client.post(target, data)  # asks first: nothing cancelled, nothing journaled
        assert entries(JournalAction.BOOKING_CANCELLED) == []
        client.post(target, data | {"cancel_moved": [str(moved.pk)]})
        [entry] = entries(JournalAction.BOOKING_CANCELLED)
        assert (entry.object_id, entry.details["via"]) == (str(moved.pk), "permanence_edit")
        assert Appointment.objects.get(pk=kept.pk).status == AppointmentStatus.BOOKED


class TestRegistrations:
    @pytest.fixture
    def workshop(self):
        return UpcomingWorkshopFactory(capacity=1, waitlist_capacity=1)

    def test_a_desk_registration_writes_its_entry(self, client, workshop):
        volunteer = MembershipFactory(network=workshop.network, volunteer=True)
        client.force_login(volunteer.user)
        target = agenda_url("workshop_register", workshop.network, workshop_id=workshop.pk)
        client.post(target, {"first_name": NAME, "email": EMAIL})
        registration = Registration.objects.get()
        [entry] = entries(JournalAction.REGISTRATION_MADE)
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            workshop.network_id, volunteer.user.pk, Role.VOLUNTEER,
        )  # fmt: skip
        assert (entry.object_type, entry.object_id) == (
            "agenda.registration", str(registration.pk),
        )  # fmt: skip
        assert entry.details == {"workshop": workshop.pk, "status": "confirmed"}
        assert_no_visitor_data()

    def test_a_refused_registration_writes_no_entry(self, client, workshop):
        now = timezone.now()
        for n in range(2):
            register(workshop=workshop, visitor=visitor(email=f"{n}{EMAIL}"),
                     channel=Channel.ONLINE, now=now)  # fmt: skip
        member = MembershipFactory(network=workshop.network)
        client.force_login(member.user)
        target = agenda_url("workshop_register", workshop.network, workshop_id=workshop.pk)
        response = client.post(target, {"first_name": "Paul", "email": "paul@example.org"})
        assert response.status_code == 200
        assert entries(JournalAction.REGISTRATION_MADE) == []

    def test_cancelling_a_registration_at_its_page(self, client, workshop):
        registration = register(
            workshop=workshop, visitor=visitor(), channel=Channel.ONLINE, now=timezone.now()
        )
        member = MembershipFactory(network=workshop.network)
        client.force_login(member.user)
        target = agenda_url(
            "registration_cancel", workshop.network, registration_id=registration.pk
        )
        client.post(target)
        client.post(target)  # already cancelled: refused, not journaled
        [entry] = entries(JournalAction.REGISTRATION_CANCELLED)
        assert (entry.object_id, entry.actor_id, entry.details) == (
            str(registration.pk), member.user.pk,
            {"workshop": workshop.pk, "via": "registration_page"},
        )  # fmt: skip

    def test_cancelling_the_workshop_journals_each_registration(self, client, workshop):
        now = timezone.now()
        people = [
            register(workshop=workshop, visitor=visitor(email=f"{n}{EMAIL}"),
                     channel=Channel.ONLINE, now=now)
            for n in range(2)
        ]  # fmt: skip
        mediator = MembershipFactory(network=workshop.network, mediator=True)
        client.force_login(mediator.user)
        target = agenda_url("workshop_edit", workshop.network, workshop_id=workshop.pk)
        data = workshop_edit_data(workshop, status="cancelled")
        client.post(target, data)  # asks first
        assert entries(JournalAction.REGISTRATION_CANCELLED) == []
        client.post(target, data | {"confirm_cancel": "1"})
        cancelled = entries(JournalAction.REGISTRATION_CANCELLED)
        assert sorted((e.object_id, e.details["via"]) for e in cancelled) == sorted(
            (str(r.pk), "workshop_cancelled") for r in people
        )
        assert Registration.objects.filter(status=RegistrationStatus.CANCELLED).count() == 2


# --- Acting for a person ---------------------------------------------------------------


class TestActFor:
    @pytest.fixture
    def site(self):
        return SiteFactory()

    @pytest.fixture
    def rsa(self):
        return Need.objects.get(slug="demander-rsa")

    @pytest.fixture
    def mediator(self, site):
        member = MembershipFactory(network=site.network, mediator=True)
        HabilitationFactory(membership=member, themes=[Theme.objects.get(slug="social-sante")])
        return member

    def close(self, site, member, need, outcome, **kwargs):
        return record_interaction(
            network=site.network, site=site, membership=member, need=need,
            situation=Situation(), modes_proposed=[Mode.ACT_FOR], outcome=outcome, **kwargs,
        )  # fmt: skip

    def test_a_declaration_journals_the_mandate_the_staff_and_the_need(self, site, mediator, rsa):
        interaction = self.close(site, mediator, rsa, Outcome.DONE_FOR,
                                 mandate_reference="AC-2026-0042")  # fmt: skip
        [entry] = entries(JournalAction.ACT_FOR)
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            site.network_id, mediator.user.pk, Role.DIGITAL_MEDIATOR,
        )  # fmt: skip
        assert (entry.object_type, entry.object_id) == (
            "orientation.interaction", str(interaction.pk),
        )  # fmt: skip
        assert entry.details == {"mandate_reference": "AC-2026-0042", "need": "demander-rsa"}
        assert entries() == [entry]

    def test_a_refused_declaration_and_other_outcomes_write_nothing(self, site, mediator, rsa):
        with pytest.raises(ValidationError):
            self.close(site, mediator, rsa, Outcome.DONE_FOR)  # no mandate reference
        volunteer = MembershipFactory(network=site.network, volunteer=True)
        with pytest.raises(ValidationError):
            self.close(site, volunteer, rsa, Outcome.DONE_FOR, mandate_reference="AC-1")
        self.close(site, mediator, rsa, Outcome.ACCOMPANIED)
        assert Interaction.objects.count() == 1
        assert entries() == []


# --- Imports --------------------------------------------------------------------------


class TestImports:
    def test_a_web_import_is_journaled_on_confirmation_only(self, client, settings, tmp_path):
        settings.VAR_DIR = tmp_path
        coordinator = MembershipFactory(coordinator=True)
        client.force_login(coordinator.user)
        page = reverse("directory:import", args=[coordinator.network.slug])
        text = table(LIEUX_COLUMNS, *GOOD_LIEUX)
        upload = SimpleUploadedFile("lieux.csv", text.encode(), content_type="text/csv")
        preview = client.post(page, {"file": upload, "file_format": "auto", "source": "dept-34"})
        assert entries(JournalAction.IMPORT) == []  # a dry run writes nothing
        token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
        client.post(reverse("directory:import_confirm", args=[coordinator.network.slug]),
                    {"token": token})  # fmt: skip
        [entry] = entries(JournalAction.IMPORT)
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            coordinator.network_id, coordinator.user.pk, Role.COORDINATOR,
        )  # fmt: skip
        assert entry.details == {
            "source": "dept-34", "format": "lieux-mediation-numerique", "rows": len(GOOD_LIEUX),
            "created": len(GOOD_LIEUX), "updated": 0, "unchanged": 0, "inactive": 0,
            "skipped": 0,
        }  # fmt: skip

    def test_a_command_import_is_journaled_outside_any_network(self, tmp_path, capsys):
        call_command("import_directory", str(lieux_file(tmp_path, *GOOD_LIEUX)))
        [entry] = entries(JournalAction.IMPORT)
        assert (entry.network_id, entry.actor_id, entry.details["source"]) == (
            None, None, "lieux-mediation-numerique",
        )  # fmt: skip

    def test_a_rejected_or_dry_import_writes_nothing(self, tmp_path):
        bad = dict(GOOD_LIEUX[0], code_postal="347")
        path = lieux_file(tmp_path, GOOD_LIEUX[0], bad)
        assert not import_directory(path, strict=True).committed
        assert not import_directory(path, dry_run=True).committed
        assert entries() == []


# --- Charter and permissions ----------------------------------------------------------


class TestCharter:
    @pytest.fixture
    def coordinator(self):
        return MembershipFactory(coordinator=True)

    def test_setting_and_resetting_a_rule(self, coordinator):
        network, by = coordinator.network, coordinator.user
        taxes = Theme.objects.get(slug="argent-impots")
        rule = set_rule(network=network, mode=Mode.ACCOMPANY, allowed=False, roles=[],
                        theme=taxes, actor=by)  # fmt: skip
        assert reset_rule(network=network, mode=Mode.ACCOMPANY, theme=taxes, actor=by)
        assert not reset_rule(network=network, mode=Mode.ACCOMPANY, theme=taxes, actor=by)
        made, removed = entries(JournalAction.CHARTER_CHANGED)
        assert (made.network_id, made.actor_id, made.actor_role, made.object_id) == (
            network.pk, by.pk, Role.COORDINATOR, str(rule.pk),
        )  # fmt: skip
        assert made.details == {
            "change": "rule_set", "mode": "accompany", "site": "", "theme": "argent-impots",
            "need": "", "allowed": False, "roles": [], "max_distance_km": None,
            "max_wait_days": None, "volunteers_sensitive": False,
        }  # fmt: skip
        assert removed.details == {
            "change": "rule_reset", "mode": "accompany", "site": "", "theme": "argent-impots",
            "need": "",
        }  # fmt: skip
        assert len(entries()) == 2  # removing nothing changed nothing

    def test_the_order_and_conditions(self, coordinator):
        order = ["orient", "train", "partner_on_site", "accompany", "act_for"]
        charter = set_charter(network=coordinator.network, mode_order=order, max_distance_km=20,
                              max_wait_days=7, actor=coordinator.user)  # fmt: skip
        [entry] = entries(JournalAction.CHARTER_CHANGED)
        assert (entry.object_type, entry.object_id) == ("orientation.charter", str(charter.pk))
        assert entry.details == {"change": "settings", "mode_order": order,
                                 "max_distance_km": 20, "max_wait_days": 7}  # fmt: skip

    def test_a_refused_change_writes_nothing(self, coordinator):
        with pytest.raises(ValidationError):
            set_rule(network=coordinator.network, mode=Mode.ACT_FOR, allowed=True,
                     roles=[Role.VOLUNTEER], actor=coordinator.user)  # fmt: skip
        librarian = MembershipFactory(network=coordinator.network)
        with pytest.raises(PermissionDenied):
            set_rule(network=coordinator.network, mode=Mode.ORIENT, allowed=False, roles=[],
                     actor=librarian.user)  # fmt: skip
        assert entries() == []


class TestPermissions:
    def test_a_new_member_a_changed_role_and_nothing_changed(self):
        network = NetworkFactory()
        coordinator = MembershipFactory(network=network, coordinator=True)
        first = add_staff_member(network=network, email="agent@mediatheque.example",
                                 full_name="Agent", role=Role.VOLUNTEER, is_salaried=False,
                                 actor=coordinator.user)  # fmt: skip
        add_staff_member(network=network, email="agent@mediatheque.example", full_name="Agent",
                         role=Role.VOLUNTEER, is_salaried=False,
                         actor=coordinator.user)  # fmt: skip
        add_staff_member(network=network, email="agent@mediatheque.example", full_name="Agent",
                         role=Role.LIBRARIAN, is_salaried=True,
                         actor=coordinator.user)  # fmt: skip
        created, changed = entries(JournalAction.PERMISSION_CHANGED)
        assert (created.network_id, created.actor_id, created.actor_role, created.object_id) == (
            network.pk, coordinator.user.pk, Role.COORDINATOR, str(first.pk),
        )  # fmt: skip
        assert created.details == {
            "change": "membership", "user": first.user_id, "created": True,
            "role": "volunteer", "is_salaried": False, "is_active": True,
        }  # fmt: skip
        assert changed.details == {
            "change": "membership", "user": first.user_id, "created": False,
            "role": "librarian", "is_salaried": True, "is_active": True,
            "previous_role": "volunteer", "previous_is_salaried": False,
            "previous_is_active": True,
        }  # fmt: skip

    def test_a_habilitation_granted_and_one_refused(self):
        mediator = MembershipFactory(mediator=True)
        volunteer = MembershipFactory(network=mediator.network, volunteer=True)
        social = Theme.objects.get(slug="social-sante")
        day = datetime.date(2026, 1, 5)
        habilitation = grant_habilitation(
            membership=mediator, kind=HabilitationKind.AIDANTS_CONNECT, valid_from=day,
            valid_until=None, reference="AC-77", themes=[social],
        )  # fmt: skip
        with pytest.raises(ValidationError):
            grant_habilitation(membership=volunteer, kind=HabilitationKind.AIDANTS_CONNECT,
                               valid_from=day, valid_until=None, themes=[social])  # fmt: skip
        [entry] = entries(JournalAction.PERMISSION_CHANGED)
        assert (entry.network_id, entry.actor_id, entry.object_type, entry.object_id) == (
            mediator.network_id, None, "accounts.habilitation", str(habilitation.pk),
        )  # fmt: skip
        assert entry.details == {
            "change": "habilitation", "membership": mediator.pk, "user": mediator.user_id,
            "kind": "aidants_connect", "created": True, "valid_from": "2026-01-05",
            "valid_until": "", "themes": ["social-sante"],
        }  # fmt: skip


# --- Across the acts ------------------------------------------------------------------


def test_a_day_at_the_desk_leaves_no_trace_of_the_visitor(client, librarian, permanence):
    """Book, view, move, cancel, register, view the workshop: the journal holds ids."""
    first, other = permanence.slots.order_by("starts_at")[:2]
    workshop = UpcomingWorkshopFactory(site=permanence.site)
    client.force_login(librarian.user)
    network = librarian.network
    client.post(agenda_url("slot_book", network, slot_id=first.pk),
                {"first_name": NAME, "email": EMAIL, "phone": PHONE})  # fmt: skip
    appointment = Appointment.objects.get()
    client.get(agenda_url("appointment_detail", network, appointment_id=appointment.pk))
    client.post(agenda_url("appointment_move", network, appointment_id=appointment.pk),
                {"slot": other.pk})  # fmt: skip
    moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    client.post(agenda_url("appointment_cancel", network, appointment_id=moved.pk))
    client.post(agenda_url("workshop_register", network, workshop_id=workshop.pk),
                {"first_name": NAME, "phone": PHONE})  # fmt: skip
    client.get(agenda_url("workshop_detail", network, workshop_id=workshop.pk))
    assert [e.action for e in entries()] == [
        JournalAction.LOGIN, JournalAction.BOOKING_MADE, JournalAction.CONTACT_VIEWED,
        JournalAction.BOOKING_MADE, JournalAction.BOOKING_CANCELLED,
        JournalAction.BOOKING_CANCELLED, JournalAction.REGISTRATION_MADE,
        JournalAction.CONTACT_VIEWED,
    ]  # fmt: skip
    assert {e.network_id for e in entries()} == {network.pk}
    assert_no_visitor_data()
