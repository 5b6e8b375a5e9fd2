"""Changing the time of a booking at the desk: same permanence, one message."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, AppointmentStatus, Channel, Slot
from aiguillage.agenda.services.appointments import book_slot
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def permanence():
    return UpcomingPermanenceFactory(title="Impôts")


@pytest.fixture
def desk(client, permanence):
    client.force_login(MembershipFactory(network=permanence.network, volunteer=True).user)
    return client


def booked(slot, first_name="Awa"):
    return book_slot(
        slot=slot,
        visitor=Visitor(first_name=first_name, email=f"{first_name.lower()}@example.org"),
        need=None,
        channel=Channel.ONLINE,
        now=timezone.now(),
    )


def move_url(appointment):
    return reverse(
        "agenda:appointment_move",
        kwargs={"network_slug": appointment.network.slug, "appointment_id": appointment.pk},
    )


def test_offers_the_other_free_slots_of_the_same_permanence(desk, permanence):
    first, second, third = permanence.slots.order_by("starts_at")[:3]
    appointment = booked(first)
    booked(third, "Lou")  # full: one seat a slot
    other = UpcomingPermanenceFactory(site=permanence.site)
    page = desk.get(move_url(appointment)).content.decode()
    assert f'id="slot-{second.pk}"' in page
    assert f'id="slot-{first.pk}"' not in page  # where the person already is
    assert f'id="slot-{third.pk}"' not in page  # full
    assert not any(f'id="slot-{s.pk}"' in page for s in Slot.objects.filter(permanence=other))


def test_moves_and_tells_the_person_once(desk, permanence, django_capture_on_commit_callbacks):
    first, second = permanence.slots.order_by("starts_at")[:2]
    appointment = booked(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(move_url(appointment), {"slot": second.pk})
    moved = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/rendez-vous/{moved.pk}/")
    assert moved.slot_id == second.pk
    assert moved.channel == Channel.DESK
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert [Slot.objects.get(pk=s.pk).booked for s in (first, second)] == [0, 1]
    (message,) = mail.outbox
    assert message.subject.startswith("Nouvel horaire")


def test_a_slot_taken_meanwhile_keeps_the_booking_and_says_so(desk, permanence):
    first, second = permanence.slots.order_by("starts_at")[:2]
    appointment = booked(first)
    page = desk.get(move_url(appointment))
    assert page.status_code == 200
    booked(second, "Lou")  # taken between the page and the click
    response = desk.post(move_url(appointment), {"slot": second.pk})
    assert response.status_code == 400
    assert "Choisissez un des créneaux libres" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_nothing_chosen_or_a_foreign_slot_is_refused(desk, permanence):
    first = permanence.slots.order_by("starts_at").first()
    appointment = booked(first)
    foreign = UpcomingPermanenceFactory().slots.first()
    for data in ({}, {"slot": foreign.pk}, {"slot": "abc"}):
        response = desk.post(move_url(appointment), data)
        assert response.status_code == 400
    assert Appointment.objects.get().slot_id == first.pk


def test_a_cancelled_booking_cannot_move(desk, permanence):
    from aiguillage.agenda.models import CancelledBy
    from aiguillage.agenda.services.appointments import cancel_appointment

    appointment = booked(permanence.slots.order_by("starts_at").first())
    cancel_appointment(
        appointment=appointment, cancelled_by=CancelledBy.VISITOR, now=timezone.now()
    )
    response = desk.get(move_url(appointment))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/rendez-vous/{appointment.pk}/")
