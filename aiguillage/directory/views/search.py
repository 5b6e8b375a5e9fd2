"""Directory search: the nearest places for a need, from a site or a commune."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.core.opening import describe_opening_hours
from aiguillage.core.selectors import working_site
from aiguillage.directory.forms import DirectorySearchForm
from aiguillage.directory.selectors import find_communes, nearest_structures
from aiguillage.directory.vocabularies import RECEPTION_MODE_LABELS

DEFAULT_RADIUS_KM = 20
RESULTS_SHOWN = 30


@network_view(action=Action.DIRECTORY_VIEW)
def directory_search(request, network) -> HttpResponse:
    here = working_site(request, network)  # the desk's site: searched from without asking
    form = DirectorySearchForm(
        request.GET or None, network=network, initial={"site": here.pk} if here else None
    )
    context = {"network": network, "form": form, "results": None, "origin": None}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["site"] is None and not data["commune"] and here is not None:
            data["site"] = here
        origin, point, communes = None, None, []
        if data["site"] is not None and data["site"].latitude is not None:
            origin = data["site"].name
            point = (data["site"].latitude, data["site"].longitude)
        elif data["commune"]:
            communes = find_communes(data["commune"])
            if communes:
                origin = f"{communes[0].name} ({communes[0].postcode or communes[0].insee_code})"
                point = (communes[0].latitude, communes[0].longitude)
            else:
                form.add_error(
                    "commune",
                    _("Aucune commune ne correspond à « %(q)s ».") % {"q": data["commune"]},
                )
        elif not form.errors:
            form.add_error(None, _("Choisissez un site ou saisissez une commune."))
        if point is not None:
            now = timezone.localtime()
            found = nearest_structures(
                latitude=point[0],
                longitude=point[1],
                radius_km=data["radius_km"] or DEFAULT_RADIUS_KM,
                now=now,
                need=data["need"],
                open_now=data["open_now"],
                limit=RESULTS_SHOWN,
            )
            context["results"] = [
                {
                    "found": result,
                    "opening": describe_opening_hours(result.structure.opening_hours, now),
                    "modes": [
                        RECEPTION_MODE_LABELS.get(m, m) for m in result.structure.reception_modes
                    ],
                }
                for result in found
            ]
            context["origin"] = origin
            context["other_communes"] = communes[1:6]
    return render(request, "directory/search.html", context)
