"""The retention settings page: how long the network keeps each kind of data.

Coordinators only (``Action.PRIVACY_RETENTION`` in the permission table; another
network is 404, another role 403). The page shows, for each category, the current
duration, the default and the bounds, and what the next purge would do today
(``retention.preview``, a dry run that writes nothing); the form changes the durations
within the bounds and who answers for the data. A refusal renders the page again with
what was typed and the reason next to the field (status 400); a success redirects with
a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.compliance import retention
from aiguillage.compliance.forms import RetentionForm
from aiguillage.compliance.models import PrivacySettings
from aiguillage.compliance.models.settings import RETENTION_BOUNDS
from aiguillage.compliance.services import DURATION_FIELDS, set_privacy_settings
from aiguillage.core.models import Network


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    current: int
    default: int
    minimum: int
    maximum: int
    today: str


def _bookings(appointments: int, registrations: int) -> str:
    return _("%(appointments)s et %(registrations)s") % {
        "appointments": ngettext("%(n)s rendez-vous", "%(n)s rendez-vous", appointments)
        % {"n": appointments},
        "registrations": ngettext("%(n)s inscription", "%(n)s inscriptions", registrations)
        % {"n": registrations},
    }


def what_today(counts: retention.PurgeCounts) -> dict[str, str]:
    """What the next purge would do, in words, per category."""
    cancelled = _("%(bookings)s effacés") % {
        "bookings": _bookings(counts.appointments_deleted, counts.registrations_deleted)
    }
    if counts.cancelled_registrations_anonymised:
        cancelled += " " + ngettext(
            "(et %(n)s inscription anonymisée : la personne était venue à une séance)",
            "(et %(n)s inscriptions anonymisées : les personnes étaient venues à une séance)",
            counts.cancelled_registrations_anonymised,
        ) % {"n": counts.cancelled_registrations_anonymised}
    return {
        "contact_days": _("%(bookings)s anonymisés")
        % {"bookings": _bookings(counts.appointments_anonymised, counts.registrations_anonymised)},
        "cancelled_days": cancelled,
        "free_text_days": _("Rien : les interactions ne gardent aucun texte libre."),
        "journal_days": ngettext(
            "%(n)s entrée du journal de votre réseau",
            "%(n)s entrées du journal de votre réseau",
            counts.journal_entries,
        )
        % {"n": counts.journal_entries},
        "inactive_staff_days": _("%(deactivated)s, %(told)s")
        % {
            "deactivated": ngettext(
                "%(n)s accès désactivé", "%(n)s accès désactivés", counts.staff_deactivated
            )
            % {"n": counts.staff_deactivated},
            "told": ngettext(
                "%(n)s personne prévenue", "%(n)s personnes prévenues", counts.staff_told
            )
            % {"n": counts.staff_told},
        },
    }


def retention_rows(policy: PrivacySettings, counts: retention.PurgeCounts) -> list[Row]:
    today = what_today(counts)
    return [
        Row(
            name=name,
            label=capfirst(PrivacySettings._meta.get_field(name).verbose_name),
            current=getattr(policy, name),
            default=RETENTION_BOUNDS[name].default,
            minimum=RETENTION_BOUNDS[name].minimum,
            maximum=RETENTION_BOUNDS[name].maximum,
            today=today[name],
        )
        for name in DURATION_FIELDS
    ]


def _page_url(network: Network) -> str:
    return reverse("compliance:retention", kwargs={"network_slug": network.slug})


@require_http_methods(["GET", "POST"])
@network_view(action=Action.PRIVACY_RETENTION)
def retention_settings(request, network: Network) -> HttpResponse:
    policy = PrivacySettings.for_network(network)
    status = 200
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                set_privacy_settings(network=network, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Les durées de conservation sont enregistrées."))
                return redirect(_page_url(network))
        status = 400
    else:
        form = RetentionForm.of(policy)
    counts = retention.preview(network=network, at=timezone.now())
    context = {
        "network": network,
        "form": form,
        "rows": retention_rows(policy, counts),
        "habilitations_told": counts.habilitations_told,
        "notice_days": retention.HABILITATION_NOTICE_DAYS,
        "journal_days": retention.journal_retention_days(),
    }
    return render(request, "compliance/retention.html", context, status=status)
