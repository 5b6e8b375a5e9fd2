"""The partner's private link: the bookings of their permanence for the coming week
(aiguillage.agenda.partner_day). Private like a manage page: never cached, never
indexed, never sent on as a referrer; every opening journaled."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aiguillage.agenda.partner_day import (
    DAYS_SHOWN,
    bookings_between,
    opened,
    permanence_for_token,
)
from aiguillage.agenda.staff_selectors import day_bounds
from aiguillage.public.decorators import private_page, public_view


@require_GET
@public_view
def partner_day(request, network, token: str) -> HttpResponse:
    permanence = permanence_for_token(token, network_id=network.pk)
    if permanence is None:
        raise Http404("No such link.")
    _start, end = day_bounds(timezone.localdate(), DAYS_SHOWN)
    lines = bookings_between(permanence, timezone.now(), end)
    opened(permanence, lines)
    days: dict[datetime.date, list] = {}
    for line in lines:
        days.setdefault(timezone.localtime(line.starts_at).date(), []).append(line)
    context = {"network": network, "permanence": permanence, "days": days, "shown": DAYS_SHOWN}
    return private_page(render(request, "public/partner_day.html", context))
