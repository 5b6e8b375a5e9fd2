"""The demo network's agenda: every kind of permanence and a month of workshops, some
full with a waiting list, fake contacts only, and nothing new on a second run."""

import datetime

import pytest
from django.urls import reverse

from aiguillage.agenda.models import (
    Appointment,
    Occurrence,
    Permanence,
    PermanenceKind,
    Registration,
    Workshop,
)
from aiguillage.demo.seed import seed_demo

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)  # a Saturday


def agenda_counts():
    return tuple(
        model.objects.count()
        for model in (Permanence, Occurrence, Workshop, Registration, Appointment)
    )


def test_the_demo_has_partner_staff_walk_in_and_tax_campaign_permanences():
    network = seed_demo(today=TODAY).network
    permanences = {p.title: p for p in Permanence.objects.filter(network=network)}
    france_services = permanences["Permanence France services"]
    assert france_services.kind == PermanenceKind.PARTNER
    assert france_services.structure.source_id == "fs-lodevois-larzac"
    assert france_services.rrule == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    taxes = permanences["Impôts : aide à la déclaration de revenus"]
    assert (taxes.starts_on, taxes.ends_on) == (
        datetime.date(2027, 4, 1),
        datetime.date(2027, 6, 30),
    )
    assert taxes.rrule.startswith("FREQ=WEEKLY")
    assert taxes.occurrences.exists()  # April and May 2027 fall within the six months
    assert taxes.needs.filter(slug="declarer-ses-revenus").exists()
    mediator = permanences["Rendez-vous numérique avec Inès"]
    assert mediator.kind == PermanenceKind.STAFF and mediator.staff.role == "digital_mediator"
    assert permanences["Accueil numérique sans rendez-vous"].walk_in
    # Five at the desk, Yanis (a first name only) among them.
    assert Appointment.objects.filter(network=network).count() == 5


def test_a_month_of_workshops_some_full_with_a_waiting_list():
    network = seed_demo(today=TODAY).network
    workshops = list(Workshop.objects.filter(network=network))
    assert len(workshops) == 4
    assert all(TODAY < w.starts_at.date() <= TODAY + datetime.timedelta(days=31) for w in workshops)
    full = [w for w in workshops if w.seats_left == 0 and w.waitlisted]
    assert len(full) == 2
    assert max(w.sessions.count() for w in workshops) == 2
    emails = Registration.objects.values_list("email", flat=True)
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert not Registration.objects.exclude(phone="").exists()


def test_the_demo_agenda_is_idempotent():
    seed_demo(today=TODAY)
    before = agenda_counts()
    second = seed_demo(today=TODAY)
    assert agenda_counts() == before
    assert second.created == 0 and second.updated == 0


def test_the_demo_day_shows_the_bookings(client):
    summary = seed_demo(today=TODAY)
    _role, email, password = summary.logins[0]
    client.login(username=email, password=password)
    tuesday = TODAY + datetime.timedelta(days=3)
    target = reverse("agenda:day", args=[summary.network.slug])
    page = client.get(target, {"date": tuesday.isoformat(), "site": "lodeve"}).text
    assert "Permanence France services" in page
    assert "Alex" in page and "Lou" in page
    assert "Créer et utiliser son adresse e-mail" in page
