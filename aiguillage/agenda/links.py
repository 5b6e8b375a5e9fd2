"""Absolute links sent to visitors: the manage-my-booking page of a booking.

Built on ``settings.SITE_URL`` because reminders are sent by the worker, outside any
request. The link holds a signed id and key, never personal data.

A text message has room for a short link only (one GSM-7 segment, 160 characters):
``/g/a123.<12 characters of the manage key>``, which leads to the same page. The 12
characters are 72 random bits; the key is drawn anew when a booking is moved or
erased, so the short link dies with the long one.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from aiguillage.agenda.contact import manage_token
from aiguillage.agenda.models import Appointment, Registration

APPOINTMENT = "appointment"
REGISTRATION = "registration"


def manage_path(booking: Appointment | Registration) -> str:
    """The site-relative manage page of an appointment or a registration."""
    kind = APPOINTMENT if isinstance(booking, Appointment) else REGISTRATION
    token = manage_token(kind, booking.pk, booking.manage_key)
    return reverse(
        "public:manage",
        kwargs={"network_slug": booking.network.slug, "token": token},
    )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def manage_url(booking: Appointment | Registration) -> str:
    return absolute(manage_path(booking))


SHORT_KEY = 12
_SHORT = re.compile(rf"^([ar])([1-9][0-9]{{0,17}})\.([A-Za-z0-9_-]{{{SHORT_KEY}}})$")


def short_code(booking: Appointment | Registration) -> str:
    kind = "a" if isinstance(booking, Appointment) else "r"
    return f"{kind}{booking.pk}.{booking.manage_key[:SHORT_KEY]}"


def short_manage_url(booking: Appointment | Registration) -> str:
    """The manage page's short link, for a text message."""
    return absolute(reverse("short_manage", args=[short_code(booking)]))


def booking_of_short_code(code: str) -> Appointment | Registration | None:
    """The booking a short link names (not purged, key matching), or None."""
    found = _SHORT.match(code)
    if found is None:
        return None
    kind, pk, key = found.groups()
    model = Appointment if kind == "a" else Registration
    booking = model.objects.select_related("network").filter(pk=int(pk), purged_at=None).first()
    if booking is None or not booking.network.is_active:
        return None
    if not constant_time_compare(booking.manage_key[:SHORT_KEY], key):
        return None
    return booking
