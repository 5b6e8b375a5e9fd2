"""Permanences from the staff pages: presets, overlaps, edits that would move booked
people (asked first, then cancelled and told), fewer seats refused, cancelling a date."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    BookableBy,
    CancelledBy,
    Channel,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    Slot,
)
from aiguillage.agenda.recurrence import PARIS, weekly
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.errors import Overlap, SlotUnavailable
from aiguillage.agenda.services.permanences import (
    BookingsWouldMove,
    bookings_moved_by,
    edit_permanence,
)
from aiguillage.catalog.models import Need
from aiguillage.directory.models import Partnership
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db
FIRST = in_days(7)  # the first date of the permanences below


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def book(slot, first_name="Awa"):
    return book_slot(
        slot=slot,
        visitor=Visitor(first_name=first_name, email=f"{first_name.lower()}@example.org"),
        need=None,
        channel=Channel.DESK,
        now=timezone.now(),
    )


def slot_at(permanence, moment) -> Slot:
    return Slot.objects.get(permanence=permanence, starts_at=moment)


def edited(permanence: Permanence, **changes) -> Permanence:
    """The permanence as the form leaves it: changed in memory, not saved."""
    fresh = Permanence.objects.get(pk=permanence.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh


def apply(permanence, cancel=(), **changes):
    return edit_permanence(
        permanence=edited(permanence, **changes),
        today=timezone.localdate(),
        now=timezone.now(),
        cancel=cancel,
    )


@pytest.fixture
def permanence():
    return UpcomingPermanenceFactory(title="Impôts")


class TestEditPermanence:
    def test_longer_hours_keep_every_booking_and_add_slots(self, permanence):
        booked = book(slot_at(permanence, at(FIRST, 11, 30)))
        assert apply(permanence, end_time=datetime.time(13, 0)) == []
        occurrence = Occurrence.objects.get(permanence=permanence, starts_at=at(FIRST, 9))
        assert occurrence.ends_at == at(FIRST, 13)
        assert occurrence.slots.count() == 8
        booked.refresh_from_db()
        assert booked.status == AppointmentStatus.BOOKED

    def test_shorter_slots_ask_about_the_people_whose_hour_disappears(self, permanence):
        kept = book(slot_at(permanence, at(FIRST, 9)), "Awa")
        moved = book(slot_at(permanence, at(FIRST, 9, 30)), "Louis")
        before = Slot.objects.filter(permanence=permanence).count()
        with pytest.raises(BookingsWouldMove) as asked:
            apply(permanence, slot_minutes=20)
        assert asked.value.appointments == [moved]
        assert Slot.objects.filter(permanence=permanence).count() == before  # nothing written
        assert bookings_moved_by(
            permanence=edited(permanence, slot_minutes=20),
            today=timezone.localdate(),
            now=timezone.now(),
        ) == [moved]

        cancelled = apply(permanence, cancel=[moved.pk], slot_minutes=20)
        assert [a.pk for a in cancelled] == [moved.pk]
        moved.refresh_from_db()
        kept.refresh_from_db()
        assert (moved.status, moved.cancelled_by) == (
            AppointmentStatus.CANCELLED,
            CancelledBy.STAFF,
        )
        assert kept.status == AppointmentStatus.BOOKED
        first_day = Slot.objects.filter(occurrence__starts_at=at(FIRST, 9), is_open=True)
        assert [s.starts_at.astimezone(PARIS).strftime("%H:%M") for s in first_day] == [
            "09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20", "11:40",
        ]  # fmt: skip
        assert slot_at(permanence, at(FIRST, 9)).ends_at == at(FIRST, 9, 20)
        # The slot Louis had stays, closed, with its own hours (his message says 9:30).
        old = slot_at(permanence, at(FIRST, 9, 30))
        assert (old.is_open, old.booked, old.ends_at) == (False, 0, at(FIRST, 10))

    def test_another_weekday_cancels_the_old_dates_with_bookings_and_drops_the_others(
        self, permanence
    ):
        booked = book(slot_at(permanence, at(FIRST, 10)))
        new_day = FIRST + datetime.timedelta(days=1)
        with pytest.raises(BookingsWouldMove):
            apply(permanence, rrule=weekly(new_day.weekday()))
        apply(permanence, cancel=[booked.pk], rrule=weekly(new_day.weekday()))
        old = Occurrence.objects.get(permanence=permanence, starts_at=at(FIRST, 9))
        assert old.status == OccurrenceStatus.CANCELLED
        assert old.cancel_reason == "Horaires de la permanence modifiés"
        assert not Occurrence.objects.filter(
            permanence=permanence, starts_at=at(FIRST + datetime.timedelta(days=7), 9)
        ).exists()
        assert Occurrence.objects.filter(permanence=permanence, starts_at=at(new_day, 9)).exists()
        assert Slot.objects.filter(permanence=permanence, starts_at=at(new_day, 9)).exists()

    def test_another_site_moves_every_future_booking(self, permanence):
        booked = book(slot_at(permanence, at(FIRST, 10)))
        elsewhere = SiteFactory(network=permanence.network)
        with pytest.raises(BookingsWouldMove) as asked:
            apply(permanence, site=elsewhere)
        assert asked.value.appointments == [booked]
        apply(permanence, cancel=[booked.pk], site=elsewhere)
        assert set(Slot.objects.filter(permanence=permanence).values_list("site", flat=True)) == {
            elsewhere.pk
        }

    def test_an_unrelated_booking_id_does_not_confirm(self, permanence):
        moved = book(slot_at(permanence, at(FIRST, 9, 30)))
        with pytest.raises(BookingsWouldMove):
            apply(permanence, cancel=[moved.pk + 1000], slot_minutes=20)
        moved.refresh_from_db()
        assert moved.status == AppointmentStatus.BOOKED

    def test_fewer_seats_than_a_slot_holds_is_refused(self):
        permanence = UpcomingPermanenceFactory(seats_per_slot=3)
        slot = slot_at(permanence, at(FIRST, 10))
        book(slot, "Awa")
        book(slot, "Louis")
        with pytest.raises(SlotUnavailable, match="a déjà 2 réservations"):
            apply(permanence, seats_per_slot=1)
        assert Slot.objects.get(pk=slot.pk).capacity == 3
        apply(permanence, seats_per_slot=2)
        assert set(
            Slot.objects.filter(permanence=permanence).values_list("capacity", flat=True)
        ) == {2}

    def test_opening_to_the_public_opens_future_slots(self):
        permanence = UpcomingPermanenceFactory(bookable_by=BookableBy.DESK)
        assert not Slot.objects.filter(permanence=permanence, is_public=True).exists()
        apply(permanence, bookable_by=BookableBy.PUBLIC)
        assert not Slot.objects.filter(permanence=permanence, is_public=False).exists()

    def test_overlaps_are_refused_on_edit(self):
        first = UpcomingStaffPermanenceFactory(
            start_time=datetime.time(9), end_time=datetime.time(10)
        )
        second = UpcomingStaffPermanenceFactory(
            site=first.site,
            staff=first.staff,
            start_time=datetime.time(14),
            end_time=datetime.time(16),
        )
        with pytest.raises(Overlap):
            apply(second, start_time=datetime.time(9, 30))

    def test_a_cancelled_date_stays_cancelled(self, permanence):
        occurrence = Occurrence.objects.get(permanence=permanence, starts_at=at(FIRST, 9))
        Occurrence.objects.filter(pk=occurrence.pk).update(status=OccurrenceStatus.CANCELLED)
        apply(permanence, end_time=datetime.time(13))
        occurrence.refresh_from_db()
        assert occurrence.status == OccurrenceStatus.CANCELLED


# --- The pages ---------------------------------------------------------------------


@pytest.fixture
def librarian(permanence):
    return MembershipFactory(network=permanence.network)


@pytest.fixture
def partner(librarian):
    structure = StructureFactory(name="Centre des finances publiques de Lodève")
    Partnership.objects.create(network=librarian.network, structure=structure, status="active")
    return structure


def url(name, network, **kwargs):
    return reverse(f"agenda:{name}", kwargs={"network_slug": network.slug, **kwargs})


def form_data(site_, structure_, **changes):
    data = {
        "title": "Permanence des impôts",
        "site": site_.pk,
        "kind": "partner",
        "structure": structure_.pk,
        "partner_agent": "",
        "staff": "",
        "recurrence": "weekly",
        "weekday": "1",
        "nth": "",
        "custom_rule": "",
        "starts_on": in_days(1).isoformat(),
        "ends_on": "",
        "start_time": "14:00",
        "end_time": "17:00",
        "slot_minutes": "30",
        "seats_per_slot": "1",
        "bookable_by": "public",
        "booking_cutoff_hours": "2",
    }
    return data | {name: str(value) for name, value in changes.items()}


def edit_data(permanence, **changes):
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(permanence.rrule.rsplit("=", 1)[1])
    current = {
        "title": permanence.title,
        "weekday": weekday,
        "starts_on": permanence.starts_on.isoformat(),
        "start_time": "09:00",
        "end_time": "12:00",
    }
    return form_data(permanence.site, permanence.structure, **(current | changes))


class TestCreatePage:
    @pytest.mark.parametrize(
        "choice,rule",
        [
            ({"recurrence": "weekly", "weekday": "1"}, "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"),
            ({"recurrence": "biweekly", "weekday": "3"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
            ({"recurrence": "monthly", "weekday": "2", "nth": "2"}, "FREQ=MONTHLY;BYDAY=2WE"),
            ({"recurrence": "monthly", "weekday": "4", "nth": "-1"}, "FREQ=MONTHLY;BYDAY=-1FR"),
            ({"recurrence": "working_days"}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            (
                {"recurrence": "custom", "custom_rule": "RRULE:FREQ=MONTHLY;BYDAY=1TU,3TU"},
                "FREQ=MONTHLY;BYDAY=1TU,3TU",
            ),
        ],
    )
    def test_presets_write_the_rule_and_dates_are_materialised(
        self, client, librarian, partner, choice, rule
    ):
        client.force_login(librarian.user)
        site = SiteFactory(network=librarian.network)
        response = client.post(
            url("permanence_new", librarian.network), form_data(site, partner, **choice)
        )
        created = Permanence.objects.get(title="Permanence des impôts")
        assert response.status_code == 302
        assert response.url == url("permanence_detail", librarian.network, permanence_id=created.pk)
        assert created.rrule == rule
        assert created.network == librarian.network
        assert created.occurrences.exists() and created.slots.exists()
        edit = client.get(url("permanence_edit", librarian.network, permanence_id=created.pk))
        assert f'value="{choice["recurrence"]}" required id="id_recurrence_' in edit.text
        assert "checked" in edit.text.split(f'value="{choice["recurrence"]}"')[1][:80]

    def test_a_missing_weekday_is_asked_for_and_what_was_typed_is_kept(
        self, client, librarian, partner
    ):
        client.force_login(librarian.user)
        data = form_data(
            librarian.network.sites.first(), partner, weekday="", partner_agent="M. Olivier"
        )
        response = client.post(url("permanence_new", librarian.network), data)
        assert response.status_code == 200
        assert "Choisissez le jour de la semaine." in response.text
        assert 'value="Permanence des impôts"' in response.text
        assert 'value="M. Olivier"' in response.text
        assert 'id="id_weekday_error"' in response.text
        assert not Permanence.objects.filter(title="Permanence des impôts").exists()

    @pytest.mark.parametrize(
        "changes,field,message",
        [
            ({"recurrence": "custom", "custom_rule": "FREQ=SOMETIMES"}, "custom_rule", "illisible"),
            (
                {"recurrence": "custom", "custom_rule": "FREQ=WEEKLY;COUNT=3"},
                "custom_rule",
                "à part",
            ),
            ({"recurrence": "monthly", "weekday": "2"}, "nth", "rang dans le mois"),
            ({"structure": ""}, "structure", "Choisissez la structure partenaire."),
            ({"kind": "staff"}, "staff", "Choisissez le membre de l&#x27;équipe."),
            ({"end_time": "13:00"}, "end_time", "L&#x27;heure de fin doit suivre"),
            ({"ends_on": in_days(0).isoformat()}, "ends_on", "La date de fin précède"),
            ({"slot_minutes": "240"}, "slot_minutes", "plus que la permanence"),
            ({"slot_minutes": "3"}, "slot_minutes", "au moins 5 minutes"),
            ({"seats_per_slot": "0"}, "seats_per_slot", "au moins une place"),
        ],
    )
    def test_bad_input_gets_a_clear_message_on_its_field(
        self, client, librarian, partner, changes, field, message
    ):
        client.force_login(librarian.user)
        data = form_data(librarian.network.sites.first(), partner, **changes)
        response = client.post(url("permanence_new", librarian.network), data)
        assert response.status_code == 200
        assert f'id="id_{field}_error"' in response.text
        assert message in response.text
        assert 'value="Permanence des impôts"' in response.text

    def test_structures_without_partnership_and_other_networks_members_are_not_offered(
        self, client, librarian, partner
    ):
        stranger = StructureFactory(name="Structure sans partenariat")
        outsider = MembershipFactory()
        client.force_login(librarian.user)
        page = client.get(url("permanence_new", librarian.network)).text
        assert partner.name in page
        assert stranger.name not in page
        assert outsider.user.full_name not in page
        data = form_data(librarian.network.sites.first(), stranger)
        response = client.post(url("permanence_new", librarian.network), data)
        assert 'id="id_structure_error"' in response.text

    def test_an_overlap_is_refused_with_its_message_and_the_form_kept(self, client, librarian):
        busy = UpcomingStaffPermanenceFactory(
            site=librarian.network.sites.first(),
            staff=librarian,
            title="Rendez-vous numérique",
        )
        client.force_login(librarian.user)
        data = form_data(
            busy.site,
            StructureFactory(),  # not a partner, but ignored: it is a staff permanence
            kind="staff",
            staff=librarian.pk,
            weekday=busy.starts_on.weekday(),
            start_time="10:00",
            end_time="11:00",
            title="Deuxième permanence",
        )
        response = client.post(url("permanence_new", librarian.network), data)
        assert response.status_code == 200
        assert "Cette personne est déjà attendue" in response.text
        assert "Rendez-vous numérique" in response.text
        assert 'value="Deuxième permanence"' in response.text
        assert not Permanence.objects.filter(title="Deuxième permanence").exists()

    def test_needs_are_saved(self, client, librarian, partner):
        taxes = Need.objects.get(slug="declarer-ses-revenus")
        client.force_login(librarian.user)
        data = form_data(librarian.network.sites.first(), partner) | {"needs": [taxes.pk]}
        client.post(url("permanence_new", librarian.network), data)
        assert list(Permanence.objects.get(title="Permanence des impôts").needs.all()) == [taxes]


class TestEditPage:
    def test_an_edit_moving_nobody_is_saved_at_once(self, client, librarian, permanence, partner):
        client.force_login(librarian.user)
        data = edit_data(permanence, end_time="13:00", title="Impôts (prolongée)")
        response = client.post(
            url("permanence_edit", librarian.network, permanence_id=permanence.pk), data
        )
        assert response.status_code == 302
        permanence.refresh_from_db()
        assert (permanence.title, permanence.end_time) == ("Impôts (prolongée)", datetime.time(13))

    def test_an_edit_moving_people_asks_then_cancels_and_tells_them(
        self, client, librarian, permanence, django_capture_on_commit_callbacks
    ):
        moved = book(slot_at(permanence, at(FIRST, 9, 30)), "Louis")
        client.force_login(librarian.user)
        target = url("permanence_edit", librarian.network, permanence_id=permanence.pk)
        data = edit_data(permanence, slot_minutes="20", title="Impôts, créneaux courts")
        asked = client.post(target, data)
        assert asked.status_code == 200
        assert "Des rendez-vous sont concernés" in asked.text
        assert "Louis" in asked.text
        assert "1 rendez-vous déjà réservé" in asked.text
        assert f'name="cancel_moved" value="{moved.pk}"' in asked.text
        assert 'name="title" value="Impôts, créneaux courts"' in asked.text  # the edit, kept
        permanence.refresh_from_db()
        assert permanence.slot_minutes == 30 and permanence.title == "Impôts"

        back = client.post(target, data | {"back": "1"})
        assert 'value="Impôts, créneaux courts"' in back.text and "<form" in back.text
        assert Permanence.objects.get(pk=permanence.pk).slot_minutes == 30

        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(target, data | {"cancel_moved": [str(moved.pk)]})
        assert done.status_code == 302
        moved.refresh_from_db()
        assert moved.status == AppointmentStatus.CANCELLED
        assert Permanence.objects.get(pk=permanence.pk).slot_minutes == 20
        assert [m.to for m in mail.outbox] == [["louis@example.org"]]
        assert "1 rendez-vous a été annulé" in client.get(done.url).text

    def test_fewer_seats_than_booked_is_refused_on_the_form(self, client, librarian):
        permanence = UpcomingPermanenceFactory(
            site=librarian.network.sites.first(), seats_per_slot=2
        )
        slot = slot_at(permanence, at(FIRST, 10))
        book(slot, "Awa")
        book(slot, "Louis")
        client.force_login(librarian.user)
        target = url("permanence_edit", librarian.network, permanence_id=permanence.pk)
        response = client.post(target, edit_data(permanence, seats_per_slot="1"))
        assert response.status_code == 200
        assert "a déjà 2 réservations" in response.text
        assert Permanence.objects.get(pk=permanence.pk).seats_per_slot == 2


class TestCancelDate:
    def test_a_reason_is_required(self, client, librarian, permanence):
        occurrence = permanence.occurrences.order_by("starts_at").first()
        client.force_login(librarian.user)
        target = url("occurrence_cancel", librarian.network, occurrence_id=occurrence.pk)
        response = client.post(target, {"reason": "  "})
        assert response.status_code == 200
        assert 'id="id_reason_error"' in response.text
        occurrence.refresh_from_db()
        assert occurrence.status == OccurrenceStatus.SCHEDULED

    def test_cancelling_tells_everyone_booked_and_says_how_many(
        self, client, librarian, permanence, django_capture_on_commit_callbacks
    ):
        occurrence = permanence.occurrences.order_by("starts_at").first()
        slots = list(occurrence.slots.order_by("starts_at"))
        book(slots[0], "Awa")
        book(slots[1], "Louis")
        client.force_login(librarian.user)
        target = url("occurrence_cancel", librarian.network, occurrence_id=occurrence.pk)
        page = client.get(target).text
        assert "2 personnes ont rendez-vous" in page and "Awa" in page and "Louis" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(target, {"reason": "Agent en formation"})
        assert response.status_code == 302
        assert f"?date={FIRST:%Y-%m-%d}" in response.url
        occurrence.refresh_from_db()
        assert (occurrence.status, occurrence.cancel_reason) == ("cancelled", "Agent en formation")
        assert not Appointment.objects.filter(slot__occurrence=occurrence, status="booked").exists()
        assert sorted(m.to[0] for m in mail.outbox) == ["awa@example.org", "louis@example.org"]
        assert any("Agent en formation" in m.body for m in mail.outbox)
        assert (
            "2 personnes avaient rendez-vous : elles sont prévenues."
            in client.get(response.url).text
        )

    def test_a_cancelled_date_is_not_cancelled_twice(self, client, librarian, permanence):
        occurrence = permanence.occurrences.order_by("starts_at").first()
        Occurrence.objects.filter(pk=occurrence.pk).update(
            status="cancelled", cancel_reason="Grève"
        )
        client.force_login(librarian.user)
        target = url("occurrence_cancel", librarian.network, occurrence_id=occurrence.pk)
        response = client.post(target, {"reason": "Autre"})
        assert response.status_code == 200
        assert "déjà annulée" in response.text
        occurrence.refresh_from_db()
        assert occurrence.cancel_reason == "Grève"
