"""The rights services: collect finds everything a network holds for one contact and
nothing else; erase anonymises exactly those rows, cancelling what is still to come;
both are journaled with counts, never with the contact."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.links import manage_path
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Registration,
    RegistrationStatus,
    Slot,
)
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.compliance import rights
from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.rights import NothingHeld, Reach, Requester
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.agenda.factories import WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import in_days, ready_permanence

pytestmark = pytest.mark.django_db

AWA = "awa@exemple.fr"
AWA_PHONE = "+33612345678"
LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def awa(**fields) -> Visitor:
    values = {
        "first_name": "Awa",
        "email": AWA,
        "phone": "06 12 34 56 78",
        "consent_reminders": True,
        "accessibility_needs": "Fauteuil roulant",
        "language": "wolof",
    }
    return Visitor(**(values | fields))


def book(slot: Slot, visitor: Visitor, **extra) -> Appointment:
    return book_slot(slot=slot, visitor=visitor, need=None, channel="online", now=LONG_AGO, **extra)


def enrol(workshop, visitor: Visitor) -> Registration:
    return register(workshop=workshop, visitor=visitor, channel="online", now=LONG_AGO)


def slots_of(permanence) -> list[Slot]:
    return list(Slot.objects.filter(permanence=permanence).order_by("starts_at"))


@pytest.fixture
def world():
    """Awa in network A (two appointments, one registration, typed differently), Awa in
    network B, Bob in A, and a phone-only booking in A with Awa's phone."""
    site_a = SiteFactory(network=NetworkFactory(name="Réseau A", slug="reseau-a"))
    site_b = SiteFactory(network=NetworkFactory(name="Réseau B", slug="reseau-b"))
    permanence_a = ready_permanence(site=site_a, title="Permanence CAF", seats_per_slot=2)
    permanence_b = ready_permanence(site=site_b, title="Permanence impôts B")
    workshop = WorkshopFactory(
        site=site_a, title="Premiers pas", starts_at=in_days(10), capacity=1, waitlist_capacity=2
    )
    slots = slots_of(permanence_a)
    rows = {
        "awa_first": book(slots[0], awa()),
        "awa_later": book(slots[30], awa(email=" Awa@Exemple.FR ", first_name="Awa D.")),
        "awa_workshop": enrol(workshop, awa(email="AWA@exemple.fr", phone="")),
        "awa_b": book(slots_of(permanence_b)[0], awa()),
        "bob": book(slots[0], Visitor(first_name="Bob", email="bob@exemple.fr")),
        "phone_only": book(slots[1], Visitor(first_name="A.", phone="06.12.34.56.78")),
        "waiting": enrol(workshop, Visitor(first_name="Chloé", email="chloe@exemple.fr")),
    }
    return site_a.network, site_b.network, rows


def ids(entries) -> set[int]:
    return {entry["id"] for entry in entries}


class TestContactKey:
    def test_an_email_or_a_phone_normalised_as_a_booking(self):
        assert rights.contact_key_of(email="  Awa@Exemple.FR ") == AWA
        assert rights.contact_key_of(phone="06 12 34 56 78") == AWA_PHONE
        assert rights.contact_key_of(phone="+33 6 12 34 56 78") == AWA_PHONE

    @pytest.mark.parametrize(
        "email,phone",
        [("", ""), (AWA, "0612345678"), ("awa@", ""), ("", "12"), ("", "+1 202 555 0100")],
    )
    def test_one_valid_contact_or_a_refusal(self, email, phone):
        with pytest.raises(ValidationError):
            rights.contact_key_of(email=email, phone=phone)


class TestCollect:
    def test_finds_every_booking_of_that_contact_in_that_network(self, world):
        network_a, _b, rows = world
        data = rights.collect(network=network_a, contact_key=AWA)
        assert ids(data["appointments"]) == {rows["awa_first"].pk, rows["awa_later"].pk}
        assert ids(data["registrations"]) == {rows["awa_workshop"].pk}
        assert data["counts"] == {"appointments": 2, "registrations": 1}
        assert data["network"] == {"name": "Réseau A", "slug": "reseau-a"}

    def test_nothing_of_another_network_or_another_contact(self, world):
        network_a, network_b, rows = world
        text = json.dumps(rights.collect(network=network_a, contact_key=AWA))
        for name in ("Bob", "bob@exemple.fr", "Chloé", "Permanence impôts B", "Réseau B"):
            assert name not in text
        data_b = rights.collect(network=network_b, contact_key=AWA)
        assert ids(data_b["appointments"]) == {rows["awa_b"].pk}
        assert data_b["registrations"] == []

    def test_a_link_reaches_its_key_a_checked_request_also_the_phone_column(self, world):
        network_a, _b, rows = world
        by_link = rights.collect(network=network_a, contact_key=AWA_PHONE)
        assert ids(by_link["appointments"]) == {rows["phone_only"].pk}
        by_request = rights.collect(network=network_a, contact_key=AWA_PHONE, reach=Reach.REQUEST)
        # The phone sits beside Awa's e-mail on two appointments; the registration has none.
        assert ids(by_request["appointments"]) == {
            rows["phone_only"].pk,
            rows["awa_first"].pk,
            rows["awa_later"].pk,
        }
        assert by_request["registrations"] == []

    def test_a_purged_row_is_never_found_and_an_empty_key_is_refused(self, world):
        network_a, _b, _rows = world
        rights.erase(network=network_a, contact_key="bob@exemple.fr", origin=Requester.COMMAND)
        assert rights.collect(network=network_a, contact_key="bob@exemple.fr")["counts"] == {
            "appointments": 0,
            "registrations": 0,
        }
        with pytest.raises(ValueError):
            rights.collect(network=network_a, contact_key="")

    def test_the_export_holds_every_field_and_is_plain_json(self, world):
        network_a, _b, rows = world
        Attendance.objects.create(
            registration=rows["awa_workshop"],
            session=rows["awa_workshop"].workshop.sessions.get(),
            present=True,
        )
        data = rights.collect(network=network_a, contact_key=AWA)
        text = json.dumps(data)  # plain JSON types only
        for model, entries in ((Appointment, "appointments"), (Registration, "registrations")):
            names = {f.name for f in model._meta.concrete_fields} - rights.NOT_EXPORTED
            for entry in data[entries]:
                assert names <= entry.keys(), names - entry.keys()
        first = next(e for e in data["appointments"] if e["id"] == rows["awa_first"].pk)
        assert first["first_name"] == "Awa"
        assert first["email"] == AWA and first["phone"] == AWA_PHONE
        assert first["accessibility_needs"] == "Fauteuil roulant"
        assert first["language"] == "wolof" and first["consent_reminders"] is True
        assert first["slot"]["what"] == "Permanence CAF"
        starts_at = datetime.datetime.fromisoformat(first["slot"]["starts_at"])
        assert starts_at == rows["awa_first"].slot.starts_at
        (registration,) = data["registrations"]
        assert registration["workshop"]["title"] == "Premiers pas"
        assert registration["attendance"] == [
            {"session_starts_at": registration["workshop"]["sessions"][0]["starts_at"],
             "present": True}
        ]  # fmt: skip
        # The link's secret is not information about anyone: never exported.
        for row in (rows["awa_first"], rows["awa_later"], rows["awa_workshop"]):
            assert row.manage_key not in text

    def test_says_how_long_the_network_keeps_contacts(self, world):
        network_a, _b, _rows = world
        PrivacySettings.objects.create(network=network_a, contact_days=12, cancelled_days=3)
        data = rights.collect(network=network_a, contact_key=AWA)
        assert data["retention"] == {
            "contact_days_after_the_date": 12,
            "cancelled_days_after_cancellation": 3,
        }


class TestAccess:
    def test_a_manage_link_reaches_its_own_booking_only(self, world):
        network_a, _b, rows = world
        for own in ("awa_first", "awa_workshop"):
            found = rights.access(
                network=network_a, contact_key=AWA, origin=Requester.VISITOR_LINK,
                kind="page", booking=rows[own],
            )  # fmt: skip
            assert [r.pk for r in [*found.appointments, *found.registrations]] == [rows[own].pk]
        with pytest.raises(ValueError, match="its own booking"):
            rights.holdings(network=network_a, contact_key=AWA, reach=Requester.VISITOR_LINK.reach)

    def test_journaled_with_counts_never_the_contact(self, world):
        network_a, _b, rows = world
        found = rights.access(
            network=network_a, contact_key=AWA, origin=Requester.VISITOR_PROOF,
            kind="page", booking=rows["awa_first"],
        )  # fmt: skip
        assert found.counts() == {"appointments": 2, "registrations": 1}
        entry = JournalEntry.objects.latest("seq")
        assert entry.action == JournalAction.RIGHTS_ACCESS
        assert (entry.network_id, entry.actor_id, entry.actor_label) == (network_a.pk, None, "")
        assert entry.details == {
            "origin": "visitor_proof",
            "kind": "page",
            "appointments": 2,
            "registrations": 1,
        }
        assert (entry.object_type, entry.object_id) == (
            "agenda.appointment",
            str(rows["awa_first"].pk),
        )
        assert "awa" not in json.dumps(entry.details).lower()


class TestErase:
    def test_anonymises_exactly_those_rows(self, world):
        network_a, _b, rows = world
        before = {name: (type(row).objects.get(pk=row.pk).manage_key) for name, row in rows.items()}
        erased = rights.erase(network=network_a, contact_key=AWA, origin=Requester.VISITOR_PROOF)
        assert (erased.appointments, erased.registrations) == (2, 1)
        for name in ("awa_first", "awa_later", "awa_workshop"):
            row = type(rows[name]).objects.get(pk=rows[name].pk)
            assert row.purged_at is not None
            assert (row.first_name, row.email, row.phone, row.contact_key) == ("", "", "", "")
            assert (row.accessibility_needs, row.language, row.consent_reminders) == ("", "", False)
            assert row.manage_key != before[name] and len(row.manage_key) >= 40
        for name in ("awa_b", "bob", "phone_only", "waiting"):
            row = type(rows[name]).objects.get(pk=rows[name].pk)
            assert row.purged_at is None and row.first_name and row.contact_key
            assert row.manage_key == before[name]

    def test_cancels_what_is_still_to_come_and_frees_the_seat(self, world):
        network_a, _b, rows = world
        first, later = rows["awa_first"], rows["awa_later"]
        # Between the two appointments: the first is past, the later one still to come.
        now = first.slot.ends_at + datetime.timedelta(hours=1)
        assert now < later.slot.starts_at
        booked_before = Slot.objects.get(pk=later.slot_id).booked
        erased = rights.erase(
            network=network_a, contact_key=AWA, origin=Requester.VISITOR_PROOF, now=now
        )
        assert (erased.appointments_cancelled, erased.registrations_cancelled) == (1, 1)
        first.refresh_from_db()
        later.refresh_from_db()
        assert first.status == AppointmentStatus.BOOKED  # past: kept as it was, anonymous
        assert (later.status, later.cancelled_by) == (AppointmentStatus.CANCELLED, "visitor")
        assert Slot.objects.get(pk=later.slot_id).booked == booked_before - 1
        # Awa's seat at the workshop goes to Chloé, the first person waiting, to be told.
        assert [r.pk for r in erased.promoted] == [rows["waiting"].pk]
        rows["waiting"].refresh_from_db()
        assert rows["waiting"].status == RegistrationStatus.CONFIRMED
        workshop = rows["awa_workshop"].workshop
        workshop.refresh_from_db()
        assert (workshop.confirmed, workshop.waitlisted) == (1, 0)

    def test_staff_cancel_as_staff(self, world):
        network_a, _b, rows = world
        rights.erase(network=network_a, contact_key="bob@exemple.fr", origin=Requester.STAFF_PAGE)
        rows["bob"].refresh_from_db()
        assert (rows["bob"].status, rows["bob"].cancelled_by) == ("cancelled", "staff")

    def test_a_checked_request_by_phone_erases_the_rows_holding_it(self, world):
        network_a, _b, rows = world
        erased = rights.erase(network=network_a, contact_key=AWA_PHONE, origin=Requester.STAFF_PAGE)
        assert (erased.appointments, erased.registrations) == (3, 0)
        rows["awa_workshop"].refresh_from_db()
        assert rows["awa_workshop"].purged_at is None  # it holds no phone

    def test_journaled_with_counts_and_the_chain_holds(self, world, django_user_model):
        network_a, _b, _rows = world
        coordinator = django_user_model.objects.create_user(
            email="coord@reseau-a.fr", full_name="C"
        )
        rights.erase(
            network=network_a, contact_key=AWA, origin=Requester.STAFF_PAGE,
            actor=coordinator, role="coordinator",
        )  # fmt: skip
        entry = JournalEntry.objects.latest("seq")
        assert entry.action == JournalAction.RIGHTS_ERASURE
        assert (entry.network_id, entry.actor_id, entry.actor_role) == (
            network_a.pk,
            coordinator.pk,
            "coordinator",
        )
        assert entry.details == {
            "origin": "staff_page",
            "appointments": 2,
            "registrations": 1,
            "appointments_cancelled": 2,
            "registrations_cancelled": 1,
            "promoted": 1,
        }
        assert "awa" not in json.dumps(entry.details).lower()
        assert journal.verify().intact

    def test_nothing_held_writes_nothing(self, world):
        network_a, _b, _rows = world
        entries = JournalEntry.objects.count()
        with pytest.raises(NothingHeld):
            rights.erase(
                network=network_a, contact_key="nobody@exemple.fr", origin=Requester.COMMAND
            )
        assert JournalEntry.objects.count() == entries

    def test_every_link_sent_dies(self, world, client):
        network_a, _b, rows = world
        links = [manage_path(rows[name]) for name in ("awa_first", "awa_later", "awa_workshop")]
        assert all(client.get(link).status_code == 200 for link in links)
        rights.erase(network=network_a, contact_key=AWA, origin=Requester.VISITOR_PROOF)
        assert all(client.get(link).status_code == 404 for link in links)
        assert client.get(manage_path(rows["bob"])).status_code == 200


class TestCommand:
    def run(self, *args) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("rights_request", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_export_to_a_file_readable_by_its_owner_only(self, world, tmp_path):
        _a, _b, rows = world
        target = tmp_path / "awa.json"
        out, _err = self.run("--network", "reseau-a", "--email", "AWA@exemple.fr",
                             "--export", str(target))  # fmt: skip
        assert (
            out.strip() == f"Exported 2 appointment(s), 1 registration(s) of reseau-a to {target}."
        )
        assert "awa" not in out.replace(str(target), "").lower()
        data = json.loads(target.read_text(encoding="utf-8"))
        assert ids(data["appointments"]) == {rows["awa_first"].pk, rows["awa_later"].pk}
        assert target.stat().st_mode & 0o777 == 0o600
        entry = JournalEntry.objects.latest("seq")
        assert (entry.action, entry.actor_id, entry.details["origin"]) == (
            JournalAction.RIGHTS_ACCESS,
            None,
            "command",
        )
        with pytest.raises(CommandError, match="exists already"):
            self.run("--network", "reseau-a", "--email", AWA, "--export", str(target))

    def test_export_to_standard_output(self, world):
        out, err = self.run("--network", "reseau-b", "--email", AWA, "--export", "-")
        assert json.loads(out)["counts"] == {"appointments": 1, "registrations": 0}
        assert err.strip() == "Exported 1 appointment(s), 0 registration(s) of reseau-b."

    def test_erase_by_phone(self, world):
        _a, _b, rows = world
        out, _err = self.run("--network", "reseau-a", "--phone", "06 12 34 56 78", "--erase")
        assert out.strip() == (
            "Erased 3 appointment(s), 0 registration(s) of reseau-a; 3 still to come "
            "cancelled, 0 person(s) promoted from a waiting list."
        )
        rows["phone_only"].refresh_from_db()
        assert rows["phone_only"].purged_at is not None
        assert JournalEntry.objects.latest("seq").action == JournalAction.RIGHTS_ERASURE

    def test_nothing_held_is_said_and_exits_zero(self, world, tmp_path):
        out, _err = self.run("--network", "reseau-a", "--email", "x@exemple.fr", "--erase")
        assert out.strip() == "Nothing held for this contact in reseau-a: nothing erased."
        target = tmp_path / "x.json"
        self.run("--network", "reseau-a", "--email", "x@exemple.fr", "--export", str(target))
        assert not target.exists()

    @pytest.mark.parametrize(
        "args,message",
        [
            (["--network", "nulle-part", "--email", AWA, "--erase"], "No network"),
            (["--network", "reseau-a", "--email", "awa@", "--erase"], "pas valide"),
            (["--network", "reseau-a", "--phone", "12", "--erase"], "pas valide"),
        ],
    )
    def test_refusals(self, world, args, message):
        with pytest.raises(CommandError, match=message):
            self.run(*args)

    def test_help(self, capsys):
        with pytest.raises(SystemExit) as exit_:
            call_command("rights_request", "--help")
        assert exit_.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "--export FILE" in text and "--erase" in text and "journaled" in text
