"""The agenda API: free slots, public workshops, booking, registering, cancelling.

The API takes the real clock (``timezone.now()``), so the rows here are placed
relative to today rather than on fixed dates.
"""

import datetime
import json
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aiguillage.agenda.contact import Visitor, manage_token, read_manage_token
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    BookableBy,
    Occurrence,
    Registration,
    RegistrationStatus,
    Slot,
    Workshop,
    WorkshopStatus,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import cancel_occurrence, materialise
from aiguillage.agenda.services.workshops import register
from aiguillage.catalog.models import Need
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db
SITE_URL = "https://agenda.example.org"
SLOTS, APPOINTMENTS, WORKSHOPS, BOOKINGS = (
    "/api/v1/slots",
    "/api/v1/appointments",
    "/api/v1/workshops",
    "/api/v1/bookings",
)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE_URL
    settings.API_WRITE_RATE_LIMIT = 1000  # its own test below
    settings.API_RATE_LIMIT = 0  # its own tests in tests/security/test_api_limits.py


def ready(window_days: int = 10, **fields):
    """A daily permanence from today, 09:00-10:00 in 30-minute slots, materialised."""
    today = timezone.localdate()
    defaults = {
        "rrule": "FREQ=DAILY",
        "starts_on": today,
        "start_time": datetime.time(9, 0),
        "end_time": datetime.time(10, 0),
    }
    permanence = PermanenceFactory(**(defaults | fields))
    materialise(permanence=permanence, today=today, window_days=window_days)
    return permanence


def quarter_past_nine(day: datetime.date) -> str:
    """09:15 that day with its offset in Paris (+01:00 in winter, +02:00 in summer)."""
    moment = datetime.datetime.combine(day, datetime.time(9, 15), tzinfo=PARIS)
    return moment.isoformat()


def later_slot(permanence, days: int = 2) -> Slot:
    """A slot at least ``days`` days ahead: far past any online cut-off."""
    after = timezone.now() + datetime.timedelta(days=days)
    return permanence.slots.filter(starts_at__gt=after).order_by("starts_at").first()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def contact(n: int = 0, **fields):
    return {"first_name": f"Visiteur {n}", "email": f"personne{n}@exemple.fr"} | fields


def upcoming_workshop(**fields) -> Workshop:
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    return WorkshopFactory(**({"starts_at": starts} | fields))


# --- GET /slots ------------------------------------------------------------------------


class TestSlots:
    def test_free_public_slots_of_the_site_earliest_first_in_the_documented_shape(self, client):
        permanence = ready()
        now = timezone.now()
        response = client.get(SLOTS, {"site": permanence.site.slug, "limit": 5})
        assert response.status_code == 200
        results = response.json()["results"]
        expected = list(
            permanence.slots.filter(starts_at__gte=now + datetime.timedelta(hours=2))
            .order_by("starts_at")
            .values_list("pk", flat=True)[:5]
        )
        assert [r["id"] for r in results] == expected
        first = Slot.objects.get(pk=results[0]["id"])
        assert results[0] == {
            "id": first.pk,
            "network": permanence.network.slug,
            "site": permanence.site.slug,
            "title": permanence.title,
            "starts_at": timezone.localtime(first.starts_at).isoformat(),
            "ends_at": timezone.localtime(first.ends_at).isoformat(),
            "seats_left": 1,
        }

    def test_only_what_the_public_may_book(self, client):
        shown = ready()
        network, site = shown.network, shown.site
        ready(site=site, bookable_by=BookableBy.DESK)
        ready(site=site, is_active=False, window_days=0)
        ready(site=SiteFactory(network=network, is_public=False))
        ready(site=SiteFactory(network=network))  # another site of the network
        ready()  # another network
        full = later_slot(shown)
        Slot.objects.filter(pk=full.pk).update(booked=1)
        cancelled = Occurrence.objects.filter(permanence=shown).order_by("starts_at").last()
        cancel_occurrence(occurrence=cancelled, reason="", now=timezone.now())
        results = client.get(SLOTS, {"site": site.slug, "limit": 100}).json()["results"]
        found = Slot.objects.filter(pk__in=[r["id"] for r in results])
        assert {s.permanence_id for s in found} == {shown.pk}
        assert full.pk not in {s.pk for s in found}
        assert not any(s.occurrence_id == cancelled.pk for s in found)
        by_network = client.get(SLOTS, {"network": network.slug, "limit": 100}).json()
        networks = {
            s.network_id
            for s in Slot.objects.filter(pk__in=[r["id"] for r in by_network["results"]])
        }
        assert networks == {network.pk}
        assert len(by_network["results"]) > len(results)  # the other public site's too

    def test_need_filters_the_permanences_that_handle_it(self, client):
        caf, taxes = Need.objects.active()[:2]
        handles_caf = ready()
        handles_caf.needs.set([caf])
        handles_taxes = ready(site=handles_caf.site)
        handles_taxes.needs.set([taxes])
        results = client.get(
            SLOTS, {"network": handles_caf.network.slug, "need": caf.slug, "limit": 100}
        ).json()["results"]
        assert results
        assert {Slot.objects.get(pk=r["id"]).permanence_id for r in results} == {handles_caf.pk}

    def test_period_from_and_to_with_a_date_included_and_the_past_left_out(self, client):
        permanence = ready(window_days=20)
        day = timezone.localdate() + datetime.timedelta(days=5)
        results = client.get(
            SLOTS,
            {"site": permanence.site.slug, "from": day.isoformat(), "to": day.isoformat()},
        ).json()["results"]
        assert [r["starts_at"][:16] for r in results] == [
            f"{day.isoformat()}T09:00",
            f"{day.isoformat()}T09:30",
        ]
        precise = client.get(
            SLOTS,
            {
                "site": permanence.site.slug,
                "from": quarter_past_nine(day),
                "to": f"{day.isoformat()}T23:00",
            },
        ).json()["results"]
        assert [r["starts_at"][:16] for r in precise] == [f"{day.isoformat()}T09:30"]
        long_ago = client.get(
            SLOTS, {"site": permanence.site.slug, "from": "2020-01-01", "limit": 100}
        ).json()["results"]
        now = timezone.now()
        assert long_ago
        assert all(Slot.objects.get(pk=r["id"]).starts_at > now for r in long_ago)

    def test_an_offset_whose_plus_became_a_space_is_still_read(self, client):
        permanence = ready(window_days=20)
        day = timezone.localdate() + datetime.timedelta(days=5)
        response = client.get(
            f"{SLOTS}?site={permanence.site.slug}&from={quarter_past_nine(day)}"
            f"&to={day.isoformat()}"
        )
        assert response.status_code == 200
        assert [r["starts_at"][11:16] for r in response.json()["results"]] == ["09:30"]

    def test_slots_past_their_permanence_cut_off_are_left_out(self, client):
        soon = ready(booking_cutoff_hours=2)
        strict = ready(site=soon.site, booking_cutoff_hours=72)
        now = timezone.now()
        results = client.get(SLOTS, {"site": soon.site.slug, "limit": 100}).json()["results"]
        found = list(Slot.objects.filter(pk__in=[r["id"] for r in results]))
        strict_found = [s for s in found if s.permanence_id == strict.pk]
        assert strict_found  # the far ones are offered
        assert min(s.starts_at for s in strict_found) >= now + datetime.timedelta(hours=72)
        soon_expected = soon.slots.filter(
            starts_at__gte=now + datetime.timedelta(hours=2),
            starts_at__lt=now + datetime.timedelta(hours=72),
        ).count()
        assert sum(s.permanence_id == soon.pk for s in found) >= soon_expected > 0
        starts = [r["starts_at"] for r in results]
        assert starts == sorted(starts)

    def test_limit_is_bounded(self, client):
        permanence = ready(window_days=60)
        site = permanence.site.slug
        assert len(client.get(SLOTS, {"site": site, "limit": 2}).json()["results"]) == 2
        assert len(client.get(SLOTS, {"site": site, "limit": 1000}).json()["results"]) == 100
        assert len(client.get(SLOTS, {"site": site, "limit": 0}).json()["results"]) == 1

    def test_bad_dates_are_field_errors_in_french(self, client):
        permanence = ready()
        response = client.get(
            SLOTS, {"site": permanence.site.slug, "from": "demain", "to": "2026-13-45"}
        )
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {"from", "to"}
        assert "ISO 8601" in errors["from"][0]
        for far in ("0001-01-01", "9999-12-31", "9999-12-31T23:59:59-01:00"):
            response = client.get(SLOTS, {"site": permanence.site.slug, "from": far, "to": far})
            assert response.status_code == 400
            assert set(response.json()["errors"]) == {"from", "to"}
        backwards = client.get(
            SLOTS, {"site": permanence.site.slug, "from": "2030-01-02", "to": "2030-01-01"}
        )
        assert backwards.status_code == 400
        assert backwards.json() == {"errors": {"to": ["La fin doit être après le début."]}}

    def test_a_site_or_a_network_is_required(self, client):
        response = client.get(SLOTS)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["site"]

    def test_an_ambiguous_site_slug_asks_for_the_network(self, client):
        here = ready(site=SiteFactory(slug="centre", network=NetworkFactory(slug="alpha")))
        ready(site=SiteFactory(slug="centre", network=NetworkFactory(slug="beta")))
        ambiguous = client.get(SLOTS, {"site": "centre"})
        assert ambiguous.status_code == 400
        assert "network" in ambiguous.json()["errors"]
        precise = client.get(SLOTS, {"site": "centre", "network": "alpha"})
        assert precise.status_code == 200
        ids = {r["id"] for r in precise.json()["results"]}
        assert ids
        assert ids <= set(here.slots.values_list("pk", flat=True))

    def test_a_site_no_other_network_shares_needs_no_network(self, client):
        permanence = ready(site=SiteFactory(slug="centre"))
        SiteFactory(slug="centre", is_public=False)  # not public: not a candidate
        response = client.get(SLOTS, {"site": "centre"})
        assert response.status_code == 200
        assert response.json()["results"][0]["network"] == permanence.network.slug

    @pytest.mark.parametrize(
        "params",
        [
            {"site": "nulle-part"},
            {"network": "inconnu"},
            {"network": "alpha", "site": "secret"},
            {"network": "alpha", "need": "pas-une-demarche"},
        ],
    )
    def test_unknown_names_are_404_without_other_networks_data(self, client, params):
        ready(site=SiteFactory(network=NetworkFactory(slug="alpha")))
        other = SiteFactory(slug="secret", network=NetworkFactory(slug="beta"), name="Cachée")
        ready(site=other)
        SiteFactory(slug="secret", network=NetworkFactory(slug="gamma"), is_public=False)
        response = client.get(SLOTS, params)
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert b"Cach" not in response.content
        assert other.network.name.encode() not in response.content

    def test_a_limit_that_is_not_a_number_is_refused(self, client):
        permanence = ready()
        response = client.get(SLOTS, {"site": permanence.site.slug, "limit": "beaucoup"})
        assert response.status_code == 422


# --- POST /appointments ----------------------------------------------------------------


class TestBookOnline:
    def test_books_online_tells_the_visitor_and_returns_the_manage_link(
        self, client, django_capture_on_commit_callbacks
    ):
        permanence = ready(seats_per_slot=2)
        slot = later_slot(permanence)
        need = Need.objects.active().first()
        body = contact(1, need=need.slug, consent_reminders=True, language="arabe")
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, APPOINTMENTS, body | {"slot": slot.pk})
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {"status", "manage_url", "manage_token"}
        assert data["status"] == "booked"
        appointment = Appointment.objects.get()
        assert read_manage_token(data["manage_token"], "appointment") == (
            appointment.pk,
            appointment.manage_key,
        )
        assert data["manage_url"].startswith(f"{SITE_URL}/p/{permanence.network.slug}/")
        assert data["manage_url"].endswith(f"/{data['manage_token']}/")
        assert (appointment.slot_id, appointment.need, appointment.channel) == (
            slot.pk,
            need,
            "online",
        )
        assert (appointment.consent_reminders, appointment.language) == (True, "arabe")
        slot.refresh_from_db()
        assert slot.booked == 1
        assert [m.to for m in mail.outbox] == [["personne1@exemple.fr"]]
        assert data["manage_token"] in mail.outbox[0].body

    def test_a_phone_is_enough_and_stored_in_international_form(self, client):
        slot = later_slot(ready())
        response = post(
            client, APPOINTMENTS, {"slot": slot.pk, "first_name": "Awa", "phone": "06 12 34 56 78"}
        )
        assert response.status_code == 201
        assert Appointment.objects.get().phone == "+33612345678"

    @pytest.mark.parametrize(
        "raw,errors",
        [
            (b"{not json", {"__all__"}),
            (b"[1, 2]", {"__all__"}),
            (b"", {"__all__"}),
            (json.dumps({"first_name": "Awa", "email": "awa@exemple.fr"}).encode(), {"slot"}),
            (
                json.dumps({"slot": "le premier", "first_name": "Awa", "email": "a@b.fr"}).encode(),
                {"slot"},
            ),
            (
                json.dumps(
                    {"slot": 1, "first_name": "Awa", "email": "a@b.fr", "consent_reminders": "bof"}
                ).encode(),
                {"consent_reminders"},
            ),
            (
                json.dumps({"slot": 1, "first_name": "Awa", "mail": "a@b.fr"}).encode(),
                {"mail"},
            ),
            (
                json.dumps(
                    {"slot": 1, "first_name": "A", "email": "a@b.fr", "language": "x" * 41}
                ).encode(),
                {"language"},
            ),
        ],
    )
    def test_malformed_bodies_are_400_with_field_errors(self, client, raw, errors):
        response = client.post(APPOINTMENTS, raw, content_type="application/json")
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"errors"}
        assert set(body["errors"]) == errors
        assert all(isinstance(m, str) and m for ms in body["errors"].values() for m in ms)
        assert not Appointment.objects.exists()

    def test_every_bad_field_is_reported_at_once_in_french(self, client):
        ready()
        response = post(
            client,
            APPOINTMENTS,
            {"slot": 999_999, "need": "pas-une-demarche", "first_name": " ", "email": "awa@"},
        )
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert set(errors) == {"slot", "need", "first_name", "email"}
        assert errors["email"] == ["Cette adresse e-mail n'est pas valide."]
        assert errors["first_name"] == ["Un prénom ou un pseudonyme suffit, mais il en faut un."]

    def test_no_way_to_send_the_reminder_is_a_field_error(self, client):
        slot = later_slot(ready())
        response = post(client, APPOINTMENTS, {"slot": slot.pk, "first_name": "Awa"})
        assert response.status_code == 400
        assert response.json() == {
            "errors": {
                "email": [
                    "Donnez un e-mail ou un numéro de téléphone : c'est par là que vous "
                    "recevrez la confirmation."
                ]
            }
        }
        response = post(
            client, APPOINTMENTS, {"slot": slot.pk, "first_name": "Awa", "phone": "+44 20 7946"}
        )
        assert list(response.json()["errors"]) == ["phone"]

    @pytest.mark.parametrize(
        "fields",
        [
            {"bookable_by": BookableBy.DESK},
            {"site__is_public": False},
            {"site__network__is_active": False},
        ],
    )
    def test_slots_the_public_may_not_book_are_unknown_here(self, client, fields):
        slot = later_slot(ready(**fields))
        response = post(client, APPOINTMENTS, contact() | {"slot": slot.pk})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["slot"]
        assert not Appointment.objects.exists()

    def test_a_taken_slot_is_409_and_nothing_is_written(self, client):
        slot = later_slot(ready(seats_per_slot=1))
        assert post(client, APPOINTMENTS, contact(1) | {"slot": slot.pk}).status_code == 201
        response = post(client, APPOINTMENTS, contact(2) | {"slot": slot.pk})
        assert response.status_code == 409
        assert response.json() == {
            "code": "unavailable",
            "detail": "Ce créneau vient d'être pris. Choisissez-en un autre.",
        }
        assert Appointment.objects.count() == 1
        slot.refresh_from_db()
        assert slot.booked == 1

    def test_the_same_contact_twice_is_409_already_booked(self, client):
        slot = later_slot(ready(seats_per_slot=3))
        assert post(client, APPOINTMENTS, contact(1) | {"slot": slot.pk}).status_code == 201
        again = post(
            client, APPOINTMENTS, contact(1, email="PERSONNE1@exemple.fr") | {"slot": slot.pk}
        )
        assert again.status_code == 409
        assert again.json()["code"] == "already_booked"
        slot.refresh_from_db()
        assert slot.booked == 1

    def test_past_the_online_cut_off_is_409_closed_to_online(self, client):
        permanence = ready(booking_cutoff_hours=72)
        slot = permanence.slots.filter(
            starts_at__gt=timezone.now() + datetime.timedelta(hours=1),
            starts_at__lt=timezone.now() + datetime.timedelta(hours=48),
        ).first()
        response = post(client, APPOINTMENTS, contact() | {"slot": slot.pk})
        assert response.status_code == 409
        assert response.json()["code"] == "closed_to_online"
        assert not Appointment.objects.exists()

    def test_a_cancelled_date_or_a_need_not_handled_is_409_unavailable(self, client):
        caf, taxes = Need.objects.active()[:2]
        permanence = ready()
        permanence.needs.set([caf])
        slot = later_slot(permanence)
        wrong_need = post(client, APPOINTMENTS, contact(need=taxes.slug) | {"slot": slot.pk})
        assert wrong_need.status_code == 409
        assert wrong_need.json()["code"] == "unavailable"
        cancel_occurrence(occurrence=slot.occurrence, reason="", now=timezone.now())
        cancelled = post(client, APPOINTMENTS, contact() | {"slot": slot.pk})
        assert cancelled.status_code == 409
        assert cancelled.json()["code"] == "unavailable"
        assert not Appointment.objects.exists()


# --- GET /workshops --------------------------------------------------------------------


class TestWorkshops:
    def test_upcoming_public_workshops_earliest_first_in_the_documented_shape(self, client):
        later = upcoming_workshop(
            starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=9)
        )
        sooner = upcoming_workshop(capacity=2, waitlist_capacity=1)
        register(
            workshop=sooner,
            visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
            channel="desk",
            now=timezone.now(),
        )
        results = client.get(WORKSHOPS).json()["results"]
        assert [r["id"] for r in results] == [sooner.pk, later.pk]
        assert results[0] == {
            "id": sooner.pk,
            "title": sooner.title,
            "network": sooner.network.slug,
            "site": sooner.site.slug,
            "starts_at": timezone.localtime(sooner.starts_at).isoformat(),
            "capacity": 2,
            "seats_left": 1,
            "waitlist_capacity": 1,
            "waitlist_left": 1,
        }

    def test_only_published_public_upcoming_ones(self, client):
        shown = upcoming_workshop()
        upcoming_workshop(status=WorkshopStatus.DRAFT)
        upcoming_workshop(status=WorkshopStatus.CANCELLED)
        upcoming_workshop(public_registration=False)
        upcoming_workshop(site=SiteFactory(is_public=False))
        upcoming_workshop(site=SiteFactory(network=NetworkFactory(is_active=False)))
        upcoming_workshop(starts_at=timezone.now() - datetime.timedelta(hours=1))
        assert [r["id"] for r in client.get(WORKSHOPS).json()["results"]] == [shown.pk]

    def test_by_network_and_by_site(self, client):
        alpha = upcoming_workshop(site=SiteFactory(slug="centre", network=NetworkFactory(slug="a")))
        alpha_other_site = upcoming_workshop(site=SiteFactory(network=alpha.network))
        beta = upcoming_workshop(site=SiteFactory(slug="centre", network=NetworkFactory(slug="b")))
        by_network = client.get(WORKSHOPS, {"network": "a"}).json()["results"]
        assert {r["id"] for r in by_network} == {alpha.pk, alpha_other_site.pk}
        by_site = client.get(WORKSHOPS, {"network": "b", "site": "centre"}).json()["results"]
        assert [r["id"] for r in by_site] == [beta.pk]
        ambiguous = client.get(WORKSHOPS, {"site": "centre"})
        assert ambiguous.status_code == 400
        assert "network" in ambiguous.json()["errors"]
        assert client.get(WORKSHOPS, {"site": "ailleurs"}).status_code == 404
        assert client.get(WORKSHOPS, {"network": "z"}).status_code == 404

    def test_limit_is_bounded(self, client):
        for _ in range(3):
            upcoming_workshop()
        assert len(client.get(WORKSHOPS, {"limit": 2}).json()["results"]) == 2
        assert len(client.get(WORKSHOPS, {"limit": 0}).json()["results"]) == 1


# --- POST /workshops/{id}/registrations ------------------------------------------------


def registrations_url(workshop) -> str:
    return f"{WORKSHOPS}/{workshop.pk}/registrations"


class TestRegisterOnline:
    def test_a_seat_then_the_waiting_list_then_409_full(
        self, client, django_capture_on_commit_callbacks
    ):
        workshop = upcoming_workshop(capacity=1, waitlist_capacity=1)
        url = registrations_url(workshop)
        with django_capture_on_commit_callbacks(execute=True):
            first = post(client, url, contact(1, consent_reminders=True))
            second = post(client, url, contact(2, phone="06 12 34 56 78", email=""))
            third = post(client, url, contact(3))
        assert (first.status_code, second.status_code, third.status_code) == (201, 201, 409)
        assert first.json()["status"] == "confirmed"
        assert second.json()["status"] == "waitlisted"
        assert third.json() == {
            "code": "workshop_full",
            "detail": "L'atelier et sa liste d'attente sont complets.",
        }
        registration = Registration.objects.get(email="personne1@exemple.fr")
        data = first.json()
        assert set(data) == {"status", "manage_url", "manage_token"}
        assert read_manage_token(data["manage_token"], "registration") == (
            registration.pk,
            registration.manage_key,
        )
        assert data["manage_url"].startswith(f"{SITE_URL}/p/{workshop.network.slug}/")
        assert data["manage_url"].endswith(f"/{data['manage_token']}/")
        assert (registration.channel, registration.consent_reminders) == ("online", True)
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 1)
        assert Registration.objects.count() == 2
        assert [m.to for m in mail.outbox] == [["personne1@exemple.fr"]]  # the other: a text

    def test_the_same_contact_twice_is_409_with_its_own_code(self, client):
        workshop = upcoming_workshop()
        url = registrations_url(workshop)
        assert post(client, url, contact(1)).status_code == 201
        again = post(client, url, contact(1, email=" Personne1@Exemple.fr "))
        assert again.status_code == 409
        assert again.json()["code"] == "already_booked"
        assert Registration.objects.count() == 1

    def test_bad_input_is_400_and_nothing_is_written(self, client):
        workshop = upcoming_workshop()
        response = post(
            client,
            registrations_url(workshop),
            {"first_name": "", "email": "pas-un-mail", "consent_reminders": "peut-être"},
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"consent_reminders"}  # types come first
        response = post(client, registrations_url(workshop), {"first_name": "", "email": "x@"})
        assert set(response.json()["errors"]) == {"first_name", "email"}
        assert not Registration.objects.exists()
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (0, 0)

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": WorkshopStatus.DRAFT},
            {"public_registration": False},
            {"site__is_public": False},
            {"site__network__is_active": False},
        ],
    )
    def test_a_workshop_not_open_online_is_404(self, client, fields):
        workshop = upcoming_workshop(**fields)
        response = post(client, registrations_url(workshop), contact())
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
        assert workshop.title.encode() not in response.content
        assert post(client, f"{WORKSHOPS}/999999/registrations", contact()).status_code == 404

    def test_a_workshop_that_has_started_is_409(self, client):
        workshop = upcoming_workshop(starts_at=timezone.now() - datetime.timedelta(minutes=5))
        response = post(client, registrations_url(workshop), contact())
        assert response.status_code == 409
        assert response.json() == {"code": "unavailable", "detail": "Cet atelier a déjà commencé."}


# --- DELETE /bookings/{token} ----------------------------------------------------------


class TestCancelOnline:
    def test_cancelling_an_appointment_frees_the_seat_and_tells_the_visitor_once(
        self, client, django_capture_on_commit_callbacks
    ):
        slot = later_slot(ready())
        token = post(client, APPOINTMENTS, contact(1) | {"slot": slot.pk}).json()["manage_token"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.delete(f"{BOOKINGS}/{token}")
            again = client.delete(f"{BOOKINGS}/{token}")
        assert (response.status_code, again.status_code) == (204, 204)
        assert response.content == b""
        appointment = Appointment.objects.get()
        assert (appointment.status, appointment.cancelled_by) == (
            AppointmentStatus.CANCELLED,
            "visitor",
        )
        slot.refresh_from_db()
        assert slot.booked == 0
        assert len(mail.outbox) == 1
        assert "annulé" in mail.outbox[0].subject
        assert post(client, APPOINTMENTS, contact(2) | {"slot": slot.pk}).status_code == 201

    def test_cancelling_a_seat_gives_it_to_the_first_person_waiting_who_is_told(
        self, client, django_capture_on_commit_callbacks
    ):
        workshop = upcoming_workshop(capacity=1, waitlist_capacity=2)
        url = registrations_url(workshop)
        token = post(client, url, contact(1)).json()["manage_token"]
        post(client, url, contact(2))
        post(client, url, contact(3))
        with django_capture_on_commit_callbacks(execute=True):
            assert client.delete(f"{BOOKINGS}/{token}").status_code == 204
        statuses = dict(Registration.objects.values_list("email", "status"))
        assert statuses == {
            "personne1@exemple.fr": RegistrationStatus.CANCELLED,
            "personne2@exemple.fr": RegistrationStatus.CONFIRMED,
            "personne3@exemple.fr": RegistrationStatus.WAITLISTED,
        }
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 1)
        told = sorted((m.to[0], m.subject) for m in mail.outbox)
        assert [to for to, _ in told] == ["personne1@exemple.fr", "personne2@exemple.fr"]
        assert "libérée" in told[1][1]

    def test_cancelling_a_place_on_the_waiting_list_frees_it(self, client):
        workshop = upcoming_workshop(capacity=1, waitlist_capacity=1)
        url = registrations_url(workshop)
        post(client, url, contact(1))
        token = post(client, url, contact(2)).json()["manage_token"]
        assert client.delete(f"{BOOKINGS}/{token}").status_code == 204
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 0)
        assert post(client, url, contact(3)).json()["status"] == "waitlisted"

    def test_unknown_forged_or_revoked_links_are_404(self, client):
        slot = later_slot(ready())
        post(client, APPOINTMENTS, contact(1) | {"slot": slot.pk})
        appointment = Appointment.objects.get()
        revoked = manage_token("appointment", appointment.pk, "an-old-key")
        wrong_kind = manage_token("registration", appointment.pk, appointment.manage_key)
        for token in ("n-importe-quoi", revoked, wrong_kind):
            response = client.delete(f"{BOOKINGS}/{token}")
            assert response.status_code == 404
            assert set(response.json()) == {"detail"}
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED

    def test_a_purged_booking_is_404(self, client):
        slot = later_slot(ready())
        token = post(client, APPOINTMENTS, contact(1) | {"slot": slot.pk}).json()["manage_token"]
        Appointment.objects.update(purged_at=timezone.now())
        assert client.delete(f"{BOOKINGS}/{token}").status_code == 404
        assert Appointment.objects.get().status == AppointmentStatus.BOOKED

    def test_a_past_appointment_cannot_be_cancelled(self, client):
        permanence = ready(starts_on=timezone.localdate() - datetime.timedelta(days=3))
        materialise(
            permanence=permanence,
            today=timezone.localdate() - datetime.timedelta(days=3),
            window_days=2,
        )
        slot = permanence.slots.filter(starts_at__lt=timezone.now()).order_by("starts_at").first()
        appointment = book_slot(
            slot=slot,
            visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
            need=None,
            channel="desk",
            now=slot.starts_at - datetime.timedelta(days=1),
        )
        token = manage_token("appointment", appointment.pk, appointment.manage_key)
        response = client.delete(f"{BOOKINGS}/{token}")
        assert response.status_code == 409
        assert response.json()["code"] == "past"
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.BOOKED

    def test_a_workshop_that_has_started_cannot_be_left_online(self, client):
        workshop = upcoming_workshop()
        registration = register(
            workshop=workshop,
            visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
            channel="desk",
            now=timezone.now(),
        )
        Workshop.objects.filter(pk=workshop.pk).update(
            starts_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        token = manage_token("registration", registration.pk, registration.manage_key)
        response = client.delete(f"{BOOKINGS}/{token}")
        assert response.status_code == 409
        assert response.json()["code"] == "past"


def test_lists_take_the_same_queries_whatever_their_length(client):
    permanence = ready(window_days=30)
    network = permanence.network.slug
    upcoming_workshop(site=permanence.site)

    def count(url, params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    one_slot = count(SLOTS, {"network": network, "limit": 1})
    one_workshop = count(WORKSHOPS, {"network": network})
    for _ in range(4):
        upcoming_workshop(site=permanence.site)
    ready(site=permanence.site, window_days=30)
    assert count(SLOTS, {"network": network, "limit": 50}) == one_slot
    assert count(WORKSHOPS, {"network": network}) == one_workshop


# --- the limit of public writes --------------------------------------------------------


def test_writes_have_the_apis_limit_of_writes_and_reads_are_not_counted_in_it(client, settings):
    settings.API_WRITE_RATE_LIMIT = 3
    workshop = upcoming_workshop()
    slot = later_slot(ready())
    token = post(client, registrations_url(workshop), contact(1)).json()["manage_token"]
    assert post(client, APPOINTMENTS, contact(2) | {"slot": slot.pk}).status_code == 201
    assert client.delete(f"{BOOKINGS}/{token}").status_code == 204
    for response in (
        post(client, registrations_url(workshop), contact(3)),
        post(client, APPOINTMENTS, contact(4) | {"slot": slot.pk}),
        client.delete(f"{BOOKINGS}/{token}"),
    ):
        assert response.status_code == 429
        assert set(response.json()) == {"detail"}
        assert 0 < int(response["Retry-After"]) <= settings.API_WRITE_RATE_LIMIT_WINDOW + 1
    assert Registration.objects.count() == Appointment.objects.count() == 1
    assert client.get(WORKSHOPS).status_code == 200
    assert client.get(SLOTS, {"site": slot.site.slug}).status_code == 200


def test_an_unexpected_failure_shows_no_trace_in_production(settings):
    settings.DEBUG = False
    workshop = upcoming_workshop()
    client = Client(raise_request_exception=False)
    with mock.patch(
        "aiguillage.api.agenda.register", side_effect=RuntimeError("detail interne secret")
    ):
        response = post(client, registrations_url(workshop), contact())
    assert response.status_code == 500
    assert b"detail interne secret" not in response.content
    assert b"Traceback" not in response.content
    assert not Registration.objects.exists()


# --- the OpenAPI document --------------------------------------------------------------


def test_openapi_document_lists_every_agenda_path_with_its_answers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        # 422: django-ninja's answer to a parameter of the wrong type (limit=abc).
        ("/api/v1/slots", "get"): {"200", "400", "404", "422", "429"},
        # 415: a body that is not JSON.
        ("/api/v1/appointments", "post"): {"201", "400", "409", "415", "429"},
        ("/api/v1/workshops", "get"): {"200", "400", "404", "422", "429"},
        ("/api/v1/workshops/{workshop_id}/registrations", "post"): {
            "201",
            "400",
            "404",
            "409",
            "415",
            "422",
            "429",
        },
        ("/api/v1/bookings/{token}", "delete"): {"204", "400", "404", "409", "429"},
    }
    for (path, method), codes in expected.items():
        assert set(paths[path][method]["responses"]) == codes, path
    body = paths["/api/v1/appointments"]["post"]["requestBody"]["content"]["application/json"]
    assert {"slot", "need", "first_name", "email", "phone", "consent_reminders"} <= set(
        body["schema"]["properties"]
    )
    registration = paths["/api/v1/workshops/{workshop_id}/registrations"]["post"]
    assert (
        "first_name"
        in registration["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )
    slot_params = {p["name"] for p in paths["/api/v1/slots"]["get"]["parameters"]}
    assert {"site", "network", "need", "from", "to", "limit"} <= slot_params
