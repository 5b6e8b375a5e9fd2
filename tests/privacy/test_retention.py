"""Retention: the purge removes exactly what has expired, tells before it deactivates,
and says what it did once in the journal. The clock is moved with time-machine."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from aiguillage.accounts.models import HabilitationKind, Membership, Role, User
from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import (
    Appointment,
    Attendance,
    CancelledBy,
    Channel,
    Registration,
    RegistrationStatus,
)
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot, cancel_appointment
from aiguillage.agenda.services.permanences import materialise
from aiguillage.agenda.services.workshops import (
    cancel_registration,
    record_session_attendance,
    register,
)
from aiguillage.compliance import retention
from aiguillage.compliance.management.commands.purge_expired import Command
from aiguillage.compliance.models import HabilitationNotice, InactivityNotice, PrivacySettings
from aiguillage.compliance.retention import PurgeCounts, purge_expired
from aiguillage.compliance.services import set_privacy_settings
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import HabilitationFactory, MembershipFactory, UserFactory
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)
BOOKED_AT = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)
# The factory permanence's first slot: Tuesday 1 December 2026, 9:00-9:30 in Paris.
FIRST_SLOT_END = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=PARIS)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://aiguillage.example.org"


def visitor(n: int) -> Visitor:
    return Visitor(
        first_name=f"Camille {n}",
        email=f"camille{n}@exemple.fr",
        phone="06 12 34 56 78",
        consent_reminders=True,
        accessibility_needs="fauteuil",
        language="arabe",
    )


def book(site, n: int, *, week: int = 0) -> Appointment:
    """A booking on the permanence's first slot of week ``week`` (1 Dec 2026 + weeks)."""
    permanence = PermanenceFactory(site=site)
    materialise(permanence=permanence, today=TODAY, window_days=60)
    slot = permanence.slots.order_by("starts_at")[week * 6]  # six 30-minute slots a day
    return book_slot(slot=slot, visitor=visitor(n), need=None, channel=Channel.DESK, now=BOOKED_AT)


def assert_purged(booking) -> None:
    row = type(booking).objects.get(pk=booking.pk)
    assert row.purged_at is not None
    assert (row.first_name, row.email, row.phone, row.contact_key) == ("", "", "", "")
    assert (row.accessibility_needs, row.language, row.consent_reminders) == ("", "", False)
    assert row.manage_key and row.manage_key != booking.manage_key  # old links are dead
    assert row.status == booking.status  # the booking itself is kept, for statistics


def assert_intact(booking) -> None:
    row = type(booking).objects.get(pk=booking.pk)
    assert row.purged_at is None
    assert (row.first_name, row.email, row.manage_key) == (
        booking.first_name,
        booking.email,
        booking.manage_key,
    )


# --- Contact data ------------------------------------------------------------------------


def test_contact_data_goes_30_days_after_the_slot_and_not_a_day_sooner(time_machine):
    site = SiteFactory()
    first = book(site, 1)
    next_week = book(site, 2, week=1)
    assert first.slot.ends_at == FIRST_SLOT_END

    time_machine.move_to(FIRST_SLOT_END + 29 * DAY, tick=False)  # one day before expiry
    assert purge_expired().appointments_anonymised == 0
    assert_intact(first)

    time_machine.move_to(FIRST_SLOT_END + 30 * DAY + MINUTE, tick=False)
    assert purge_expired().appointments_anonymised == 1
    assert_purged(first)
    assert_intact(next_week)  # its slot is a week later: six days left
    assert purge_expired().total == 0  # idempotent

    time_machine.move_to(next_week.slot.ends_at + 30 * DAY + MINUTE, tick=False)
    assert purge_expired().appointments_anonymised == 1
    assert_purged(next_week)


def test_a_registration_counts_from_the_series_last_session(time_machine):
    first = datetime.datetime(2026, 12, 3, 14, 0, tzinfo=PARIS)
    last = first + 14 * DAY
    workshop = WorkshopFactory(starts_at=first, sessions=[first, first + 7 * DAY, last])
    registration = register(workshop=workshop, visitor=visitor(1), channel="desk", now=BOOKED_AT)
    last_end = last + datetime.timedelta(hours=2)

    time_machine.move_to(last_end + 29 * DAY, tick=False)  # the first session is long gone
    assert purge_expired().registrations_anonymised == 0
    assert_intact(registration)

    time_machine.move_to(last_end + 30 * DAY + MINUTE, tick=False)
    counts = purge_expired()
    assert (counts.registrations_anonymised, counts.appointments_anonymised) == (1, 0)
    assert_purged(registration)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_each_network_purges_its_rows_under_its_own_settings(time_machine):
    site_a, site_b = SiteFactory(), SiteFactory()
    set_privacy_settings(network=site_a.network, actor=None, contact_days=10)
    in_a, in_b = book(site_a, 1), book(site_b, 2)

    time_machine.move_to(FIRST_SLOT_END + 10 * DAY + MINUTE, tick=False)
    assert purge_expired().appointments_anonymised == 1
    assert_purged(in_a)
    assert_intact(in_b)  # network B keeps the default 30 days


def test_one_network_only_leaves_the_others_and_the_journal(time_machine):
    site_a, site_b = SiteFactory(), SiteFactory()
    in_a, in_b = book(site_a, 1), book(site_b, 2)
    old = journal.record(action=JournalAction.LOGIN, at=BOOKED_AT - 800 * DAY)

    time_machine.move_to(FIRST_SLOT_END + 31 * DAY, tick=False)
    out = StringIO()
    call_command("purge_expired", "--network", site_a.network.slug, stdout=out)
    assert "contact data: 1 appointments, 0 registrations anonymised" in out.getvalue()
    assert "journal: 0 entries" in out.getvalue()
    assert_purged(in_a)
    assert_intact(in_b)
    assert JournalEntry.objects.filter(pk=old.pk).exists()
    entry = JournalEntry.objects.get(action=JournalAction.PURGE)
    assert entry.network_id == site_a.network.pk
    assert entry.details["journal_purged"] is False


# --- Cancelled bookings ------------------------------------------------------------------


def test_cancelled_bookings_are_deleted_7_days_after_cancellation(time_machine):
    site = SiteFactory()
    appointment = book(site, 1)
    workshop = WorkshopFactory(site=site)
    registration = register(workshop=workshop, visitor=visitor(2), channel="desk", now=BOOKED_AT)
    kept = register(workshop=workshop, visitor=visitor(3), channel="desk", now=BOOKED_AT)
    cancelled_at = BOOKED_AT + DAY
    cancel_appointment(appointment=appointment, cancelled_by=CancelledBy.VISITOR, now=cancelled_at)
    cancel_registration(registration=registration, cancelled_by="visitor", now=cancelled_at)

    time_machine.move_to(cancelled_at + 6 * DAY, tick=False)
    assert purge_expired().total == 0
    time_machine.move_to(cancelled_at + 7 * DAY + MINUTE, tick=False)
    counts = purge_expired()
    assert (counts.appointments_deleted, counts.registrations_deleted) == (1, 1)
    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    assert not Registration.objects.filter(pk=registration.pk).exists()
    assert_intact(kept)  # not cancelled, its session not 30 days old
    assert purge_expired().total == 0


def test_a_cancelled_registration_with_attendance_is_anonymised_not_deleted(time_machine):
    first = datetime.datetime(2026, 12, 3, 14, 0, tzinfo=PARIS)
    workshop = WorkshopFactory(starts_at=first, sessions=[first, first + 7 * DAY])
    registration = register(workshop=workshop, visitor=visitor(1), channel="desk", now=BOOKED_AT)
    record_session_attendance(
        session=workshop.sessions.first(), present={registration.pk}, now=first
    )
    left_at = first + 3 * DAY
    cancel_registration(registration=registration, cancelled_by="visitor", now=left_at)
    registration.refresh_from_db()

    time_machine.move_to(left_at + 8 * DAY, tick=False)
    counts = purge_expired()
    assert (counts.registrations_deleted, counts.cancelled_registrations_anonymised) == (0, 1)
    assert_purged(registration)
    assert Attendance.objects.filter(registration=registration, present=True).exists()
    assert purge_expired().total == 0


def test_free_text_has_nothing_to_purge(time_machine):
    time_machine.move_to(BOOKED_AT + 800 * DAY, tick=False)
    network = NetworkFactory()
    assert retention.purge_free_text(network=network, at=BOOKED_AT + 800 * DAY) == PurgeCounts()


# --- Dry run, idempotence, one journal entry ---------------------------------------------


def expired_everything(time_machine):
    """One of each: an expired contact, a cancelled booking, a member to tell."""
    time_machine.move_to(BOOKED_AT, tick=False)
    site = SiteFactory()
    MembershipFactory(network=site.network)
    booked = book(site, 1)
    cancelled = book(site, 2, week=1)
    cancel_appointment(appointment=cancelled, cancelled_by=CancelledBy.STAFF, now=BOOKED_AT)
    time_machine.move_to(BOOKED_AT + 160 * DAY, tick=False)
    return booked, cancelled


def test_a_dry_run_writes_nothing_at_all(time_machine):
    booked, cancelled = expired_everything(time_machine)
    journal.record(action=JournalAction.LOGIN, at=BOOKED_AT - 400 * DAY)
    entries = list(JournalEntry.objects.values_list("seq", flat=True))
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().startswith("dry run, nothing written: would purge contact data: ")
    assert "1 appointments, 0 registrations anonymised" in out.getvalue()
    assert "cancelled: 1 appointments, 0 registrations deleted" in out.getvalue()
    assert "journal: 1 entries" in out.getvalue()
    assert "staff accounts: 0 deactivated, 1 told" in out.getvalue()
    assert_intact(booked)
    assert Appointment.objects.filter(pk=cancelled.pk).exists()
    assert list(JournalEntry.objects.values_list("seq", flat=True)) == entries
    assert not InactivityNotice.objects.exists()
    assert mail.outbox == []


def test_one_journal_entry_says_what_was_purged_and_a_second_run_purges_nothing(time_machine):
    expired_everything(time_machine)
    first = purge_expired()
    assert (first.appointments_anonymised, first.appointments_deleted, first.staff_told) == (
        1,
        1,
        1,
    )
    (entry,) = JournalEntry.objects.filter(action=JournalAction.PURGE)
    assert entry.network_id is None and entry.actor_id is None
    assert {k: entry.details[k] for k in first.as_dict()} == first.as_dict()
    assert entry.details["networks"] == 1 and entry.details["journal_purged"] is True

    second = purge_expired()
    assert second.total == 0
    assert JournalEntry.objects.filter(action=JournalAction.PURGE).count() == 2  # each run
    assert len(mail.outbox) == 1  # the notice went once


def test_the_journal_keeps_the_longest_retention_and_stays_verifiable(time_machine):
    now = datetime.datetime(2027, 6, 1, 3, 0, tzinfo=PARIS)
    time_machine.move_to(now, tick=False)
    keeper = NetworkFactory()
    for age in (700, 600, 400, 10):
        journal.record(action=JournalAction.LOGIN, network=keeper, at=now - age * DAY)
    set_privacy_settings(network=keeper, actor=None, journal_days=500)
    set_privacy_settings(network=NetworkFactory(), actor=None, journal_days=200)
    assert retention.journal_retention_days() == 500

    assert purge_expired().journal_entries == 2  # 700 and 600 days old
    logins = JournalEntry.objects.filter(action=JournalAction.LOGIN)
    assert sorted((now - e.created_at).days for e in logins) == [10, 400]
    assert journal.verify().intact
    assert purge_expired().journal_entries == 0
    assert journal.verify().intact


def test_the_default_journal_retention_holds_while_a_network_never_chose(time_machine):
    set_privacy_settings(network=NetworkFactory(), actor=None, journal_days=200)
    NetworkFactory()  # never changed its settings: 365 days
    assert retention.journal_retention_days() == 365


# --- Inactive staff ----------------------------------------------------------------------

JOINED = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)


@pytest.fixture
def idle_member(time_machine):
    """A librarian who never logged in since joining on JOINED (default: 183 days)."""
    time_machine.move_to(JOINED, tick=False)
    return MembershipFactory(network=NetworkFactory(name="Médiathèques du Pic"))


def test_an_idle_member_is_told_once_then_deactivated(time_machine, idle_member):
    time_machine.move_to(JOINED + 152 * DAY, tick=False)  # 31 days before the end: too early
    assert purge_expired().staff_told == 0

    time_machine.move_to(JOINED + 154 * DAY, tick=False)
    assert purge_expired().staff_told == 1
    (message,) = mail.outbox
    assert message.to == [idle_member.user.email]
    assert "Médiathèques du Pic" in message.subject
    assert "https://aiguillage.example.org/" in message.body
    assert purge_expired().staff_told == 0  # once
    assert InactivityNotice.objects.count() == 1

    time_machine.move_to(JOINED + 183 * DAY + MINUTE, tick=False)  # told 29 days ago only
    assert purge_expired().staff_deactivated == 0
    time_machine.move_to(JOINED + 184 * DAY + MINUTE, tick=False)
    assert purge_expired().staff_deactivated == 1
    idle_member.refresh_from_db()
    idle_member.user.refresh_from_db()
    assert idle_member.is_active is False
    assert idle_member.user.is_active is False  # no other network: the account is closed
    (entry,) = JournalEntry.objects.filter(action=JournalAction.ACCOUNT_DEACTIVATED)
    assert entry.network_id == idle_member.network_id
    assert entry.object_id == str(idle_member.pk)
    assert entry.details["account_closed"] is True
    assert purge_expired().total == 0
    assert len(mail.outbox) == 1


def test_logging_in_after_the_notice_keeps_the_access(time_machine, idle_member):
    time_machine.move_to(JOINED + 160 * DAY, tick=False)
    assert purge_expired().staff_told == 1
    User.objects.filter(pk=idle_member.user_id).update(last_login=JOINED + 170 * DAY)

    time_machine.move_to(JOINED + 200 * DAY, tick=False)
    assert purge_expired().total == 0
    assert Membership.objects.get(pk=idle_member.pk).is_active
    # A new period: told again near its end, from the last login.
    time_machine.move_to(JOINED + (170 + 154) * DAY, tick=False)
    assert purge_expired().staff_told == 1
    assert len(mail.outbox) == 2


def test_a_reactivated_member_has_a_full_period_again(time_machine, idle_member):
    from aiguillage.accounts.services import add_staff_member

    time_machine.move_to(JOINED + 160 * DAY, tick=False)
    purge_expired()
    back = JOINED + 200 * DAY
    time_machine.move_to(back, tick=False)
    assert purge_expired().staff_deactivated == 1
    user = idle_member.user
    User.objects.filter(pk=user.pk).update(is_active=True)  # the account reopened
    add_staff_member(
        network=idle_member.network,
        email=user.email,
        full_name=user.full_name,
        role=idle_member.role,
        is_salaried=True,
    )
    time_machine.move_to(back + DAY, tick=False)
    assert purge_expired().total == 0
    time_machine.move_to(back + 154 * DAY, tick=False)
    counts = purge_expired()
    assert (counts.staff_told, counts.staff_deactivated) == (1, 0)


def test_a_member_never_told_is_told_first_and_deactivated_30_days_later(time_machine, idle_member):
    time_machine.move_to(JOINED + 300 * DAY, tick=False)  # long past, but never told
    counts = purge_expired()
    assert (counts.staff_told, counts.staff_deactivated) == (1, 0)
    time_machine.move_to(JOINED + 330 * DAY + MINUTE, tick=False)
    assert purge_expired().staff_deactivated == 1


def test_each_network_deactivates_its_own_membership(time_machine):
    time_machine.move_to(JOINED, tick=False)
    user = UserFactory()
    short = MembershipFactory(user=user, network=NetworkFactory())
    long = MembershipFactory(user=user, network=NetworkFactory())
    set_privacy_settings(network=short.network, actor=None, inactive_staff_days=60)

    time_machine.move_to(JOINED + 31 * DAY, tick=False)  # told 30 days before (60 // 2)
    assert purge_expired().staff_told == 1
    time_machine.move_to(JOINED + 61 * DAY, tick=False)
    assert purge_expired().staff_deactivated == 1
    short.refresh_from_db()
    long.refresh_from_db()
    user.refresh_from_db()
    assert (short.is_active, long.is_active, user.is_active) == (False, True, True)


def test_a_technical_administrator_keeps_the_account(time_machine):
    time_machine.move_to(JOINED, tick=False)
    admin = MembershipFactory(user=UserFactory(is_staff=True, is_superuser=True))
    time_machine.move_to(JOINED + 160 * DAY, tick=False)
    purge_expired()
    time_machine.move_to(JOINED + 200 * DAY, tick=False)
    assert purge_expired().staff_deactivated == 1
    admin.refresh_from_db()
    admin.user.refresh_from_db()
    assert (admin.is_active, admin.user.is_active) == (False, True)


def test_a_failed_e_mail_is_not_remembered_and_is_tried_again(
    time_machine, idle_member, monkeypatch
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("relay for camille@example.org is down")

    time_machine.move_to(JOINED + 160 * DAY, tick=False)
    monkeypatch.setattr(retention, "send_mail", refuse)
    assert purge_expired().staff_told == 0
    assert not InactivityNotice.objects.exists()
    monkeypatch.undo()
    assert purge_expired().staff_told == 1


# --- Aidants Connect habilitations --------------------------------------------------------


def test_coordinators_are_told_30_days_before_a_habilitation_ends(time_machine):
    time_machine.move_to(BOOKED_AT, tick=False)
    network = NetworkFactory(name="Réseau du Lodévois")
    coordinator = MembershipFactory(network=network, coordinator=True)
    MembershipFactory(network=NetworkFactory(), coordinator=True)  # another network's
    ends = TODAY + 40 * DAY
    habilitation = HabilitationFactory(
        membership=MembershipFactory(network=network, mediator=True), valid_until=ends
    )
    HabilitationFactory(  # not Aidants Connect: nobody is told
        membership=MembershipFactory(network=network),
        kind=HabilitationKind.FRANCE_SERVICES,
        valid_until=ends,
    )
    time_machine.move_to(BOOKED_AT + 9 * DAY, tick=False)  # 31 days before
    assert purge_expired().habilitations_told == 0

    time_machine.move_to(BOOKED_AT + 10 * DAY, tick=False)
    assert purge_expired().habilitations_told == 1
    (message,) = [m for m in mail.outbox if "Aidants Connect" in m.subject]
    assert message.to == [coordinator.user.email]
    assert habilitation.membership.user.full_name in message.body
    assert habilitation.reference in message.body
    assert purge_expired().habilitations_told == 0
    assert HabilitationNotice.objects.get().recipients == 1

    # Renewed: its new end is told about in its turn.
    habilitation.valid_until = ends + 365 * DAY
    habilitation.save()
    time_machine.move_to(BOOKED_AT + (10 + 365) * DAY, tick=False)
    assert purge_expired().habilitations_told == 1


def test_with_no_coordinator_nothing_is_remembered(time_machine):
    time_machine.move_to(BOOKED_AT, tick=False)
    HabilitationFactory(valid_until=TODAY + 10 * DAY)
    assert purge_expired().habilitations_told == 0
    assert not HabilitationNotice.objects.exists()
    assert retention.expiring_habilitations(
        network=Membership.objects.get(role=Role.DIGITAL_MEDIATOR).network, at=BOOKED_AT
    ).exists()  # still due: told once a coordinator is there


# --- The command ---------------------------------------------------------------------------


def test_the_command_prints_one_line_of_counts(time_machine):
    expired_everything(time_machine)
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue() == (
        "contact data: 1 appointments, 0 registrations anonymised; cancelled: 1 appointments, "
        "0 registrations deleted, 0 attended registrations anonymised; free text: 0; "
        "journal: 0 entries; staff accounts: 0 deactivated, 1 told; "
        "habilitations: 0 expiring, coordinators told; one-time links: 0 deleted\n"
    )


def test_the_command_judges_at_a_given_moment(time_machine):
    site = SiteFactory()
    booked = book(site, 1)
    time_machine.move_to(FIRST_SLOT_END + 60 * DAY, tick=False)
    at = (FIRST_SLOT_END + 29 * DAY).isoformat()
    call_command("purge_expired", "--at", at, stdout=StringIO())
    assert_intact(booked)
    call_command("purge_expired", "--at", "2027-01-02", stdout=StringIO())
    assert_purged(booked)


def test_the_command_refuses_a_future_moment_unless_dry_run_and_an_unknown_network():
    with pytest.raises(CommandError, match="future"):
        call_command("purge_expired", "--at", "2999-01-01")
    out = StringIO()
    call_command("purge_expired", "--at", "2999-01-01", "--dry-run", stdout=out)
    assert out.getvalue().startswith("dry run")
    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("purge_expired", "--at", "tomorrow", "--dry-run")
    with pytest.raises(CommandError, match="No network"):
        call_command("purge_expired", "--network", "nowhere")
    assert not JournalEntry.objects.exists()


def test_the_command_has_help():
    text = Command().create_parser("manage.py", "purge_expired").format_help()
    for option in ("--dry-run", "--network SLUG", "--at ISO"):
        assert option in text
    assert "docs/retention.md" in text


def test_the_task_runs_the_purge(time_machine):
    from aiguillage.compliance.tasks import purge_expired_task

    expired_everything(time_machine)
    result = purge_expired_task.enqueue()
    assert result.return_value["appointments_anonymised"] == 1
    assert JournalEntry.objects.filter(action=JournalAction.PURGE).count() == 1


def test_settings_defaults_apply_without_a_row():
    network = NetworkFactory()
    assert not PrivacySettings.objects.filter(network=network).exists()
    assert retention.policies([network])[network.pk].contact_days == 30
