"""Today at the desk (orientation:today): the day's permanences, bookings and sessions of
the member's view, the count of conversations, and the one-click marks and walk-ins."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Channel,
    Registration,
    RegistrationStatus,
    Workshop,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.orientation.models import OUTCOME_MODE, Interaction, Outcome
from aiguillage.privacy.models.journal import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    WorkshopFactory,
)
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def today(time_machine):
    """Today (whatever the suite's instant), at 8:00 in Paris: nothing has started yet."""
    day = timezone.localdate()
    time_machine.move_to(at(day, 8), tick=False)
    return day


def visitor(name: str, email: str = "") -> Visitor:
    return Visitor(first_name=name, email=email)


@pytest.fixture
def world(today):
    """One site with a partner permanence (9:00-12:00, 30-minute slots; Awa booked at
    9:00) and a workshop session (14:00-16:00; Bea and Chloé registered) today; a
    second site of the same network with its own permanence."""
    site = SiteFactory(name="Médiathèque Azurite")
    network = site.network
    permanence = UpcomingPermanenceFactory(site=site, first_day=today, title="Permanence CAF")
    first_slot = permanence.slots.order_by("starts_at").first()
    now = timezone.now()
    awa = book_slot(
        slot=first_slot,
        visitor=visitor("Awa", "awa@example.org"),
        need=None,
        channel=Channel.DESK,
        now=now,
    )
    workshop = WorkshopFactory(
        site=site, title="Atelier tablette", capacity=3, starts_at=at(today, 14)
    )
    session = workshop.sessions.get()
    bea = register(workshop=workshop, visitor=visitor("Bea"), channel=Channel.DESK, now=now)
    chloe = register(workshop=workshop, visitor=visitor("Chloé"), channel=Channel.DESK, now=now)
    other_site = SiteFactory(network=network, name="Médiathèque Basalte")
    UpcomingPermanenceFactory(site=other_site, first_day=today, title="Permanence Impôts")
    return {
        "network": network,
        "site": site,
        "other_site": other_site,
        "permanence": permanence,
        "slot": first_slot,
        "awa": awa,
        "workshop": workshop,
        "session": session,
        "bea": bea,
        "chloe": chloe,
    }


def page_url(network, **query) -> str:
    url = reverse("orientation:today", args=[network.slug])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def action_url(name, network, **kwargs) -> str:
    return reverse(f"orientation:{name}", kwargs={"network_slug": network.slug, **kwargs})


def logged_in(client, network, **traits):
    member = MembershipFactory(network=network, **traits)
    client.force_login(member.user)
    return member


def conversation(network, site, day):
    return Interaction.objects.create(
        network=network,
        site=site,
        staff_role="librarian",
        day=day,
        hour=9,
        outcome=Outcome.ORIENTED,
        mode_chosen=OUTCOME_MODE[Outcome.ORIENTED],
    )


# --- What the page shows --------------------------------------------------------------


def test_a_site_s_day_with_bookings_seats_and_conversations(client, world, today):
    network, site = world["network"], world["site"]
    logged_in(client, network)
    for _ in range(2):
        conversation(network, site, today)
    conversation(network, world["other_site"], today)  # another site
    conversation(network, site, today - datetime.timedelta(days=1))  # yesterday
    response = client.get(page_url(network, voir=site.slug))
    assert response.status_code == 200
    text = response.text
    assert "Permanence CAF" in text and ">Awa</a>" in text
    assert "Permanence Impôts" not in text  # the other site's
    assert "Atelier tablette" in text
    assert "2 inscrit·es sur 3 places" in text and "1 place restante" in text
    assert "Bea" in text and "Chloé" in text
    assert "2 conversations à l'accueil enregistrées aujourd'hui" in text
    assert "awa@example.org" not in text  # first names only, even for an editor


def test_nothing_to_mark_and_no_walk_in_before_the_start(client, world):
    network = world["network"]
    logged_in(client, network)
    text = client.get(page_url(network, voir=world["site"].slug)).text
    awa_mark = action_url("today_appointment", network, appointment_id=world["awa"].pk)
    assert awa_mark not in text
    session_walk_in = action_url("today_session_walk_in", network, session_id=world["session"].pk)
    assert session_walk_in not in text
    # Before the session, an ordinary registration at the desk.
    register_url = reverse("agenda:workshop_register", args=[network.slug, world["workshop"].pk])
    assert register_url in text
    # A free slot still to come takes someone who walks in.
    free = world["permanence"].slots.order_by("starts_at")[1]
    assert action_url("today_slot_walk_in", network, slot_id=free.pk) in text


def test_marking_an_appointment_before_its_start_is_refused(client, world):
    network = world["network"]
    logged_in(client, network)
    url = action_url("today_appointment", network, appointment_id=world["awa"].pk)
    response = client.post(url, {"presence": "present", "voir": world["site"].slug}, follow=True)
    assert "pas encore commencé" in response.text
    world["awa"].refresh_from_db()
    assert world["awa"].status == AppointmentStatus.BOOKED


def test_marking_an_appointment_once_started(client, world, today, time_machine):
    network, site = world["network"], world["site"]
    time_machine.move_to(at(today, 9, 5), tick=False)
    logged_in(client, network, volunteer=True)  # every role takes attendance
    url = action_url("today_appointment", network, appointment_id=world["awa"].pk)
    assert url in client.get(page_url(network, voir=site.slug)).text
    response = client.post(url, {"presence": "absent", "voir": site.slug})
    assert response.status_code == 302
    assert response["Location"] == (
        page_url(network, voir=site.slug) + f"#permanence-{world['slot'].occurrence_id}"
    )
    world["awa"].refresh_from_db()
    assert world["awa"].status == AppointmentStatus.NO_SHOW
    client.post(url, {"presence": "present", "voir": site.slug})  # corrected
    world["awa"].refresh_from_db()
    assert world["awa"].status == AppointmentStatus.ATTENDED
    assert client.post(url, {"presence": "peut-etre"}).status_code == 400


def test_a_session_s_people_are_marked_one_at_a_time(client, world, today, time_machine):
    network, session = world["network"], world["session"]
    logged_in(client, network)
    url = action_url(
        "today_session_person", network, session_id=session.pk, registration_id=world["bea"].pk
    )
    client.post(url, {"presence": "present"})  # before the start: refused
    assert not Attendance.objects.exists()
    time_machine.move_to(at(today, 14, 5), tick=False)
    logged_in(client, network)  # the morning's session has expired meanwhile
    assert url in client.get(page_url(network, voir=world["site"].slug)).text
    response = client.post(url, {"presence": "present"}, follow=True)
    assert "Bea : présent·e." in response.text
    assert list(Attendance.objects.values_list("registration__first_name", "present")) == [
        ("Bea", True)
    ]  # Chloé is not marked absent by Bea's click
    client.post(url, {"presence": "absent"})
    assert Attendance.objects.get().present is False


def test_someone_who_walks_in_to_a_session_takes_a_seat_and_is_present(
    client, world, today, time_machine
):
    network, session = world["network"], world["session"]
    time_machine.move_to(at(today, 14, 10), tick=False)
    member = logged_in(client, network, volunteer=True)
    url = action_url("today_session_walk_in", network, session_id=session.pk)
    assert url in client.get(page_url(network, voir=world["site"].slug)).text
    response = client.post(url, {"prenom": "  Marc ", "voir": world["site"].slug})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#seance-{session.pk}")
    marc = Registration.objects.get(first_name="Marc")
    assert (marc.status, marc.channel, marc.email, marc.phone) == (
        RegistrationStatus.CONFIRMED,
        Channel.DESK,
        "",
        "",
    )
    assert marc.registered_by == member.user
    assert Attendance.objects.get(registration=marc, session=session).present is True
    assert Workshop.objects.get(pk=world["workshop"].pk).confirmed == 3
    assert JournalEntry.objects.filter(
        action=JournalAction.REGISTRATION_MADE, object_id=str(marc.pk)
    ).exists()
    # The workshop is now full: no walk-in form, and a post is refused.
    text = client.get(page_url(network, voir=world["site"].slug)).text
    assert url not in text and "plus de place pour une personne venue sans inscription" in text
    refused = client.post(url, {"prenom": "Nour", "voir": world["site"].slug})
    assert refused.status_code == 400
    assert "complet" in refused.text
    assert not Registration.objects.filter(first_name="Nour").exists()


def test_a_walk_in_refused_keeps_what_was_typed(client, world, today, time_machine):
    network, session = world["network"], world["session"]
    logged_in(client, network)
    url = action_url("today_session_walk_in", network, session_id=session.pk)
    early = client.post(url, {"prenom": "Marc", "voir": world["site"].slug})  # 8:00
    assert early.status_code == 400
    assert "pas encore commencé" in early.text and "« Marc »" in early.text
    time_machine.move_to(at(today, 14, 10), tick=False)
    logged_in(client, network)
    nir = "Marc 2 95 10 99 126 111 93"
    refused = client.post(url, {"prenom": nir, "voir": world["site"].slug})
    assert refused.status_code == 400
    assert f'value="{nir}"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert not Registration.objects.filter(first_name__startswith="Marc").exists()


def test_someone_who_walks_in_to_a_permanence_gets_a_free_slot(client, world):
    network = world["network"]
    member = logged_in(client, network)
    free = world["permanence"].slots.order_by("starts_at")[1]
    url = action_url("today_slot_walk_in", network, slot_id=free.pk)
    response = client.post(url, {"prenom": "Zoé", "voir": world["site"].slug})
    assert response.status_code == 302
    zoe = Appointment.objects.get(first_name="Zoé")
    assert (zoe.slot, zoe.channel, zoe.email, zoe.phone, zoe.booked_by) == (
        free,
        Channel.DESK,
        "",
        "",
        member.user,
    )
    assert JournalEntry.objects.filter(
        action=JournalAction.BOOKING_MADE, object_id=str(zoe.pk)
    ).exists()
    # The slot is taken: another walk-in is refused, with the name kept.
    again = client.post(url, {"prenom": "Yann", "voir": world["site"].slug})
    assert again.status_code == 400
    assert "« Yann » n'a pas été ajouté·e" in again.text
    assert Appointment.objects.filter(slot=free).count() == 1


# --- Who sees what --------------------------------------------------------------------


@pytest.fixture
def other_network(world, today):
    """Another network with a permanence, a booking, a session and a conversation today."""
    site = SiteFactory(name="Médiathèque Bétoine")
    permanence = UpcomingPermanenceFactory(site=site, first_day=today, title="Permanence Bétoine")
    slot = permanence.slots.order_by("starts_at").first()
    book_slot(
        slot=slot, visitor=visitor("Ophélie"), need=None, channel=Channel.DESK, now=timezone.now()
    )
    workshop = WorkshopFactory(site=site, title="Atelier Bétoine", starts_at=at(today, 14))
    conversation(site.network, site, today)
    return {"site": site, "slot": slot, "workshop": workshop}


@pytest.mark.parametrize("voir", ["tous", "moi", "", "mediatheque-betoine"])
def test_another_network_s_rows_never_show(client, world, other_network, voir):
    network = world["network"]
    logged_in(client, network, coordinator=True)
    text = client.get(page_url(network, voir=voir or other_network["site"].slug)).text
    for secret in ("Bétoine", "Ophélie"):
        assert secret not in text
    assert "1 conversation" not in text


def test_another_network_s_rows_cannot_be_marked(client, world, other_network, today):
    logged_in(client, world["network"], coordinator=True)
    appointment = Appointment.objects.get(first_name="Ophélie")
    network = world["network"]
    url = action_url("today_appointment", network, appointment_id=appointment.pk)
    assert client.post(url, {"presence": "present"}).status_code == 404
    walk_in = action_url("today_slot_walk_in", network, slot_id=other_network["slot"].pk)
    assert client.post(walk_in, {"prenom": "Zoé"}).status_code == 404
    session = other_network["workshop"].sessions.get()
    walk_in = action_url("today_session_walk_in", network, session_id=session.pk)
    assert client.post(walk_in, {"prenom": "Zoé"}).status_code == 404
    assert not Appointment.objects.filter(first_name="Zoé").exists()


def test_a_coordinator_sees_every_site_others_one_at_a_time(client, world):
    network = world["network"]
    logged_in(client, network, coordinator=True)
    text = client.get(page_url(network, voir="tous")).text
    assert "Permanence CAF" in text and "Permanence Impôts" in text
    assert "Médiathèque Basalte" in text  # each row says where
    client.logout()
    logged_in(client, network)  # a librarian
    text = client.get(page_url(network, voir="tous")).text
    assert 'value="tous"' not in text
    assert ("Permanence CAF" in text) != ("Permanence Impôts" in text)  # one site only


def test_a_mediator_sees_their_own_appointments_first(client, world, today):
    network = world["network"]
    mediator = logged_in(client, network, mediator=True)
    UpcomingStaffPermanenceFactory(
        site=world["other_site"], staff=mediator, first_day=today, title="Mon accompagnement"
    )
    text = client.get(page_url(network)).text  # nothing chosen yet: their own
    assert "Mes rendez-vous" in text and "Mon accompagnement" in text
    assert "Permanence CAF" not in text and "Atelier tablette" not in text
    # Another site when asked, remembered afterwards.
    client.get(page_url(network, voir=world["site"].slug))
    text = client.get(page_url(network)).text
    assert "Permanence CAF" in text and "Mon accompagnement" not in text
