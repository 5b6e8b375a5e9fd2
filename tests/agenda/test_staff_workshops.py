"""Workshops from the staff pages: create with sessions, seats and waiting list changes
(people promoted are told, fewer seats refused), cancelling a workshop, registering at
the desk, cancelling a registration, attendance per session, the printable sheet."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Attendance,
    Channel,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)
from aiguillage.agenda.recurrence import PARIS, Window
from aiguillage.agenda.services.errors import SlotUnavailable
from aiguillage.agenda.services.workshops import (
    record_session_attendance,
    register,
    save_workshop,
)
from aiguillage.catalog.models import Need
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingWorkshopFactory, in_days

pytestmark = pytest.mark.django_db
DAY = in_days(7)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def started(workshop):
    """The instant the workshop's first session begins: attendance can be taken."""
    return workshop.sessions.order_by("starts_at").first().starts_at


def sign_up(workshop, first_name="Awa"):
    return register(
        workshop=workshop,
        visitor=Visitor(first_name=first_name, email=f"{first_name.lower()}@example.org"),
        channel=Channel.ONLINE,
        now=timezone.now(),
    )


def url(name, network, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"network_slug": network.slug, **kwargs})


@pytest.fixture
def workshop():
    return UpcomingWorkshopFactory(
        title="Premiers pas sur smartphone", capacity=2, waitlist_capacity=2
    )


@pytest.fixture
def mediator(workshop):
    return MembershipFactory(network=workshop.network, mediator=True)


def session_fields(rows, *, initial=0):
    data = {
        "seances-TOTAL_FORMS": str(len(rows)),
        "seances-INITIAL_FORMS": str(initial),
        "seances-MIN_NUM_FORMS": "0",
        "seances-MAX_NUM_FORMS": "30",
    }
    for n, (day, start, end) in enumerate(rows):
        data |= {f"seances-{n}-day": day, f"seances-{n}-start": start, f"seances-{n}-end": end}
    return data


def workshop_data(site, **changes):
    data = {
        "title": "Se protéger des arnaques",
        "description": "Reconnaître un faux message et savoir quoi faire.",
        "level": "beginner",
        "site": site.pk,
        "animator": "",
        "capacity": "8",
        "waitlist_capacity": "4",
        "desk_registration": "on",
        "public_registration": "on",
        "status": "published",
    }
    sessions = changes.pop("sessions", [(DAY.isoformat(), "14:00", "16:00"), ("", "", "")])
    data |= {name: str(value) for name, value in changes.items()}
    return data | session_fields(sessions)


def as_row(session):
    start, end = session.starts_at.astimezone(PARIS), session.ends_at.astimezone(PARIS)
    return (start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}")


def edit_data(workshop, **changes):
    sessions = changes.pop("sessions", [as_row(s) for s in workshop.sessions.order_by("starts_at")])
    data = workshop_data(
        workshop.site,
        title=workshop.title,
        capacity=workshop.capacity,
        waitlist_capacity=workshop.waitlist_capacity,
        sessions=sessions,
    )
    data["seances-INITIAL_FORMS"] = str(workshop.sessions.count())
    return data | {name: str(value) for name, value in changes.items()}


class TestSaveWorkshop:
    def test_a_new_workshop_has_its_sessions_and_starts_at_the_first(self, workshop):
        new = Workshop(
            network=workshop.network,
            site=workshop.site,
            title="Atelier",
            description="x",
            capacity=5,
        )
        later, sooner = Window(at(DAY, 14), at(DAY, 16)), Window(at(DAY, 9), at(DAY, 11))
        saved = save_workshop(workshop=new, sessions=[later, sooner], now=timezone.now())
        assert saved.workshop.starts_at == at(DAY, 9)
        assert WorkshopSession.objects.filter(workshop=saved.workshop).count() == 2

    @pytest.mark.parametrize(
        "windows,message",
        [
            ([], "au moins une séance"),
            ([Window(at(DAY, 14), at(DAY, 16)), Window(at(DAY, 15), at(DAY, 17))], "chevauchent"),
        ],
    )
    def test_sessions_are_checked(self, workshop, windows, message):
        with pytest.raises(SlotUnavailable, match=message):
            save_workshop(workshop=workshop, sessions=windows, now=timezone.now())

    def test_more_seats_promote_the_first_waiting_people(self, workshop):
        people = [sign_up(workshop, name) for name in ("Awa", "Louis", "Rose", "Jean")]
        workshop.refresh_from_db()
        workshop.capacity = 3
        sessions = [Window(s.starts_at, s.ends_at) for s in workshop.sessions.all()]
        saved = save_workshop(workshop=workshop, sessions=sessions, now=timezone.now())
        assert [r.pk for r in saved.promoted] == [people[2].pk]
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (3, 1)

    def test_fewer_seats_than_confirmed_or_waiting_is_refused(self, workshop):
        for name in ("Awa", "Louis", "Rose", "Jean"):
            sign_up(workshop, name)
        sessions = [Window(s.starts_at, s.ends_at) for s in workshop.sessions.all()]
        stale = Workshop.objects.get(pk=workshop.pk)
        stale.capacity = 1
        with pytest.raises(SlotUnavailable, match="il faut au moins 2 places"):
            save_workshop(workshop=stale, sessions=sessions, now=timezone.now())
        stale = Workshop.objects.get(pk=workshop.pk)
        stale.waitlist_capacity = 1
        with pytest.raises(SlotUnavailable, match="au moins 2 places en liste d'attente"):
            save_workshop(workshop=stale, sessions=sessions, now=timezone.now())
        assert Workshop.objects.get(pk=workshop.pk).capacity == 2

    def test_with_people_registered_a_session_is_not_moved_but_may_be_added(self, workshop):
        sign_up(workshop)
        session = workshop.sessions.get()
        moved = Window(session.starts_at + datetime.timedelta(hours=1), session.ends_at)
        with pytest.raises(SlotUnavailable, match="ni déplacée ni retirée"):
            save_workshop(workshop=workshop, sessions=[moved], now=timezone.now())
        more = Window(
            at(DAY + datetime.timedelta(days=7), 14), at(DAY + datetime.timedelta(days=7), 16)
        )
        kept = Window(session.starts_at, session.ends_at)
        save_workshop(workshop=workshop, sessions=[kept, more], now=timezone.now())
        assert workshop.sessions.count() == 2

    def test_cancelling_cancels_every_registration(self, workshop):
        people = [sign_up(workshop, name) for name in ("Awa", "Louis", "Rose")]
        workshop.refresh_from_db()
        workshop.status = WorkshopStatus.CANCELLED
        sessions = [Window(s.starts_at, s.ends_at) for s in workshop.sessions.all()]
        saved = save_workshop(workshop=workshop, sessions=sessions, now=timezone.now())
        assert {r.pk for r in saved.cancelled} == {p.pk for p in people}
        assert not Registration.objects.active().exists()
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (0, 0)

    def test_attendance_marks_every_confirmed_person_and_can_be_corrected(self, workshop):
        awa, louis, rose = (sign_up(workshop, name) for name in ("Awa", "Louis", "Rose"))
        session = workshop.sessions.get()
        assert (
            record_session_attendance(
                session=session, present={awa.pk, rose.pk}, now=started(workshop)
            )
            == 1
        )
        assert dict(Attendance.objects.values_list("registration_id", "present")) == {
            awa.pk: True,
            louis.pk: False,
        }  # Rose waits: she is not on the sheet
        record_session_attendance(session=session, present={louis.pk}, now=started(workshop))
        assert dict(Attendance.objects.values_list("registration_id", "present")) == {
            awa.pk: False,
            louis.pk: True,
        }

    def test_a_session_whose_attendance_was_taken_is_not_removed(self, workshop):
        session = workshop.sessions.get()
        awa = sign_up(workshop)
        record_session_attendance(session=session, present={awa.pk}, now=started(workshop))
        Registration.objects.filter(pk=awa.pk).update(status=RegistrationStatus.CANCELLED)
        Workshop.objects.filter(pk=workshop.pk).update(confirmed=0)
        workshop.refresh_from_db()
        other = Window(at(DAY, 9), at(DAY, 10))
        with pytest.raises(SlotUnavailable, match="présences"):
            save_workshop(workshop=workshop, sessions=[other], now=timezone.now())


class TestWorkshopPages:
    def test_create_a_workshop_with_two_sessions(self, client, mediator):
        client.force_login(mediator.user)
        taxes = Need.objects.get(slug="se-proteger-arnaques")
        second = (DAY + datetime.timedelta(days=7)).isoformat()
        data = workshop_data(
            mediator.network.sites.first(),
            animator=mediator.user.pk,
            sessions=[
                (DAY.isoformat(), "14:00", "16:00"),
                (second, "14:00", "16:00"),
                ("", "", ""),
            ],
        ) | {"needs": [taxes.pk]}
        response = client.post(url("workshop_new", mediator.network), data)
        created = Workshop.objects.get(title="Se protéger des arnaques")
        assert response.status_code == 302
        assert response.url == url("workshop_detail", mediator.network, workshop_id=created.pk)
        assert created.sessions.count() == 2 and created.starts_at == at(DAY, 14)
        assert (created.animator, list(created.needs.all())) == (mediator.user, [taxes])

    @pytest.mark.parametrize(
        "changes,error,message",
        [
            ({"sessions": [("", "", "")]}, None, "Donnez au moins une séance"),
            ({"sessions": [(DAY.isoformat(), "14:00", "")]}, "seances-0-end", "heure de fin"),
            ({"sessions": [(DAY.isoformat(), "16:00", "14:00")]}, "seances-0-end", "finir après"),
            ({"capacity": "0"}, "capacity", "au moins une place"),
            ({"title": ""}, "title", "obligatoire"),
            ({"desk_registration": "", "public_registration": ""}, "desk_registration", "Ouvrez"),
        ],
    )
    def test_bad_input_is_explained_and_kept(self, client, mediator, changes, error, message):
        client.force_login(mediator.user)
        data = workshop_data(mediator.network.sites.first(), **changes)
        data = {k: v for k, v in data.items() if v != ""}
        response = client.post(url("workshop_new", mediator.network), data)
        assert response.status_code == 200
        assert message in response.text
        if error:
            assert f'id="id_{error}_error"' in response.text
        assert "Reconnaître un faux message" in response.text
        assert not Workshop.objects.filter(description__startswith="Reconnaître").exists()

    def test_more_seats_tell_the_people_promoted(
        self, client, mediator, workshop, django_capture_on_commit_callbacks
    ):
        for name in ("Awa", "Louis", "Rose"):
            sign_up(workshop, name)
        mail.outbox.clear()
        client.force_login(mediator.user)
        target = url("workshop_edit", mediator.network, workshop_id=workshop.pk)
        assert client.get(target).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, edit_data(workshop, capacity="3"))
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["rose@example.org"]]
        assert "1 personne sort de la liste d" in client.get(response.url).text

    def test_fewer_seats_are_refused_on_the_form(self, client, mediator, workshop):
        sign_up(workshop, "Awa")
        sign_up(workshop, "Louis")
        client.force_login(mediator.user)
        target = url("workshop_edit", mediator.network, workshop_id=workshop.pk)
        response = client.post(target, edit_data(workshop, capacity="1", title="Nouveau titre"))
        assert response.status_code == 200
        assert "2 personnes sont déjà inscrites" in response.text
        assert 'value="Nouveau titre"' in response.text
        workshop.refresh_from_db()
        assert (workshop.capacity, workshop.title) == (2, "Premiers pas sur smartphone")

    def test_cancelling_a_workshop_asks_first_then_tells_everyone(
        self, client, mediator, workshop, django_capture_on_commit_callbacks
    ):
        sign_up(workshop, "Awa")
        sign_up(workshop, "Louis")
        mail.outbox.clear()
        client.force_login(mediator.user)
        target = url("workshop_edit", mediator.network, workshop_id=workshop.pk)
        data = edit_data(workshop, status="cancelled")
        asked = client.post(target, data)
        assert "2 personnes sont inscrites ou en liste d" in asked.text
        assert Workshop.objects.get(pk=workshop.pk).status == WorkshopStatus.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(target, data | {"confirm_cancel": "1"})
        assert done.status_code == 302
        assert Workshop.objects.get(pk=workshop.pk).status == WorkshopStatus.CANCELLED
        assert sorted(m.to[0] for m in mail.outbox) == ["awa@example.org", "louis@example.org"]


class TestRegistrationsAtTheDesk:
    def test_register_then_the_waiting_list(
        self, client, workshop, django_capture_on_commit_callbacks
    ):
        volunteer = MembershipFactory(network=workshop.network, volunteer=True)
        client.force_login(volunteer.user)
        target = url("workshop_register", workshop.network, workshop_id=workshop.pk)
        with django_capture_on_commit_callbacks(execute=True):
            for name in ("Awa", "Louis", "Rose"):
                response = client.post(target, {"first_name": name, "email": f"{name}@example.org"})
                assert response.status_code == 302
        statuses = dict(Registration.objects.values_list("first_name", "status"))
        assert statuses == {"Awa": "confirmed", "Louis": "confirmed", "Rose": "waitlisted"}
        registration = Registration.objects.get(first_name="Awa")
        assert (registration.channel, registration.registered_by) == (Channel.DESK, volunteer.user)
        assert len(mail.outbox) == 3
        detail = client.get(response.url).text
        assert "Rose est en liste d&#x27;attente (position 1)" in detail
        confirmed, waiting = detail.split("Liste d'attente</h2>")
        assert "Awa" in confirmed and "Louis" in confirmed and "Rose" in waiting

    def test_full_and_waiting_list_full_is_refused_with_the_typed_values(self, client, workshop):
        for name in ("Awa", "Louis", "Rose", "Jean"):
            sign_up(workshop, name)
        client.force_login(MembershipFactory(network=workshop.network).user)
        target = url("workshop_register", workshop.network, workshop_id=workshop.pk)
        assert "ne sont pas ouvertes" in client.get(target).text
        response = client.post(target, {"first_name": "Paul", "email": "paul@example.org"})
        assert "L&#x27;atelier et sa liste d&#x27;attente sont complets." in response.text
        assert 'value="paul@example.org"' in response.text

    def test_cancelling_a_registration_promotes_and_tells_both(
        self, client, workshop, django_capture_on_commit_callbacks
    ):
        awa = sign_up(workshop, "Awa")
        sign_up(workshop, "Louis")
        rose = sign_up(workshop, "Rose")
        mail.outbox.clear()
        client.force_login(MembershipFactory(network=workshop.network, volunteer=True).user)
        target = url("registration_cancel", workshop.network, registration_id=awa.pk)
        assert "Annuler l'inscription de Awa" in client.get(target).text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target)
        assert response.status_code == 302
        assert Registration.objects.get(pk=awa.pk).status == RegistrationStatus.CANCELLED
        assert Registration.objects.get(pk=rose.pk).status == RegistrationStatus.CONFIRMED
        assert sorted(m.to[0] for m in mail.outbox) == ["awa@example.org", "rose@example.org"]
        assert "Rose sort de la liste d" in client.get(response.url).text


class TestAttendancePages:
    def test_attendance_is_taken_only_once_the_session_has_started(
        self, client, workshop, time_machine
    ):
        awa = sign_up(workshop, "Awa")
        session = workshop.sessions.get()
        time_machine.move_to(session.starts_at - datetime.timedelta(minutes=1), tick=False)
        client.force_login(MembershipFactory(network=workshop.network, volunteer=True).user)
        target = url("session_attendance", workshop.network, session_id=session.pk)
        page = client.get(target).text
        assert "pas encore commencé" in page and "<legend>" not in page
        response = client.post(target, {"present": [str(awa.pk)]}, follow=True)
        assert "pas encore commencé" in response.text
        assert not Attendance.objects.exists()
        time_machine.move_to(session.starts_at, tick=False)
        assert client.post(target, {"present": [str(awa.pk)]}).status_code == 302
        assert Attendance.objects.get().present

    def test_attendance_is_taken_with_checkboxes(self, client, workshop, time_machine):
        awa, louis = sign_up(workshop, "Awa"), sign_up(workshop, "Louis")
        session = workshop.sessions.get()
        time_machine.move_to(session.starts_at, tick=False)
        client.force_login(MembershipFactory(network=workshop.network, volunteer=True).user)
        target = url("session_attendance", workshop.network, session_id=session.pk)
        page = client.get(target).text
        assert "<legend>Cochez les personnes présentes" in page
        assert f'value="{awa.pk}"' in page and "Louis" in page
        response = client.post(target, {"present": [str(louis.pk)]})
        assert response.status_code == 302
        assert dict(Attendance.objects.values_list("registration__first_name", "present")) == {
            "Awa": False,
            "Louis": True,
        }
        again = client.get(target).text
        assert "déjà été relevées" in again
        assert f'value="{louis.pk}" id="id_present_1" checked' in again

    def test_the_sheet_lists_confirmed_people_with_a_signature_column(self, client, workshop):
        sign_up(workshop, "Louis")
        sign_up(workshop, "Awa")
        sign_up(workshop, "Rose")  # waiting: not on the sheet
        client.force_login(MembershipFactory(network=workshop.network, volunteer=True).user)
        page = client.get(url("workshop_sheet", workshop.network, workshop_id=workshop.pk)).text
        assert "<h1>Feuille d'émargement : Premiers pas sur smartphone</h1>" in page
        assert '<th scope="col" class="sheet__signature">Signature</th>' in page
        assert page.index(">Awa<") < page.index(">Louis<")
        assert ">Rose<" not in page
        assert "agenda/agenda.css" in page
        assert workshop.network.name in page and workshop.site.name in page
