"""The partner's day: the list of a partner permanence's bookings, sent to the partner
the day before and readable at any time through a private link.

The partner agent has no account. The list holds what they need to receive people and
nothing more: the time, the first name (or pseudonym) and the démarche; never an
e-mail, a phone or an accessibility note (the library calls the person if needed).
Each list sent and each opening of the link is journaled like any access to contact
data.

The link carries its own proof, as a staff calendar feed does: a token signed with
``SECRET_KEY`` (salted for this use only) naming the permanence, with a fingerprint of
its partner (structure and agent's name). Changing the partner, or deactivating the
permanence, stops every link sent before.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aiguillage.agenda.models import (
    Appointment,
    AppointmentStatus,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
)
from aiguillage.agenda.staff_selectors import day_bounds
from aiguillage.core.french import weekday_day_month
from aiguillage.directory.models import PartnerContact, PartnershipStatus
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction

SALT = "aiguillage.agenda.partner_day"
DAYS_SHOWN = 7  # the link shows the bookings of the coming week


@dataclass(frozen=True)
class DayLine:
    starts_at: datetime.datetime
    first_name: str
    need: str


def _fingerprint(permanence: Permanence) -> str:
    value = f"{permanence.pk}:{permanence.structure_id}:{permanence.partner_agent.strip().lower()}"
    return salted_hmac(SALT, value).hexdigest()[:16]


def partner_day_token(permanence: Permanence) -> str:
    return signing.dumps({"p": permanence.pk, "f": _fingerprint(permanence)}, salt=SALT)


def partner_day_url(permanence: Permanence) -> str:
    path = reverse(
        "public:partner_day",
        kwargs={"network_slug": permanence.network.slug, "token": partner_day_token(permanence)},
    )
    return f"{settings.SITE_URL}{path}"


def permanence_for_token(token: str, *, network_id: int) -> Permanence | None:
    """The active partner permanence a token was made for, or None (bad, revoked,
    another network's, or no longer active)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    permanence = (
        Permanence.objects.active()
        .filter(pk=data["p"], network_id=network_id, kind=PermanenceKind.PARTNER)
        .select_related("network", "site", "structure")
        .first()
    )
    if permanence is None or not constant_time_compare(
        str(data.get("f", "")), _fingerprint(permanence)
    ):
        return None
    return permanence


def bookings_between(
    permanence: Permanence, start: datetime.datetime, end: datetime.datetime
) -> list[DayLine]:
    """The booked appointments of the permanence in [start, end), in order: time, first
    name, démarche only."""
    rows = (
        Appointment.objects.filter(
            slot__permanence=permanence,
            slot__occurrence__status=OccurrenceStatus.SCHEDULED,
            status=AppointmentStatus.BOOKED,
            purged_at__isnull=True,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .select_related("slot", "need")
        .order_by("slot__starts_at", "pk")
    )
    return [
        DayLine(row.slot.starts_at, row.first_name, row.need.name if row.need_id else "")
        for row in rows
    ]


def recipients(permanence: Permanence) -> list[str]:
    """The partner's e-mail addresses: the contact named as the agent when there is
    one with an address, else every contact of the active partnership with one."""
    contacts = list(
        PartnerContact.objects.filter(
            partnership__network_id=permanence.network_id,
            partnership__structure_id=permanence.structure_id,
            partnership__status=PartnershipStatus.ACTIVE,
        )
        .exclude(email="")
        .order_by("pk")
    )
    agent = permanence.partner_agent.strip().lower()
    named = [c for c in contacts if agent and c.name.strip().lower() == agent]
    return sorted({c.email for c in (named or contacts)})


def opened(permanence: Permanence, lines: list[DayLine]) -> None:
    """The partner opened the link: journaled as a view of contact data (by nobody
    logged in), with the number of people shown."""
    journal.record(
        action=JournalAction.CONTACT_VIEWED,
        network=permanence.network,
        obj=permanence,
        details={"via": "partner_day_link", "count": len(lines)},
    )


def send_day_lists(*, day: datetime.date) -> int:
    """Send each active partner permanence with bookings on ``day`` its list, to the
    partner's e-mail addresses; returns how many lists were sent. Run the day before
    (``send_partner_day_lists``, from cron)."""
    sent = 0
    permanences = (
        Permanence.objects.active()
        .filter(kind=PermanenceKind.PARTNER, structure__isnull=False)
        .select_related("network", "site", "structure")
        .order_by("pk")
    )
    for permanence in permanences:
        zone = permanence.network.zone
        lines = bookings_between(permanence, *day_bounds(day, zone=zone))
        to = recipients(permanence)
        if not lines or not to:
            continue
        with translation.override("fr"), timezone.override(zone):
            subject = _("%(title)s : vos rendez-vous du %(day)s") % {
                "title": " ".join(permanence.title.split()),
                "day": weekday_day_month(day),
            }
            body = render_to_string(
                "agenda/email/partner_day.txt",
                {
                    "permanence": permanence,
                    "day": day,
                    "lines": lines,
                    "url": partner_day_url(permanence),
                },
            )
        EmailMessage(subject=subject, body=body, to=to).send()
        journal.record(
            action=JournalAction.PARTNER_DAY_LIST_SENT,
            network=permanence.network,
            obj=permanence,
            details={"day": day.isoformat(), "count": len(lines), "recipients": len(to)},
        )
        sent += 1
    return sent
