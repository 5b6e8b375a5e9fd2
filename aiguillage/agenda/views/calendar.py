"""The agenda of a site: the day (who is there, every slot, the workshops), the week,
and the month as a calendar. Every active member of the network reads them."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.agenda import staff_selectors
from aiguillage.agenda.views.common import chosen_day, chosen_site, may_edit

ONE_DAY = datetime.timedelta(days=1)


def _context(request, network, day: datetime.date) -> dict:
    site, sites = chosen_site(request, network)
    return {
        "network": network,
        "site": site,
        "sites": sites,
        "day": day,
        "today": timezone.localdate(),
        "may_edit": may_edit(request),
    }


def _no_site(request, context: dict, view: str) -> HttpResponse:
    return render(request, "agenda/staff/no_site.html", {**context, "current": view})


@network_view(action=Action.AGENDA_VIEW)
def day(request, network) -> HttpResponse:
    context = _context(request, network, chosen_day(request))
    if context["site"] is None:
        return _no_site(request, context, "day")
    now = timezone.now()
    agenda = staff_selectors.day_agenda(
        network=network, site=context["site"], day=context["day"], now=now
    )
    context |= {
        "agenda": agenda,
        "now": now,
        "previous": context["day"] - ONE_DAY,
        "next": context["day"] + ONE_DAY,
    }
    return render(request, "agenda/staff/day.html", context)


@network_view(action=Action.AGENDA_VIEW)
def week(request, network) -> HttpResponse:
    chosen = chosen_day(request)
    monday = chosen - datetime.timedelta(days=chosen.weekday())
    context = _context(request, network, chosen)
    if context["site"] is None:
        return _no_site(request, context, "week")
    context |= {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "days": staff_selectors.week_agenda(network=network, site=context["site"], monday=monday),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "agenda/staff/week.html", context)


@network_view(action=Action.AGENDA_VIEW)
def month(request, network) -> HttpResponse:
    chosen = chosen_day(request)
    first = chosen.replace(day=1)
    context = _context(request, network, chosen)
    if context["site"] is None:
        return _no_site(request, context, "month")
    context |= {
        "first": first,
        "weeks": staff_selectors.month_agenda(
            network=network, site=context["site"], year=first.year, month=first.month
        ),
        "previous": (first - ONE_DAY).replace(day=1),
        "next": (first + datetime.timedelta(days=31)).replace(day=1),
    }
    return render(request, "agenda/staff/month.html", context)
