"""What every router of the API reads and answers the same way: bad input (400 with field
errors), the agenda's refusals (409 with a code), dates, the network and the public site
named in a query."""

from __future__ import annotations

import datetime
import functools

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.responses import Status

from aiguillage.agenda.services.errors import (
    AgendaError,
    AlreadyBooked,
    BookingPast,
    ClosedToThisChannel,
    WorkshopFull,
)
from aiguillage.core.models import Network, Site

YEARS = (2000, 2100)  # dates outside are typing errors (and would overflow in time zones)


class BadInput(Exception):
    """Field errors of a request, answered as a 400."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def conflict_code(exc: AgendaError) -> str:
    for kind, code in (
        (BookingPast, "past"),
        (WorkshopFull, "workshop_full"),
        (AlreadyBooked, "already_booked"),
        (ClosedToThisChannel, "closed_to_online"),
    ):
        if isinstance(exc, kind):
            return code
    return "unavailable"


def answers(view):
    """Bad input is a 400 with field errors; a refusal of the agenda's services a 409."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadInput as exc:
            return Status(400, {"errors": exc.errors})
        except AgendaError as exc:
            return Status(409, {"code": conflict_code(exc), "detail": str(exc)})

    return wrapper


def read_moment(value: str, *, field: str, end: bool, errors: dict) -> datetime.datetime | None:
    """An ISO 8601 date or date-time; naive ones are in Europe/Paris. A date alone is
    the start of that day, or for an end, the start of the next day (the day is in)."""
    text = value.strip()
    if not text:
        return None
    if len(text) > 16 and text[-6] == " ":  # an unescaped '+' of the offset read as a space
        text = f"{text[:-6]}+{text[-5:]}"
    try:
        if len(text) == 10:
            day = datetime.date.fromisoformat(text) + datetime.timedelta(days=1 if end else 0)
            moment = datetime.datetime.combine(day, datetime.time())
        else:
            moment = datetime.datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        errors[field] = [
            _("Une date ISO 8601 est attendue, par exemple 2026-12-01 ou 2026-12-01T14:00+01:00.")
        ]
        return None
    if not YEARS[0] <= moment.year <= YEARS[1]:
        errors[field] = [
            _("Une date entre %(first)s et %(last)s est attendue.")
            % {"first": YEARS[0], "last": YEARS[1]}
        ]
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def network_by_slug(slug: str) -> Network | None:
    if not slug:
        return None
    network = Network.objects.active().filter(slug=slug).first()
    if network is None:
        raise HttpError(404, _("Aucun réseau n'a l'identifiant « %(slug)s ».") % {"slug": slug})
    return network


def public_site(slug: str, network: Network | None) -> Site | None:
    """The public site of that slug (within ``network`` when given)."""
    if not slug:
        return None
    sites = Site.objects.public().filter(slug=slug).select_related("network")
    if network is not None:
        sites = sites.filter(network=network)
    found = list(sites[:2])
    if not found:
        raise HttpError(
            404, _("Aucun site public n'a l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    if len(found) > 1:
        raise BadInput(
            {
                "network": [
                    _(
                        "Plusieurs réseaux ont un site « %(slug)s » : précisez le réseau "
                        "(paramètre network)."
                    )
                    % {"slug": slug}
                ]
            }
        )
    return found[0]
