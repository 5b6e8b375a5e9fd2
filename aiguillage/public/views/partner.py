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
    day_bounds,
    opened,
    permanence_for_token,
)
from aiguillage.public.decorators import private_page, public_view


@require_GET
@public_view
def partner_day(request, network, token: str) -> HttpResponse:
    permanence = permanence_for_token(token, network_id=network.pk)
    if permanence is None:
        raise Http404("No such link.")
    today = timezone.localdate()
    start, _end = day_bounds(today, timezone.get_current_timezone())
    end = start + datetime.timedelta(days=DAYS_SHOWN)
    lines = bookings_between(permanence, max(start, timezone.now()), end)
    opened(permanence, lines)
    days: dict[datetime.date, list] = {}
    for line in lines:
        days.setdefault(timezone.localtime(line.starts_at).date(), []).append(line)
    context = {"network": network, "permanence": permanence, "days": days, "shown": DAYS_SHOWN}
    return private_page(render(request, "public/partner_day.html", context))
