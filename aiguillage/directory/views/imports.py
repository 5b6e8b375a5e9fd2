"""The web import for coordinators: upload, see the dry run's report, then confirm.

The uploaded file waits in ``VAR_DIR/imports`` under a random name that only the
uploader's session knows; confirming imports that very file, so what was previewed
is what is written. Structures are public data: the file holds no personal data.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aiguillage.core.decorators import network_view
from aiguillage.core.permissions import Action
from aiguillage.directory.forms import ImportUploadForm
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile

PENDING_KEY = "directory_import_pending"
ERRORS_SHOWN = 200


def _pending_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending_path(token: str) -> Path:
    return _pending_dir() / f"{token}.upload"


def _discard_pending(request) -> None:
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        _pending_path(pending["token"]).unlink(missing_ok=True)


@network_view(action=Action.IMPORTS_RUN)
def import_page(request, network) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"network": network, "form": form, "report": None}
    if request.method == "POST" and form.is_valid():
        _discard_pending(request)
        token = secrets.token_urlsafe(24)
        path = _pending_path(token)
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        options = {
            "file_format": form.cleaned_data["file_format"],
            "source": form.cleaned_data["source"],
        }
        try:
            report = import_directory(path, dry_run=True, **options)
        except UnreadableFile as exc:
            path.unlink(missing_ok=True)
            form.add_error(
                "file", _("Ce fichier ne peut pas être importé : %(reason)s") % {"reason": exc}
            )
        else:
            request.session[PENDING_KEY] = {
                "token": token,
                "name": form.cleaned_data["file"].name[:200],
                **options,
            }
            context.update(
                report=report,
                errors=report.errors[:ERRORS_SHOWN],
                file_name=form.cleaned_data["file"].name,
            )
    return render(request, "directory/import.html", context)


@require_POST
@network_view(action=Action.IMPORTS_RUN)
def import_confirm(request, network) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    path = _pending_path(pending["token"]) if pending else None
    if not pending or request.POST.get("token") != pending["token"] or not path.exists():
        messages.error(request, _("Cet aperçu a expiré : déposez le fichier à nouveau."))
        return redirect("directory:import", network.slug)
    try:
        report = import_directory(
            path,
            file_format=pending["file_format"],
            source=pending["source"],
            actor=request.user,
            actor_role=request.membership.role if request.membership else "",
            network=network,
        )
    except UnreadableFile as exc:
        messages.error(request, _("Import impossible : %(reason)s") % {"reason": exc})
        return redirect("directory:import", network.slug)
    finally:
        _discard_pending(request)
    messages.success(request, _("Import terminé. %(summary)s") % {"summary": report.summary_line()})
    return redirect("directory:import", network.slug)


@require_POST
@network_view(action=Action.IMPORTS_RUN)
def import_cancel(request, network) -> HttpResponse:
    _discard_pending(request)
    messages.info(request, _("Import annulé : rien n'a été écrit."))
    return redirect("directory:import", network.slug)
