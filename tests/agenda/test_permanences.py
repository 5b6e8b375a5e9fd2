"""Permanences: materialised ahead, idempotently; overlaps refused; a date cancelled."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    AppointmentStatus,
    CancelledBy,
    Occurrence,
    OccurrenceStatus,
    Slot,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.errors import Overlap
from aiguillage.agenda.services.permanences import (
    cancel_occurrence,
    materialise,
    materialise_all,
    save_permanence,
)
from tests.agenda.factories import PermanenceFactory, StaffPermanenceFactory
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)


def test_materialising_creates_the_window_once():
    permanence = PermanenceFactory(starts_on=datetime.date(2026, 12, 1))
    created = materialise(permanence=permanence, today=TODAY, window_days=31)
    # Tuesdays 1, 8, 15 and 22 December 2026; six 30-minute slots each (9:00-12:00).
    assert created == 4
    assert Slot.objects.filter(permanence=permanence).count() == 24
    assert materialise(permanence=permanence, today=TODAY, window_days=31) == 0
    assert Slot.objects.filter(permanence=permanence).count() == 24
    permanence.refresh_from_db()
    assert permanence.materialised_until == TODAY + datetime.timedelta(days=31)


def test_the_rolling_window_adds_only_the_new_dates():
    permanence = PermanenceFactory(starts_on=datetime.date(2026, 12, 1))
    materialise(permanence=permanence, today=TODAY, window_days=31)
    assert materialise_all(today=TODAY + datetime.timedelta(days=7), window_days=31) == 1
    assert Occurrence.objects.filter(permanence=permanence).count() == 5


def test_a_walk_in_permanence_has_dates_but_no_slots():
    permanence = PermanenceFactory(slot_minutes=None)
    materialise(permanence=permanence, today=TODAY, window_days=31)
    assert Occurrence.objects.filter(permanence=permanence).count() == 4
    assert not Slot.objects.filter(permanence=permanence).exists()


def test_slots_copy_where_and_who_may_book():
    permanence = PermanenceFactory(seats_per_slot=3, bookable_by="desk")
    materialise(permanence=permanence, today=TODAY, window_days=10)
    slot = Slot.objects.filter(permanence=permanence).first()
    assert (slot.network_id, slot.site_id, slot.capacity, slot.is_public) == (
        permanence.network_id,
        permanence.site_id,
        3,
        False,
    )
    assert slot.starts_at == datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


def test_the_same_staff_member_cannot_be_at_two_sites_at_once():
    first = StaffPermanenceFactory()
    save_permanence(permanence=first, today=TODAY)
    other_site = SiteFactory(network=first.network, name="Médiathèque de Clapiers")
    clash = StaffPermanenceFactory.build(
        site=other_site,
        network=first.network,
        staff=first.staff,
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        start_time=datetime.time(11, 0),
        end_time=datetime.time(13, 0),
    )
    with pytest.raises(Overlap, match="Médiathèque"):
        save_permanence(permanence=clash, today=TODAY)
    assert clash.pk is None
    # The afternoon is free.
    clash.start_time, clash.end_time = datetime.time(14, 0), datetime.time(16, 0)
    save_permanence(permanence=clash, today=TODAY)
    assert Occurrence.objects.filter(permanence=clash).exists()


def test_a_named_partner_agent_cannot_be_at_two_places_at_once():
    first = PermanenceFactory(partner_agent="Mme Durand")
    save_permanence(permanence=first, today=TODAY)
    second = PermanenceFactory.build(
        site=SiteFactory(network=first.network),
        network=first.network,
        structure=first.structure,
        partner_agent="mme durand",
    )
    with pytest.raises(Overlap):
        save_permanence(permanence=second, today=TODAY)
    second.partner_agent = "M. Petit"  # another agent of the same office
    save_permanence(permanence=second, today=TODAY)


def test_a_cancelled_date_frees_the_person_and_cancels_its_bookings():
    permanence = PermanenceFactory()
    save_permanence(permanence=permanence, today=TODAY)
    occurrence = Occurrence.objects.filter(permanence=permanence).first()
    slot = occurrence.slots.first()
    appointment = book_slot(
        slot=slot,
        visitor=Visitor(first_name="Awa", phone="06 12 34 56 78"),
        need=None,
        channel="desk",
        now=NOW,
    )
    concerned = cancel_occurrence(occurrence=occurrence, reason="Agent absent", now=NOW)
    assert [a.pk for a in concerned] == [appointment.pk]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by == CancelledBy.SYSTEM
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.CANCELLED
    assert not Slot.objects.filter(occurrence=occurrence, is_open=True).exists()
    # Materialising again does not bring the cancelled date back.
    materialise(permanence=permanence, today=TODAY)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.CANCELLED


def test_the_command_materialises_every_active_permanence(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)
    active = PermanenceFactory()
    inactive = PermanenceFactory(is_active=False)
    out = io.StringIO()
    call_command("materialise_agenda", "--days", "31", stdout=out)
    assert out.getvalue().strip() == "agenda: 4 new dates materialised up to 31 days ahead"
    assert Occurrence.objects.filter(permanence=active).count() == 4
    assert not Occurrence.objects.filter(permanence=inactive).exists()
    with pytest.raises(CommandError, match="--days"):
        call_command("materialise_agenda", "--days", "0")
