"""Absolute links sent to visitors: the manage-my-booking page of a booking.

Built on ``settings.SITE_URL`` because reminders are sent by the worker, outside any
request. The link holds a signed id and key, never personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

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
