"""Calendar feeds (RFC 5545) to subscribe to: a public site, a partner's permanence,
and a staff member's own agenda behind a private link. No visitor's data in any."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from aiguillage.agenda import ical
from aiguillage.agenda.feeds import feed_window, membership_for_feed_token
from aiguillage.public.decorators import public_view
from aiguillage.public.selectors import get_public_partner_permanence, get_public_site


def _calendar(content: bytes, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    if private:
        response["Cache-Control"] = "no-store, max-age=0, private"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
    else:
        response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
@public_view
def site_feed(request, network, site_slug: str) -> HttpResponse:
    site = get_public_site(network, site_slug)
    start, end = feed_window()
    return _calendar(ical.site_feed(site=site, start=start, end=end))


@require_GET
@public_view
def permanence_feed(request, network, permanence_id: int) -> HttpResponse:
    permanence = get_public_partner_permanence(network, permanence_id)
    start, end = feed_window()
    return _calendar(ical.permanence_feed(permanence=permanence, start=start, end=end))


@require_GET
@public_view
def staff_feed(request, network, token: str) -> HttpResponse:
    membership = membership_for_feed_token(token)
    if membership is None or membership.network_id != network.pk:
        raise Http404("No such feed.")
    start, end = feed_window()
    return _calendar(ical.staff_feed(membership=membership, start=start, end=end), private=True)
