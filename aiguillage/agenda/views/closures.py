"""Exceptional closures, for coordinators: declare one, see what it touches first,
then confirm; the people concerned are told, the public pages say the site is closed.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aiguillage.accounts import staff_acts
from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.agenda.forms import ClosureForm
from aiguillage.agenda.place_calendar import current_and_next_closures
from aiguillage.agenda.services.closures import closure_impact, declare_closure

CONFIRM = "confirmer"


@network_view(action=Action.AGENDA_EDIT)
def closures(request, network) -> HttpResponse:
    """GET: the closures to come and the form. POST: the preview of what the closure
    cancels; POST with ``confirmer``: the closure declared."""
    now = timezone.now()
    today = timezone.localdate(now)
    form = ClosureForm(request.POST or None, network=network, today=today)
    impact = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = {
            "network": network,
            "site": data["site"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }
        if request.POST.get(CONFIRM):
            with transaction.atomic():
                declared = declare_closure(
                    **scope, reason=data["reason"], actor=request.user, now=now
                )
                staff_acts.bookings_cancelled(
                    appointments=declared.impact.appointments,
                    actor=request.user,
                    via="closure",
                    closure=declared.closure.pk,
                )
                staff_acts.registrations_cancelled(
                    registrations=declared.impact.registrations_cancelled,
                    actor=request.user,
                    via="closure",
                )
            people = declared.impact.people
            messages.success(
                request,
                ngettext(
                    "Fermeture enregistrée. %(n)s personne concernée est prévenue.",
                    "Fermeture enregistrée. %(n)s personnes concernées sont prévenues.",
                    people,
                )
                % {"n": people}
                if people
                else _("Fermeture enregistrée. Personne n'avait réservé pendant cette période."),
            )
            return redirect("agenda:closures", network.slug)
        impact = closure_impact(**scope, now=now)
    context = {
        "network": network,
        "form": form,
        "impact": impact,
        "closures": current_and_next_closures(network, today),
        "confirm": CONFIRM,
    }
    return render(request, "agenda/staff/closures.html", context)
