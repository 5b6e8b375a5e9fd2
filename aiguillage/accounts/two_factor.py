"""Two-factor authentication (TOTP, with recovery codes): who must use it, and its writes.

The rule lives here and only here: a member of any network whose role may see the
visitors' contact data (or who coordinates a network) must confirm a code from an
authenticator application after their password, before any staff page. The setting
``AIGUILLAGE_REQUIRE_2FA`` (true unless explicitly turned off: the demo and the tests
do) switches the requirement; an account that has enrolled a device is always asked
for its code, whatever the setting, or the device would protect nothing.

Devices are django-otp's: one ``TOTPDevice`` (the phone application) and one
``StaticDevice`` holding the recovery codes, each usable once. django-otp throttles
wrong codes per device (a growing delay after each failure). Every step is journaled.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiguillage.accounts.audit import record_account_event
from aiguillage.accounts.models import Membership, Role, User
from aiguillage.accounts.permissions import Action, roles_for
from aiguillage.privacy.models.journal import JournalAction

# The roles that must use two-factor authentication: those allowed to view visitors'
# contact data (e-mail, phone of bookings and registrations) in the permission table,
# plus the coordinators, who change who may do what. Derived, so that giving a role
# the contact data gives it the second factor too.
TWO_FACTOR_ROLES: frozenset[str] = roles_for(Action.CONTACT_VIEW) | {Role.COORDINATOR}

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6  # django-otp's default, what every authenticator application shows
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def requires_two_factor(user: User) -> bool:
    """Whether ``user`` must confirm a code after the password (see the module's rule)."""
    if not user.is_authenticated:
        return False
    return is_enrolled(user) or required_by_role(user)


def required_by_role(user: User) -> bool:
    """Whether the account's role in one of its networks requires a second factor."""
    if not settings.AIGUILLAGE_REQUIRE_2FA or not user.is_authenticated:
        return False
    return Membership.objects.active().filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


def is_enrolled(user: User) -> bool:
    """Whether the user has a confirmed authenticator (recovery codes alone are not one)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


@dataclass(frozen=True)
class Verification:
    """The outcome of a code typed in: accepted or not, and what the page should say."""

    ok: bool
    used_recovery_code: bool = False
    recovery_codes_left: int = 0
    wait_seconds: int = 0  # wrong codes before: django-otp's throttle, still running
    recovery_codes: tuple[str, ...] = ()  # new codes, after a confirmed enrolment


# --- Enrolment -------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret as a QR code and as text."""

    device: TOTPDevice
    secret: str  # base32, grouped by four for typing
    qr_svg: str  # inline SVG, generated here from our own data


@transaction.atomic
def pending_enrolment(*, user: User) -> Enrolment:
    """The user's unconfirmed authenticator, created on first visit and kept until it
    is confirmed, so that reloading the page does not change the secret."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(device=device, secret=grouped, qr_svg=_qr_svg(device.config_url))


def _qr_svg(url: str) -> str:
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        lineclass=None,
        svgclass="otp-qr",
        title=_("QR code à scanner avec l'application d'authentification"),
    )
    # An image named by its <title> (segno escapes it): what screen readers expect.
    return svg.replace("<svg ", '<svg role="img" ', 1)


@transaction.atomic
def confirm_enrolment(*, request, device: TOTPDevice, token: str) -> Verification:
    """Confirm the pending authenticator with its first code. On success the session
    is verified and the result carries fresh recovery codes (to be shown once)."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    refused = _check(device, normalize_token(token), user=user, step="enrolment")
    if refused is not None:
        return refused
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    record_account_event(
        action=JournalAction.OTP_DEVICE_ADDED, user=user, details={"device": "totp"}
    )
    codes = create_recovery_codes(user=user)
    _verified(request, device)
    return Verification(ok=True, recovery_codes=tuple(codes))


# --- Recovery codes --------------------------------------------------------------


@transaction.atomic
def create_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes by ``RECOVERY_CODE_COUNT`` new ones."""
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_account_event(
        action=JournalAction.RECOVERY_CODES_CREATED, user=user, details={"count": len(codes)}
    )
    return codes


# --- Verification ----------------------------------------------------------------


def normalize_token(token: str) -> str:
    """Codes are read aloud and typed by hand: spaces and dashes do not count, nor case."""
    return "".join(ch for ch in token if ch not in " -\t").lower()


@transaction.atomic
def verify(*, request, token: str) -> Verification:
    """Check a code typed after the password: six digits from the authenticator, or
    one of the recovery codes (then spent). On success the session is verified."""
    user = request.user
    code = normalize_token(token)
    # Authenticator codes are six digits; recovery codes are eight letters and digits.
    model = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
    refused = _check(device, code, user=user, step="verification")
    if refused is not None:
        return refused
    _verified(request, device)
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        record_account_event(
            action=JournalAction.RECOVERY_CODE_USED, user=user, details={"codes_left": left}
        )
        return Verification(ok=True, used_recovery_code=True, recovery_codes_left=left)
    record_account_event(action=JournalAction.OTP_VERIFIED, user=user, details={"device": "totp"})
    return Verification(ok=True)


def _check(device, code: str, *, user: User, step: str) -> Verification | None:
    """None if ``device`` accepts ``code``; else the refusal, journaled (without the
    code). A device still waiting out its throttle is not even asked."""
    if device is None:
        record_account_event(action=JournalAction.OTP_FAILED, user=user, details={"step": step})
        return Verification(ok=False)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        until = (why or {}).get("locked_until")
        wait = math.ceil((until - timezone.now()).total_seconds()) if until else 1
        record_account_event(
            action=JournalAction.OTP_FAILED, user=user, details={"step": step, "throttled": True}
        )
        return Verification(ok=False, wait_seconds=max(wait, 1))
    if not device.verify_token(code):
        record_account_event(action=JournalAction.OTP_FAILED, user=user, details={"step": step})
        return Verification(ok=False)
    return None


def _verified(request, device) -> None:
    """Mark the session as verified by ``device``, under a new session key (the
    verified session is a new privilege level, like a login)."""
    request.session.cycle_key()
    otp_login(request, device)


# --- Removal ---------------------------------------------------------------------


@transaction.atomic
def remove_two_factor(*, user: User, actor: User | None = None, via: str = "page") -> int:
    """Remove the user's authenticator and recovery codes (lost phone, new phone).

    ``by``: the coordinator who does it for a colleague (None for the user themselves
    on their page, or an operator's command); ``via``: "page" or "command". The user's
    sessions lose their verified state at once (their device no longer exists); if
    their role requires it, they enrol again at their next staff page. Returns the
    number of devices removed (nothing is journaled when there were none)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()  # a StaticDevice takes its recovery codes with it
    if removed == 0:
        return 0
    record_account_event(
        action=JournalAction.OTP_DEVICE_REMOVED,
        user=user,
        actor=actor if actor is not None else (user if via == "page" else None),
        details={
            "devices": removed,
            "by_other": actor is not None and actor.pk != user.pk,
            "via": via,
        },
    )
    return removed


def forget_verification(request) -> None:
    """Drop the session's verified state (after the user removed their own device)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def has_any_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)
