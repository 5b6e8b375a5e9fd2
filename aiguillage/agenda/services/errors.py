"""Why a booking or an edit was refused, in words the desk can read out."""

from __future__ import annotations


class AgendaError(Exception):
    """A refusal with a French message meant for the person at the desk or online."""


class SlotUnavailable(AgendaError):
    pass


class WorkshopFull(AgendaError):
    """The workshop and its waiting list are full (the API answers 409)."""


class AlreadyBooked(AgendaError):
    """The same contact already holds this slot or this workshop."""


class Overlap(AgendaError):
    """The same person would be at two places at once."""


class ClosedToThisChannel(AgendaError):
    """Online booking on a desk-only slot or workshop, or past the cut-off."""


class BookingPast(AgendaError):
    """The time of the booking has come: it can no longer be cancelled (the API
    answers 409 "past")."""


class OutsideOpeningHours(AgendaError):
    """A date held when the site is closed to the public, closed exceptionally, or on a
    public holiday, without the coordinator saying so."""
