"""The agenda: who is present where and when, what can be booked, and who booked it."""

from aiguillage.agenda.models.appointments import Appointment, AppointmentStatus, CancelledBy
from aiguillage.agenda.models.closures import Closure
from aiguillage.agenda.models.contact import Channel
from aiguillage.agenda.models.permanences import (
    BookableBy,
    Occurrence,
    OccurrenceStatus,
    Permanence,
    PermanenceKind,
    Slot,
)
from aiguillage.agenda.models.workshops import (
    Attendance,
    Level,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopSession,
    WorkshopStatus,
)

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "Attendance",
    "BookableBy",
    "CancelledBy",
    "Channel",
    "Closure",
    "Level",
    "Occurrence",
    "OccurrenceStatus",
    "Permanence",
    "PermanenceKind",
    "Registration",
    "RegistrationStatus",
    "Slot",
    "Workshop",
    "WorkshopSession",
    "WorkshopStatus",
]
