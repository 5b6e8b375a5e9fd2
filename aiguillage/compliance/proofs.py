"""Proving that one owns a contact, before seeing or erasing everything held under it.

A manage link is a key to its own booking, nothing more: whoever books a slot with
someone else's e-mail receives that booking's link (on the confirmation page, in the
API's answer), so the link proves nothing about the e-mail or the phone it names.
The way to everything a network holds under a contact is a one-time link sent *to*
that contact (``ContactProof``):

1. from a booking's "Mes données", the person asks for it (``request_proof``): it goes
   to the booking's e-mail, or by text message to its mobile phone when it has no
   e-mail; the page that asked shows nothing of the other bookings;
2. the link must be opened within ``PROOF_VALID`` (``open_proof``), once: opening it
   is a button (a mail scanner following links must not use it up), and it opens the
   pages of that contact for ``ACCESS_VALID`` (``proven``), through a signed grant in
   their path;
3. erasing through those pages ends the access, and every other proof of the contact.

Each step is journaled (sent, opened; then the access and the erasure as any rights
request), with ids and counts, never the contact. Sending is throttled per contact,
so that nobody can flood someone's mailbox from a booking made in their name. People
with neither an e-mail nor a mobile phone ask the library: a coordinator's rights
request (``aiguillage.compliance.rights``, ``Origin.STAFF_PAGE``) is their door.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aiguillage.agenda.contact import message_channel
from aiguillage.agenda.links import absolute
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.agenda.sms import fit, send_sms
from aiguillage.compliance.models import ContactProof, ProofChannel
from aiguillage.core.models import Network
from aiguillage.core.queue import enqueue_with_the_transaction
from aiguillage.privacy import journal
from aiguillage.privacy.models import JournalAction

PROOF_VALID = datetime.timedelta(minutes=30)
ACCESS_VALID = datetime.timedelta(minutes=30)
# One link at a time for a contact, and a few a day at most: enough for a person who
# lost the message, too few to flood a mailbox.
RESEND_AFTER = datetime.timedelta(minutes=5)
PER_DAY = 5
GRANT_SALT = "aiguillage.compliance.proofs.grant"


class ProofRefused(Exception):
    """Why no link can be sent (said to the person as it is: French, plain)."""


@dataclass(frozen=True)
class Destination:
    """Where a proof for a booking would go: the channel and a masked address to show."""

    channel: str
    shown: str


def _masked_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _masked_phone(phone: str) -> str:
    return f"•• •• •• •• {phone[-2:]}"


def destination(booking: Appointment | Registration) -> Destination | None:
    """Where the proof goes for this booking's contact (the contact key's own channel:
    the e-mail when there is one, else the phone if it can receive a text), or None."""
    if booking.purged_at is not None or not booking.contact_key:
        return None
    channel = message_channel(email=booking.email, phone=booking.phone)
    if channel == "email":
        return Destination(ProofChannel.EMAIL, _masked_email(booking.email))
    if channel == "sms":
        return Destination(ProofChannel.SMS, _masked_phone(booking.phone))
    return None


@transaction.atomic
def request_proof(
    *, booking: Appointment | Registration, now: datetime.datetime
) -> tuple[ContactProof, bool]:
    """Send a one-time link to the contact of ``booking``; returns the proof and whether
    a message was sent now (False: a link sent moments ago is still to be opened).
    Raises ProofRefused when the booking has no way to be reached, or too many links
    went to this contact today."""
    where = destination(booking)
    if where is None:
        raise ProofRefused(
            _(
                "Nous ne pouvons pas vous envoyer de lien : cette réservation n'a ni e-mail ni "
                "téléphone portable. Demandez à la bibliothèque, qui vérifiera qui vous êtes."
            )
        )
    network, key = booking.network, booking.contact_key
    recent = ContactProof.objects.of_contact(network, key)
    pending = recent.unopened(now).filter(created_at__gt=now - RESEND_AFTER).first()
    if pending is not None:
        return pending, False
    if recent.filter(created_at__gt=now - datetime.timedelta(days=1)).count() >= PER_DAY:
        raise ProofRefused(
            _(
                "Nous avons déjà envoyé plusieurs liens aujourd'hui à ce contact. Réessayez "
                "demain, ou demandez à la bibliothèque."
            )
        )
    proof = ContactProof.objects.create(
        network=network,
        contact_key=key,
        code=secrets.token_urlsafe(12),
        channel=where.channel,
        created_at=now,
        expires_at=now + PROOF_VALID,
    )
    journal.record(
        action=JournalAction.CONTACT_PROOF_SENT,
        network=network,
        obj=booking,
        details={"channel": where.channel, "proof": proof.pk},
        at=now,
    )
    _send_with_the_transaction(proof)
    return proof, True


def _send_with_the_transaction(proof: ContactProof) -> None:
    from aiguillage.compliance.tasks import send_contact_proof  # the task imports the messages

    enqueue_with_the_transaction(send_contact_proof, pk=proof.pk)


def proof_to_open(code: str, *, now: datetime.datetime) -> ContactProof | None:
    """The proof a link's code names, while it may still be opened; else None."""
    if not code or len(code) > 32:
        return None
    return ContactProof.objects.unopened(now).select_related("network").filter(code=code).first()


@transaction.atomic
def open_proof(*, code: str, now: datetime.datetime) -> str | None:
    """Use the link up: returns the grant that opens the contact's pages, or None when
    the link is unknown, expired or already used (whoever clicked first keeps it)."""
    proof = (
        ContactProof.objects.select_for_update()
        .unopened(now)
        .select_related("network")
        .filter(code=code)
        .first()
    )
    if proof is None:
        return None
    proof.used_at = now
    proof.access_until = now + ACCESS_VALID
    proof.save(update_fields=["used_at", "access_until"])
    journal.record(
        action=JournalAction.CONTACT_PROOF_USED,
        network=proof.network,
        details={"channel": proof.channel, "proof": proof.pk},
        at=now,
    )
    return grant_of(proof)


def grant_of(proof: ContactProof) -> str:
    return signing.dumps({"p": proof.pk}, salt=GRANT_SALT)


def proven(*, network: Network, grant: str, now: datetime.datetime) -> ContactProof | None:
    """The opened proof a grant stands for, while its pages are open; else None (a bad
    or another network's grant, an access over, an erasure done)."""
    try:
        data = signing.loads(grant, salt=GRANT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return ContactProof.objects.of_network(network).granting(now).filter(pk=data["p"]).first()


def close_all(*, network: Network, contact_key: str, now: datetime.datetime) -> int:
    """End every proof of a contact (after its erasure: nothing is left to show)."""
    return (
        ContactProof.objects.of_contact(network, contact_key)
        .filter(closed_at=None)
        .update(closed_at=now)
    )


def delete_over(*, network: Network, at: datetime.datetime, dry_run: bool = False) -> int:
    """The purge's step: proofs that can no longer be used hold a contact for nothing."""
    over = ContactProof.objects.of_network(network).over(at)
    return over.count() if dry_run else over.delete()[0]


# --- The message ------------------------------------------------------------------


def proof_url(proof: ContactProof) -> str:
    return absolute(reverse("proof:open", args=[proof.code]))


def _sms(proof: ContactProof, url: str) -> str:
    """One GSM-7 segment: the network's name shortened to what the segment leaves."""
    return fit(
        lambda values: render_to_string("compliance/sms/contact_proof.txt", {**values, "url": url}),
        {"sender": proof.network.name},
    )


def compose(proof: ContactProof) -> tuple[str, str, str]:
    """Subject, e-mail body and text message of a proof's link, in French (the worker
    sends them outside any request, as the agenda's messages)."""
    url = proof_url(proof)
    with translation.override("fr"):
        subject = _("Vos données : votre lien à usage unique")
        body = render_to_string(
            "compliance/email/contact_proof.txt", {"network": proof.network, "url": url}
        )
        return subject, body, _sms(proof, url)


def deliver(pk: int) -> str:
    now = timezone.now()
    proof = ContactProof.objects.unopened(now).select_related("network").filter(pk=pk).first()
    if proof is None:
        return "skipped"
    subject, body, sms = compose(proof)
    try:
        if proof.channel == ProofChannel.EMAIL:
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[proof.contact_key],
            ).send()
        else:
            send_sms(to=proof.contact_key, body=sms)
    except Exception as exc:  # the error names the recipient: keep its class only
        raise ProofNotSent(f"proof {pk}: {type(exc).__name__}") from None
    return str(proof.channel)


class ProofNotSent(Exception):
    """A sending failed; only the error's class is kept (see agenda.tasks)."""
