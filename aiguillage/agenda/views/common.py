"""What the staff agenda pages share: who may edit, the chosen site, the chosen day."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from aiguillage.agenda import notify, staff_selectors
from aiguillage.agenda.models import Channel
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.errors import AgendaError
from aiguillage.agenda.services.workshops import register
from aiguillage.core.models import Network, Site
from aiguillage.core.permissions import Action, request_can
from aiguillage.privacy import staff_acts

SITE_SESSION_KEY = "agenda_site"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def may_edit(request) -> bool:
    """Whether the caller creates and edits permanences and workshops (the buttons)."""
    return request_can(request, Action.AGENDA_EDIT)


def or_404(getter: Callable[..., Any], **kwargs) -> Any:
    """A network-scoped getter's row, or 404 when it is missing or another network's."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("No such row in this network.") from None


def chosen_site(request, network: Network) -> tuple[Site | None, list[Site]]:
    """The site asked for (``?site=<slug>``), else the last one chosen in this network
    (remembered in the session), else the first; None when the network has no site."""
    sites = staff_selectors.agenda_sites(network)
    by_slug = {site.slug: site for site in sites}
    remembered = request.session.get(SITE_SESSION_KEY, {})
    if not isinstance(remembered, dict):
        remembered = {}
    slug = request.GET.get("site") or remembered.get(network.slug)
    site = by_slug.get(slug) or (sites[0] if sites else None)
    if site is not None and remembered.get(network.slug) != site.slug:
        request.session[SITE_SESSION_KEY] = {**remembered, network.slug: site.slug}
    return site, sites


def chosen_day(request) -> datetime.date:
    """``?date=YYYY-MM-DD``, or today (in the network's time zone) when absent or wrong."""
    raw = request.GET.get("date", "")
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return timezone.localdate()
    return day


def day_url(network: Network, moment: datetime.datetime, site: Site) -> str:
    """The day view of ``site`` on the (local) day of ``moment``."""
    query = urlencode({"date": f"{timezone.localtime(moment):%Y-%m-%d}", "site": site.slug})
    return f"{reverse('agenda:day', args=[network.slug])}?{query}"


def posted_again(request, *, confirm_field: str) -> list[tuple[str, str]]:
    """An edit as typed, to post it again once the editor has confirmed what it does to
    the people booked (or to go back to the form with it)."""
    skip = {"csrfmiddlewaretoken", confirm_field, "back"}
    return [
        (name, value)
        for name in request.POST
        if name not in skip
        for value in request.POST.getlist(name)
    ]


def book_at_desk(*, slot, form, user):
    """Book ``slot`` for the visitor of a valid desk form and tell them; a refusal goes
    onto the form (None is returned). The agenda's and the orientation desk's pages."""

    return _at_desk(
        form,
        lambda: book_slot(
            slot=slot,
            visitor=form.visitor,
            need=form.cleaned_data.get("need"),
            channel=Channel.DESK,
            now=timezone.now(),
            by=user,
        ),
        notify.appointment_booked,
        lambda made: staff_acts.booking_made(appointment=made, actor=user),
    )


def register_at_desk(*, workshop, form, user):
    """Register the visitor of a valid desk form to ``workshop`` (or the waiting list)
    and tell them; a refusal goes onto the form (None is returned)."""

    return _at_desk(
        form,
        lambda: register(
            workshop=workshop,
            visitor=form.visitor,
            channel=Channel.DESK,
            now=timezone.now(),
            by=user,
        ),
        notify.registration_made,
        lambda made: staff_acts.registration_made(registration=made, actor=user),
    )


def _at_desk(
    form,
    write: Callable[[], Any],
    tell: Callable[[Any], None],
    journal: Callable[[Any], Any],
) -> Any:
    """The act and its journal entry in one transaction: both are written, or neither."""
    try:
        with transaction.atomic():
            made = write()
            journal(made)
    except AgendaError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    else:
        tell(made)
        return made
    return None
