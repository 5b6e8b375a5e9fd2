"""What a visitor gives to book: the minimum, checked, and the link to manage it.

No account: the confirmation carries a signed link holding the booking's id and a
random key stored on the booking. Regenerating the key revokes every earlier link;
the link holds no personal data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from aiguillage.core import phones
from aiguillage.privacy.validators import refusal_errors

MANAGE_SALT = "aiguillage.agenda.manage"
# France and its overseas departments and collectivities: the reminders go to these.


@dataclass(frozen=True, kw_only=True)
class Visitor:
    """A visitor's contact as typed; ``checked_visitor`` normalises it."""

    first_name: str
    email: str = ""
    phone: str = ""
    consent_reminders: bool = False
    accessibility_needs: str = ""
    language: str = ""


def french_phone(raw: str) -> str:
    """A French number (métropole or outre-mer) in E.164, or a ValidationError: reminders
    are sent through French operators only."""
    number = phones.valid(raw)
    if number is None or not phones.is_french(number):
        raise ValidationError(
            _("Ce numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78)."),
            code="phone",
        )
    return phones.e164(number)


def can_receive_texts(e164: str) -> bool:
    """A mobile number: a landline is a number to call back, never a text's target."""
    return phones.is_mobile(phones.parse(e164))


def message_channel(*, email: str, phone: str) -> str:
    """How a message reaches this contact: "email" when there is one, else "sms" to a
    mobile, else "" (a first name only, or a landline to call back)."""
    if email:
        return "email"
    if phone and can_receive_texts(phone):
        return "sms"
    return ""


def checked_visitor(visitor: Visitor, *, contact_required: bool = True) -> Visitor:
    """The visitor's contact normalised, or a ValidationError per field (dict).

    Its free texts go through the sensitive-data guard here, so the API and every
    service that books refuse a NIR or an e-mail in a first name as the forms do.
    ``contact_required``: online, a booking needs a way to reach the person (its
    confirmation is a message); at the desk a first name is enough, the printed slip
    being the confirmation."""
    errors: dict[str, str | list[ValidationError]] = {}
    first_name = " ".join(visitor.first_name.split())
    if not first_name:
        errors["first_name"] = _("Un prénom ou un pseudonyme suffit, mais il en faut un.")
    elif len(first_name) > 60:
        errors["first_name"] = _("60 caractères au plus.")
    email = visitor.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Cette adresse e-mail n'est pas valide.")
    phone = visitor.phone.strip()
    if phone:
        try:
            phone = french_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if (
        contact_required
        and not email
        and not phone
        and "email" not in errors
        and "phone" not in errors
    ):
        errors["email"] = _(
            "Donnez un e-mail ou un numéro de téléphone : c'est par là que vous recevrez "
            "la confirmation."
        )
    for name in ("first_name", "accessibility_needs", "language"):
        if name not in errors and (refused := refusal_errors(getattr(visitor, name))):
            errors[name] = refused
    if errors:
        raise ValidationError(errors)
    return Visitor(
        first_name=first_name,
        email=email,
        phone=phone,
        consent_reminders=visitor.consent_reminders,
        accessibility_needs=visitor.accessibility_needs.strip()[:200],
        language=visitor.language.strip()[:40],
    )


def contact_key(visitor: Visitor) -> str:
    """The same person whatever the case of their e-mail or the spacing of their phone
    ("" for a first name only, at the desk: nobody to find again, nothing to match)."""
    return visitor.email.lower() if visitor.email else visitor.phone


def new_manage_key() -> str:
    return secrets.token_urlsafe(32)


def contact_fields(visitor: Visitor) -> dict[str, object]:
    """The contact columns of a new appointment or registration (``VisitorContact``),
    with a fresh manage key."""
    return {
        "first_name": visitor.first_name,
        "email": visitor.email,
        "phone": visitor.phone,
        "contact_key": contact_key(visitor),
        "consent_reminders": visitor.consent_reminders,
        "accessibility_needs": visitor.accessibility_needs,
        "language": visitor.language,
        "manage_key": new_manage_key(),
    }


def manage_token(kind: str, pk: int, key: str) -> str:
    return signing.dumps({"t": kind, "id": pk, "k": key}, salt=MANAGE_SALT, compress=True)


def read_manage_token(token: str, kind: str) -> tuple[int, str] | None:
    """The booking id and key of a manage link, or None when it was not ours."""
    try:
        data = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != kind:
        return None
    pk, key = data.get("id"), data.get("k")
    if not isinstance(pk, int) or not isinstance(key, str):
        return None
    return pk, key
