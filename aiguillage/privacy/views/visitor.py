""" "Mes données": what a visitor sees and erases through their manage link (no account).

The link is the proof: it was sent to the booking's contact key (its e-mail, else its
phone), so its holder controls that contact. The page shows every booking and
registration of this network made with the same key, and everything each holds,
unmasked (it is a copy of their own data, which is what the right of access gives);
the manage page itself keeps masking the e-mail and phone. Erasing asks for a
confirmation, cancels what is still to come, anonymises every row found and kills
every link sent: the visitor lands on the network's privacy notice, told it is done.

The token stays in the path, as on the manage page; every answer is private (never
cached, never indexed, no referrer), and the pages have no language form, which
would post the path (with its token) back to the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aiguillage.agenda import notify
from aiguillage.agenda.links import manage_path
from aiguillage.privacy import rights
from aiguillage.privacy.models import PrivacySettings
from aiguillage.privacy.rights import NothingHeld, Origin
from aiguillage.privacy.views.rights import export_response
from aiguillage.public.decorators import private_page, public_view
from aiguillage.public.ratelimit import limit_posts

# The manage page's own resolution of a link (bad, tampered, renewed, purged, another
# network's: 404 that says nothing more).
from aiguillage.public.views.manage import booking_or_404


def _context(network, booking, token: str, found) -> dict:
    return {
        "network": network,
        "token": token,
        "booking": booking,
        "manage_url": manage_path(booking),
        "found": found,
        "kept": PrivacySettings.for_network(network),
        "to_cancel": rights.to_cancel(found, now=timezone.now()),
    }


@public_view
@require_GET
def my_data(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    found = rights.access(
        network=network,
        contact_key=booking.contact_key,
        origin=Origin.VISITOR_LINK,
        kind="page",
        booking=booking,
    )
    context = _context(network, booking, token, found)
    return private_page(render(request, "privacy/my_data.html", context))


@public_view
@require_GET
def my_data_export(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    found = rights.access(
        network=network,
        contact_key=booking.contact_key,
        origin=Origin.VISITOR_LINK,
        kind="export",
        booking=booking,
    )
    response = export_response(rights.as_json(found), network=network)
    return private_page(response)


@public_view
@require_http_methods(["GET", "POST"])
@limit_posts
def my_data_erase(request, network, token: str) -> HttpResponse:
    booking = booking_or_404(network, token)
    if request.method == "POST":
        try:
            erased = rights.erase(
                network=network,
                contact_key=booking.contact_key,
                origin=Origin.VISITOR_LINK,
                booking=booking,
            )
        except NothingHeld:  # erased meanwhile (another tab): the link is dead already
            raise Http404("No such booking.") from None
        notify.registration_promoted(erased.promoted)
        messages.success(
            request,
            _(
                "C'est fait : nous avons effacé vos données. Vos réservations à venir sont "
                "annulées et vos liens ne marchent plus. Nous ne vous enverrons plus de message."
            ),
        )
        return private_page(redirect(reverse("privacy_public:notice", args=[network.slug])))
    found = rights.holdings(network=network, contact_key=booking.contact_key)
    context = _context(network, booking, token, found)
    response = render(request, "privacy/my_data_erase.html", context)
    return private_page(response, has_forms=True)
