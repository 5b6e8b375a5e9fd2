"""My calendar: the private link a staff member subscribes to in their own calendar."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.agenda.feeds import renew_feed_link, staff_feed_token
from aiguillage.agenda.links import absolute


@network_view(action=Action.AGENDA_VIEW)
@require_http_methods(["GET", "POST"])
def my_feed(request, network) -> HttpResponse:
    """The link is shown only to its owner, on a page that is not cached; renewing it
    (a lost phone, a link shared by mistake) makes the old one stop working."""
    membership = request.membership
    if membership is None:
        raise Http404("No membership in this network.")
    if request.method == "POST":
        renew_feed_link(membership)
        messages.success(request, _("Nouveau lien créé : l'ancien ne fonctionne plus."))
        return redirect("agenda:my_feed", network_slug=network.slug)
    path = reverse(
        "public:staff_feed",
        kwargs={"network_slug": network.slug, "token": staff_feed_token(membership)},
    )
    response = render(
        request,
        "agenda/staff/my_feed.html",
        {"network": network, "feed_url": absolute(path), "current": "my_feed"},
    )
    response["Cache-Control"] = "no-store"
    return response
