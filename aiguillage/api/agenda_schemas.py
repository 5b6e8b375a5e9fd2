"""Request and response shapes of the agenda API, documented in the OpenAPI document.

The request bodies are read by the agenda router itself (see ``aiguillage.api.agenda``)
so that every bad input comes back as a 400 with French messages per field, in the
same shape as the contact checks of the booking services.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class SlotOut(Schema):
    id: int
    network: str = Field(description="Slug of the network.")
    site: str = Field(description="Slug of the site, unique within its network.")
    title: str = Field(description="Title of the permanence.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    seats_left: int


class SlotListOut(Schema):
    results: list[SlotOut]


class WorkshopOut(Schema):
    id: int
    title: str
    network: str = Field(description="Slug of the network.")
    site: str = Field(description="Slug of the site, unique within its network.")
    starts_at: datetime.datetime = Field(description="Start of the first session.")
    capacity: int
    seats_left: int
    waitlist_capacity: int
    waitlist_left: int


class WorkshopListOut(Schema):
    results: list[WorkshopOut]


class _ContactIn(Schema):
    """The visitor's contact: a first name or pseudonym and an e-mail or a French phone."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = Field("", description="A first name or a pseudonym.")
    email: str | None = Field("", max_length=254, description="E-mail, or give a phone.")
    phone: str | None = Field("", max_length=30, description="French phone number.")
    consent_reminders: bool = Field(False, description="The visitor accepts a reminder.")
    accessibility_needs: str | None = Field("", max_length=200)
    language: str | None = Field("", max_length=40)


class AppointmentIn(_ContactIn):
    slot: int = Field(description="Id of a free slot (see GET /slots).")
    need: str | None = Field(None, description="Slug of the need (démarche), optional.")


class RegistrationIn(_ContactIn):
    pass


class BookedOut(Schema):
    status: Literal["booked"]
    manage_url: str = Field(description="The visitor's page to see or cancel the booking.")
    manage_token: str = Field(description="DELETE /api/v1/bookings/{manage_token} cancels.")


class RegisteredOut(Schema):
    status: Literal["confirmed", "waitlisted"]
    manage_url: str = Field(description="The visitor's page to see or cancel the registration.")
    manage_token: str = Field(description="DELETE /api/v1/bookings/{manage_token} cancels.")


class FieldErrorsOut(Schema):
    errors: dict[str, list[str]] = Field(
        description="Messages (in the request's language, French by default) per field; "
        "'__all__' for the request as a whole."
    )


class ConflictOut(Schema):
    code: Literal["unavailable", "workshop_full", "already_booked", "closed_to_online", "past"]
    detail: str = Field(description="Why, in words a visitor can read.")


class DetailOut(Schema):
    detail: str
