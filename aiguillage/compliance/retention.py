"""Retention: what has expired, per network and per category, and the purge that forgets it.

Each category has its own service that finds what has expired at a given moment (``at``)
under the network's settings (``PrivacySettings``), and anonymises, deletes or
deactivates it, or only counts it with ``dry_run=True``. Each returns a
``PurgeCounts``; ``purge_expired`` runs them all and writes one journal entry.

Decisions, and why:

- **Contact data** of an appointment or a registration is blanked ``contact_days``
  after the booking's date (the slot's end; a workshop's last session, or the
  registration itself when the workshop has no session). The row stays: that a
  booking took place, for which need, on which slot, whether the person came, is
  what the statistics and the activity reports count, and it names nobody once the
  first name, e-mail, phone, contact key, accessibility needs and language are
  blank. The manage key is replaced by a fresh one nobody holds, so every manage
  link ever sent is dead, and ``purged_at`` says when.
- **Cancelled bookings** are deleted ``cancelled_days`` after their cancellation:
  nothing references an appointment, and a cancelled registration only through
  its attendance rows. A cancelled registration whose person attended some sessions
  is anonymised instead, so the attendance it explains is kept.
- **Interaction free text**: the interaction record holds none (the hour, flags and
  ids only), so there is nothing to purge; the category exists for the day a note
  is added, and reports 0.
- **The audit journal** is one hash chain for the whole instance, and only a prefix of
  it may go (``journal.purge_before``). It is kept for the longest duration any
  network chose, so no network's entries go sooner than its own setting says.
- **Inactive staff**: logins are per person, retention per network, so each network
  deactivates its own membership of a person who has not logged in for its
  ``inactive_staff_days``; the person keeps the other networks. The account itself
  is closed (``User.is_active``) once no active membership is left, except for the
  instance's technical administrators, who must never be locked out by a purge.
  The person is told ``notice_lead_days`` (30) days beforehand, once per period
  without a login; a membership is never deactivated before that notice is that old,
  so someone never told (a first run, a failed e-mail) is told first.
- **Aidants Connect habilitations**: the network's coordinators are told once, 30
  days before one expires (a renewed habilitation, with a new end, is told again).

Notices are sent first, one at a time, each in its own transaction with the row that
remembers it (a failed sending leaves no row, and the next run tries again). The
deletions, anonymisations and deactivations then run in one transaction with the
journal entry that reports them: all of it, or nothing.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from aiguillage.accounts.models import (
    Habilitation,
    HabilitationKind,
    Membership,
    Role,
    User,
)
from aiguillage.agenda.contact import new_manage_key
from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    Attendance,
    Registration,
    RegistrationStatus,
    WorkshopSession,
)
from aiguillage.compliance.models import HabilitationNotice, InactivityNotice, PrivacySettings
from aiguillage.compliance.models.settings import INACTIVITY_NOTICE_DAYS, RETENTION_BOUNDS
from aiguillage.compliance.proofs import delete_over
from aiguillage.core.models import Network
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction, JournalEntry

logger = logging.getLogger("aiguillage.compliance.retention")

# Coordinators are told this many days before an Aidants Connect habilitation ends.
HABILITATION_NOTICE_DAYS = 30
# Rows anonymised per UPDATE: a national instance purges thousands a day.
BATCH = 500
# The contact columns a purge blanks (``VisitorContact``); the manage key is renewed.
BLANK_CONTACT = {
    "first_name": "",
    "email": "",
    "phone": "",
    "contact_key": "",
    "consent_reminders": False,
    "accessibility_needs": "",
    "language": "",
}


@dataclass
class PurgeCounts:
    """How many rows each category touched (or would touch, in a dry run)."""

    appointments_anonymised: int = 0
    registrations_anonymised: int = 0
    appointments_deleted: int = 0
    registrations_deleted: int = 0
    # Cancelled, but the person attended sessions: anonymised, not deleted.
    cancelled_registrations_anonymised: int = 0
    free_text: int = 0
    journal_entries: int = 0
    staff_deactivated: int = 0
    staff_told: int = 0
    habilitations_told: int = 0
    # One-time links to prove a contact, once over (they hold the contact they went to).
    contact_proofs: int = 0

    def __add__(self, other: PurgeCounts) -> PurgeCounts:
        return PurgeCounts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())

    def summary(self) -> str:
        """One line, for the command and the logs (English, like every command)."""
        return (
            f"contact data: {self.appointments_anonymised} appointments, "
            f"{self.registrations_anonymised} registrations anonymised; "
            f"cancelled: {self.appointments_deleted} appointments, "
            f"{self.registrations_deleted} registrations deleted, "
            f"{self.cancelled_registrations_anonymised} attended registrations anonymised; "
            f"free text: {self.free_text}; "
            f"journal: {self.journal_entries} entries; "
            f"staff accounts: {self.staff_deactivated} deactivated, {self.staff_told} told; "
            f"habilitations: {self.habilitations_told} expiring, coordinators told; "
            f"one-time links: {self.contact_proofs} deleted"
        )


def policies(networks: Sequence[Network]) -> dict[int, PrivacySettings]:
    """Each network's settings (the defaults, unsaved, for one that never changed them)."""
    saved = {s.network_id: s for s in PrivacySettings.objects.filter(network__in=networks)}
    return {n.pk: saved.get(n.pk) or PrivacySettings(network=n) for n in networks}


def _policy(network: Network, policy: PrivacySettings | None) -> PrivacySettings:
    return policy if policy is not None else PrivacySettings.for_network(network)


def _chunks(values: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Contact data of bookings ---------------------------------------------------------


def expired_contacts(
    *, network: Network, at: datetime.datetime, policy: PrivacySettings | None = None
) -> tuple[QuerySet[Appointment], QuerySet[Registration]]:
    """The network's bookings whose contact data is due for the purge at ``at``; not
    the cancelled ones the same purge deletes or anonymises as cancelled (each row is
    counted once, in a dry run too)."""
    policy = _policy(network, policy)
    cutoff = at - datetime.timedelta(days=policy.contact_days)
    cancelled_appointments, *cancelled_registrations = expired_cancellations(
        network=network, at=at, policy=policy
    )
    appointments = Appointment.objects.filter(
        network=network, purged_at__isnull=True, slot__ends_at__lt=cutoff
    ).exclude(pk__in=cancelled_appointments.values("pk"))
    last_session = (
        WorkshopSession.objects.filter(workshop=OuterRef("workshop"))
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    registrations = (
        Registration.objects.filter(network=network, purged_at__isnull=True)
        .annotate(booking_end=Coalesce(Subquery(last_session), "created_at"))
        .filter(booking_end__lt=cutoff)
    )
    for cancelled in cancelled_registrations:
        registrations = registrations.exclude(pk__in=cancelled.values("pk"))
    return appointments, registrations


def anonymise(queryset: QuerySet, *, now: datetime.datetime) -> int:
    """Blank the contact of each row not purged yet, with a new manage key each."""
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    done = 0
    for chunk in _chunks(pks, BATCH):
        rows = list(model.objects.select_for_update().filter(pk__in=chunk, purged_at__isnull=True))
        for row in rows:
            for name, value in BLANK_CONTACT.items():
                setattr(row, name, value)
            row.manage_key = new_manage_key()
            row.purged_at = now
        model.objects.bulk_update(rows, [*BLANK_CONTACT, "manage_key", "purged_at"])
        done += len(rows)
    return done


@transaction.atomic
def anonymise_contacts(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """Blank the contact data of the network's bookings ``contact_days`` after their date."""
    appointments, registrations = expired_contacts(network=network, at=at, policy=policy)
    if dry_run:
        return PurgeCounts(
            appointments_anonymised=appointments.count(),
            registrations_anonymised=registrations.count(),
        )
    now = timezone.now()
    return PurgeCounts(
        appointments_anonymised=anonymise(appointments, now=now),
        registrations_anonymised=anonymise(registrations, now=now),
    )


# --- Cancelled bookings -----------------------------------------------------------------


def expired_cancellations(
    *, network: Network, at: datetime.datetime, policy: PrivacySettings | None = None
) -> tuple[QuerySet[Appointment], QuerySet[Registration], QuerySet[Registration]]:
    """Cancelled appointments and registrations to delete, and the cancelled
    registrations to anonymise instead (their attendance is kept)."""
    cutoff = at - datetime.timedelta(days=_policy(network, policy).cancelled_days)
    appointments = Appointment.objects.filter(
        network=network, status=AppointmentStatus.CANCELLED, cancelled_at__lt=cutoff
    )
    cancelled = Registration.objects.filter(
        network=network, status=RegistrationStatus.CANCELLED, cancelled_at__lt=cutoff
    )
    attended = Exists(Attendance.objects.filter(registration=OuterRef("pk")))
    return (
        appointments,
        cancelled.filter(~attended),
        cancelled.filter(attended, purged_at__isnull=True),
    )


@transaction.atomic
def delete_cancelled(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """Delete the network's bookings cancelled more than ``cancelled_days`` ago."""
    appointments, registrations, attended = expired_cancellations(
        network=network, at=at, policy=policy
    )
    if dry_run:
        return PurgeCounts(
            appointments_deleted=appointments.count(),
            registrations_deleted=registrations.count(),
            cancelled_registrations_anonymised=attended.count(),
        )
    _total, by_model = appointments.delete()
    appointments_deleted = by_model.get(Appointment._meta.label, 0)
    _total, by_model = registrations.delete()
    registrations_deleted = by_model.get(Registration._meta.label, 0)
    return PurgeCounts(
        appointments_deleted=appointments_deleted,
        registrations_deleted=registrations_deleted,
        cancelled_registrations_anonymised=anonymise(attended, now=timezone.now()),
    )


# --- Interaction free text --------------------------------------------------------------


def purge_free_text(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """Nothing to purge: an Interaction holds no free text (see orientation/models.py).

    The category and its setting exist so that a note added one day is purged from
    that day on; until then this reports 0 and touches nothing."""
    return PurgeCounts(free_text=0)


# --- The audit journal ------------------------------------------------------------------


def delete_contact_proofs(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """One-time links that can no longer be used: nothing to keep them for."""
    return PurgeCounts(contact_proofs=delete_over(network=network, at=at, dry_run=dry_run))


def journal_retention_days() -> int:
    """The longest journal retention of all networks (the default for those that never
    chose one): the journal is one chain, and no network's entries may go too soon."""
    chosen = list(PrivacySettings.objects.values_list("journal_days", flat=True))
    default = RETENTION_BOUNDS["journal_days"].default
    if not chosen or Network.objects.filter(privacy_settings__isnull=True).exists():
        chosen.append(default)
    return max(chosen)


def journal_cutoff(at: datetime.datetime) -> datetime.datetime:
    return at - datetime.timedelta(days=journal_retention_days())


def expired_journal_entries(
    *, at: datetime.datetime, network: Network | None = None
) -> QuerySet[JournalEntry]:
    """The entries the purge removes at ``at``: the prefix of the chain up to the last
    entry written before the cutoff (``journal.purge_before``); ``network`` narrows it
    to that network's own entries, for its page."""
    last = (
        JournalEntry.objects.filter(created_at__lt=journal_cutoff(at))
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    if last is None:
        return JournalEntry.objects.none()
    entries = JournalEntry.objects.filter(seq__lte=last)
    return entries.filter(network_id=network.pk) if network is not None else entries


def purge_journal(*, at: datetime.datetime, dry_run: bool = False) -> PurgeCounts:
    """Remove the journal's entries older than the longest retention (whole instance)."""
    if dry_run:
        return PurgeCounts(journal_entries=expired_journal_entries(at=at).count())
    return PurgeCounts(journal_entries=journal.purge_before(cutoff=journal_cutoff(at)))


# --- Inactive staff ---------------------------------------------------------------------


def notice_lead_days(inactive_days: int) -> int:
    """How long before the deactivation the person is told: 30 days, or half the period
    when it is shorter than 60 days (told the day after a login is no warning)."""
    return min(INACTIVITY_NOTICE_DAYS, inactive_days // 2)


@dataclass(frozen=True)
class Inactive:
    membership: Membership
    last_seen_at: datetime.datetime
    deactivate_on: datetime.date


def _last_seen(membership: Membership) -> datetime.datetime:
    """The last login, or the account's creation; or the membership's last change when
    later (a new member, or one a coordinator reactivated, has a full period)."""
    user = membership.user
    return max(user.last_login or user.date_joined, membership.created_at, membership.updated_at)


def inactive_staff(
    *, network: Network, at: datetime.datetime, policy: PrivacySettings | None = None
) -> tuple[list[Inactive], list[Inactive]]:
    """(to tell, to deactivate): the network's active members without a login for long.

    Activity is the last login, or the account's creation, or the membership's last
    change when later (``_last_seen``). To tell: close to the end of
    the period and not told about this period yet. To deactivate: past the period and
    told at least ``notice_lead_days`` ago."""
    days = _policy(network, policy).inactive_staff_days
    lead = notice_lead_days(days)
    warn_before = at - datetime.timedelta(days=days - lead)
    deactivate_before = at - datetime.timedelta(days=days)
    told_before = at - datetime.timedelta(days=lead)
    candidates = list(
        Membership.objects.active()
        .filter(network=network, updated_at__lt=warn_before)
        .annotate(seen=Coalesce("user__last_login", "user__date_joined"))
        .filter(seen__lt=warn_before)
        .select_related("user")
        .order_by("pk")
    )
    notices = {
        (n.membership_id, n.last_seen_at): n
        for n in InactivityNotice.objects.filter(membership__in=[m.pk for m in candidates])
    }
    to_tell: list[Inactive] = []
    to_deactivate: list[Inactive] = []
    for membership in candidates:
        seen = _last_seen(membership)
        if seen >= warn_before:
            continue
        notice = notices.get((membership.pk, seen))
        if notice is None:
            end = max(seen + datetime.timedelta(days=days), at + datetime.timedelta(days=lead))
            to_tell.append(Inactive(membership, seen, timezone.localdate(end)))
        elif seen < deactivate_before and notice.sent_at <= told_before:
            to_deactivate.append(Inactive(membership, seen, timezone.localdate(at)))
    return to_tell, to_deactivate


def _send(*, template: str, subject: str, context: dict, to: list[str]) -> None:
    """A plain-text e-mail in the instance's language (no request: a command or a worker)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "subject": subject})
        send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, to)


def _login_url() -> str:
    return f"{settings.SITE_URL}{reverse(settings.LOGIN_URL)}"


def _tell_once(create_notice, send, *, what: str, pk: int) -> bool:
    """Remember the notice and send it in one transaction: a failed sending rolls the
    row back (the next run tries again), another run's row means it was sent."""
    try:
        with transaction.atomic():
            create_notice()
            send()
    except IntegrityError:
        return False
    except Exception as exc:  # the mail server: logged by kind, never with an address
        logger.warning("%s notice %d not sent: %s", what, pk, type(exc).__name__)
        return False
    return True


def notify_inactive_staff(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """Tell each member who will be deactivated for inactivity, once per period."""
    to_tell, _deactivate = inactive_staff(network=network, at=at, policy=policy)
    if dry_run:
        return PurgeCounts(staff_told=len(to_tell))
    told = 0
    for item in to_tell:
        membership = item.membership
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Votre accès à %(network)s sera désactivé le %(date)s") % {
                "network": network.name,
                "date": formats.date_format(item.deactivate_on),
            }

        def create(item=item):
            InactivityNotice.objects.create(
                membership=item.membership, last_seen_at=item.last_seen_at, sent_at=timezone.now()
            )

        def send(item=item, subject=subject):
            _send(
                template="compliance/email/inactivity_notice.txt",
                subject=subject,
                context={
                    "network": network,
                    "user": item.membership.user,
                    "deactivate_on": item.deactivate_on,
                    "login_url": _login_url(),
                },
                to=[item.membership.user.email],
            )

        told += _tell_once(create, send, what="inactivity", pk=membership.pk)
    return PurgeCounts(staff_told=told)


@transaction.atomic
def deactivate_inactive_staff(
    *,
    network: Network,
    at: datetime.datetime,
    dry_run: bool = False,
    policy: PrivacySettings | None = None,
) -> PurgeCounts:
    """Deactivate the memberships past their inactivity period and told in time; close
    the account when it has no active membership left (not a technical administrator's).
    Each deactivation is journaled (ACCOUNT_DEACTIVATED) with ids only."""
    policy = _policy(network, policy)
    _tell, to_deactivate = inactive_staff(network=network, at=at, policy=policy)
    if dry_run:
        return PurgeCounts(staff_deactivated=len(to_deactivate))
    done = 0
    for item in to_deactivate:
        membership, user = item.membership, item.membership.user
        if not Membership.objects.filter(pk=membership.pk, is_active=True).update(
            is_active=False, updated_at=timezone.now()
        ):
            continue  # another run got there first
        closed = False
        if not (user.is_staff or user.is_superuser) and not (
            Membership.objects.filter(user=user, is_active=True).exists()
        ):
            closed = bool(User.objects.filter(pk=user.pk, is_active=True).update(is_active=False))
        journal.record(
            action=JournalAction.ACCOUNT_DEACTIVATED,
            network=network,
            obj=membership,
            details={
                "user_id": user.pk,
                "role": membership.role,
                "inactive_days": policy.inactive_staff_days,
                "account_closed": closed,
            },
        )
        done += 1
    return PurgeCounts(staff_deactivated=done)


# --- Aidants Connect habilitations ------------------------------------------------------


def expiring_habilitations(*, network: Network, at: datetime.datetime) -> QuerySet[Habilitation]:
    """The network's Aidants Connect habilitations ending within 30 days whose end the
    coordinators were not told about yet (a member no longer active is not told about)."""
    today = timezone.localdate(at)
    told = HabilitationNotice.objects.filter(
        habilitation=OuterRef("pk"), valid_until=OuterRef("valid_until")
    )
    return (
        Habilitation.objects.filter(
            kind=HabilitationKind.AIDANTS_CONNECT,
            membership__in=Membership.objects.active().filter(network=network),
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=HABILITATION_NOTICE_DAYS),
        )
        .filter(~Exists(told))
        .select_related("membership__user")
        .order_by("valid_until", "pk")
    )


def coordinator_emails(network: Network) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(network=network, role=Role.COORDINATOR)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def notify_expiring_habilitations(
    *, network: Network, at: datetime.datetime, dry_run: bool = False
) -> PurgeCounts:
    """Tell the network's coordinators, once, of each habilitation about to end. With no
    coordinator there is nobody to tell: nothing is remembered, the next run tries."""
    habilitations = expiring_habilitations(network=network, at=at)
    recipients = coordinator_emails(network)
    if dry_run or not recipients:
        return PurgeCounts(habilitations_told=habilitations.count() if recipients else 0)
    told = 0
    for habilitation in habilitations:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Habilitation Aidants Connect : fin le %(date)s") % {
                "date": formats.date_format(habilitation.valid_until)
            }

        def create(habilitation=habilitation):
            HabilitationNotice.objects.create(
                habilitation=habilitation,
                valid_until=habilitation.valid_until,
                sent_at=timezone.now(),
                recipients=len(recipients),
            )

        def send(habilitation=habilitation, subject=subject):
            _send(
                template="compliance/email/habilitation_notice.txt",
                subject=subject,
                context={
                    "network": network,
                    "habilitation": habilitation,
                    "member": habilitation.membership.user,
                    "login_url": _login_url(),
                },
                to=recipients,
            )

        told += _tell_once(create, send, what="habilitation", pk=habilitation.pk)
    return PurgeCounts(habilitations_told=told)


# --- Everything at once -----------------------------------------------------------------


def _networks(network: Network | None) -> list[Network]:
    return [network] if network is not None else list(Network.objects.order_by("pk"))


def preview(*, network: Network, at: datetime.datetime) -> PurgeCounts:
    """What a purge would do to ``network`` at ``at`` (nothing is written): its page.
    The journal count is this network's own entries among those the purge removes."""
    policy = PrivacySettings.for_network(network)
    counts = PurgeCounts()
    for step in (
        delete_cancelled,
        anonymise_contacts,
        purge_free_text,
        delete_contact_proofs,
        notify_inactive_staff,
        deactivate_inactive_staff,
    ):
        counts += step(network=network, at=at, dry_run=True, policy=policy)
    counts += notify_expiring_habilitations(network=network, at=at, dry_run=True)
    counts.journal_entries = expired_journal_entries(at=at, network=network).count()
    return counts


def purge_expired(
    *,
    at: datetime.datetime | None = None,
    network: Network | None = None,
    dry_run: bool = False,
) -> PurgeCounts:
    """Tell, anonymise, delete and deactivate what has expired at ``at`` (now by
    default), in every network or in ``network`` only, and journal it once (PURGE).

    The journal is one chain for the whole instance: it is purged only when every
    network is. A dry run writes nothing at all: no row, no e-mail, no journal entry."""
    at = at or timezone.now()
    networks = _networks(network)
    settings_of = policies(networks)
    counts = PurgeCounts()
    for each in networks:
        policy = settings_of[each.pk]
        counts += notify_inactive_staff(network=each, at=at, dry_run=dry_run, policy=policy)
        counts += notify_expiring_habilitations(network=each, at=at, dry_run=dry_run)
    with transaction.atomic():
        for each in networks:
            policy = settings_of[each.pk]
            for step in (
                delete_cancelled,
                anonymise_contacts,
                purge_free_text,
                delete_contact_proofs,
                deactivate_inactive_staff,
            ):
                counts += step(network=each, at=at, dry_run=dry_run, policy=policy)
        if network is None:
            counts += purge_journal(at=at, dry_run=dry_run)
        if not dry_run:
            journal.record(
                action=JournalAction.PURGE,
                network=network,
                details={
                    **counts.as_dict(),
                    "at": at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    "networks": len(networks),
                    "journal_purged": network is None,
                },
            )
    if not dry_run:
        logger.info("purge: %s", counts.summary())
    return counts
