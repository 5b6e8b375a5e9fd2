"""The audit journal page of a network's coordinators: read, filter, export, verify.

A coordinator sees the entries of their own network only (``of_network``); the chain
is checked over the whole journal, since a removed entry of any network breaks it, but
the page never says anything about another network's entries: only whether the chain
holds, and the number of the entry where it breaks.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.models import Role
from aiguillage.accounts.permissions import Action
from aiguillage.compliance.journal_forms import JournalFilterForm
from aiguillage.core.spreadsheet import safe_cell
from aiguillage.privacy import journal
from aiguillage.privacy.journal_selectors import journal_end, network_entries
from aiguillage.privacy.models.journal import JournalAction, JournalEntry

PER_PAGE = 50
# A check walks the whole journal: one every minute is plenty, however often asked.
CHECK_CACHE_KEY = "privacy:journal:last_check"
CHECK_CACHE_SECONDS = 60
CSV_COLUMNS = (
    "seq", "created_at", "action", "actor_id", "actor_label", "actor_role",
    "object_type", "object_id", "details", "prev_hash", "hash",
)  # fmt: skip


def _object_label(object_type: str) -> str:
    """A journaled object's kind in words ("rendez-vous"), from its model label."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _plain(value) -> str:
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(value)


def _details_text(details: dict) -> str:
    """``key : value`` pairs in key order (PostgreSQL's jsonb keeps no insertion order);
    empty values (no site, no theme, no limit) are left out."""
    parts = []
    for key, value in sorted(details.items()):
        if value in ("", None, []):
            continue
        shown = ", ".join(_plain(v) for v in value) if isinstance(value, list) else _plain(value)
        parts.append(f"{key} : {shown}")
    return " ; ".join(parts)


class _Row:
    """One entry as the page shows it."""

    def __init__(self, entry: JournalEntry) -> None:
        self.entry = entry
        self.action = JournalAction(entry.action).label
        self.role = _role_label(entry.actor_role)
        self.object = _object_label(entry.object_type)
        self.details = _details_text(entry.details)


def _query_without_page(request) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page"])


@never_cache
@network_view(action=Action.PRIVACY_JOURNAL)
def journal_page(request, network) -> HttpResponse:
    form = JournalFilterForm(request.GET)
    form.is_valid()
    entries = network_entries(network, **form.filters())
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    context = {
        "network": network,
        "form": form,
        "page": page,
        "rows": [_Row(entry) for entry in page.object_list],
        "query": query,
        "total": JournalEntry.objects.of_network(network).count(),
    }
    return render(request, "compliance/journal.html", context)


@require_POST
@network_view(action=Action.PRIVACY_JOURNAL)
def journal_verify(request, network) -> HttpResponse:
    """Check the whole chain now (or reuse a check of the last minute) and say so."""
    found = cache.get(CHECK_CACHE_KEY)
    if found is None:
        check = journal.verify()
        found = {"intact": check.intact, "seq": check.first_broken_seq}
        cache.set(CHECK_CACHE_KEY, found, CHECK_CACHE_SECONDS)
    if found["intact"]:
        messages.success(
            request,
            _(
                "La chaîne du journal est intacte : aucune entrée n'a été modifiée, retirée "
                "ni ajoutée en dehors de l'application."
            ),
        )
    else:
        messages.error(
            request,
            _(
                "La chaîne du journal est rompue à l'entrée n° %(seq)s : une entrée a été "
                "modifiée, retirée ou ajoutée en dehors de l'application. Prévenez "
                "l'exploitant·e de l'instance (commande verify_journal)."
            )
            % {"seq": found["seq"]},
        )
    return redirect("compliance:journal", network.slug)


class _Echo:
    """A file-like object whose write returns the line (csv.writer into a stream)."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(entries) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                entry.seq,
                entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
                entry.action,
                entry.actor_id if entry.actor_id is not None else "",
                safe_cell(entry.actor_label),
                entry.actor_role,
                entry.object_type,
                safe_cell(entry.object_id),
                safe_cell(json.dumps(entry.details, sort_keys=True, ensure_ascii=False)),
                entry.prev_hash,
                entry.hash,
            ]
        )


@network_view(action=Action.PRIVACY_JOURNAL)
def journal_export(request, network) -> HttpResponse:
    """The filtered entries as CSV, oldest first, up to the journal's end when asked.

    The export is itself journaled (it holds staff members' login addresses): the entry
    is written first, then the rows up to the entry before it, so its count is exact."""
    form = JournalFilterForm(request.GET)
    form.is_valid()
    filters = form.filters()
    end = journal_end()
    entries = network_entries(network, **filters).filter(seq__lte=end).order_by("seq")
    journal.record(
        action=JournalAction.CONTACT_EXPORTED,
        network=network,
        actor=request.user,
        actor_role=request.membership.role if request.membership else "",
        details={
            "export": "journal",
            "count": entries.count(),
            "up_to": end,
            "action": filters["action"],
            "since": filters["since"].isoformat() if filters["since"] else "",
            "until": filters["until"].isoformat() if filters["until"] else "",
        },
    )
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="journal-{network.slug}-{day}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
