"""The web import for coordinators: upload, see the dry run's report, then confirm.

The uploaded file waits in ``VAR_DIR/imports`` under a random name that only the
uploader's session knows; confirming imports that very file, so what was previewed
is what is written. Structures are public data: the file holds no personal data.

The dry run and the import are background tasks (``imports.tasks``): with the
database backend the page says the work is under way and asks the browser (htmx) to
look again every few seconds (answered 204, nothing to change, while it runs); when
it ends the page reloads and shows the preview, or says the import is done. Without
JavaScript, reloading the page does the same. With the immediate backend
(development, tests) the work is done within the request.

The file is removed once used (confirmed, cancelled, refused, failed, or replaced by
a new upload); one left behind (a preview never confirmed nor cancelled) is removed
by the next upload of anyone once it is older than ``ABANDONED_AFTER``.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from aiguillage.accounts.decorators import network_view
from aiguillage.accounts.permissions import Action
from aiguillage.directory.forms import ImportUploadForm
from aiguillage.directory.imports.report import ImportReport
from aiguillage.directory.imports.tasks import (
    SHOWN,
    UPLOAD_SUFFIX,
    run_directory_import,
    upload_path,
    uploads_dir,
)

PENDING_KEY = "directory_import_pending"
ERRORS_SHOWN = SHOWN
ABANDONED_AFTER = datetime.timedelta(days=1)
POLL_SECONDS = 3
PREVIEW, IMPORT = "preview", "import"


def _discard_pending(request) -> None:
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        upload_path(pending["token"]).unlink(missing_ok=True)


def sweep_abandoned_uploads(*, older_than: datetime.timedelta = ABANDONED_AFTER) -> int:
    """Remove the uploads nobody confirmed nor cancelled; returns how many.

    A file's age is its modification time against the filesystem's own clock, read
    from a stamp touched now: the same clock wrote both, whatever the application's
    clock says (a frozen test clock, a server whose disk is elsewhere).
    """
    folder = uploads_dir()
    stamp = folder / f".now-{secrets.token_hex(8)}"
    stamp.touch()
    try:
        limit = stamp.stat().st_mtime - older_than.total_seconds()
    finally:
        stamp.unlink(missing_ok=True)
    removed = 0
    for path in folder.glob(f"*{UPLOAD_SUFFIX}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by its own request
            continue
    return removed


def _enqueue(pending: dict, **extra) -> None:
    """Queue the dry run (or the import) of ``pending``; a backend that runs it at
    once (immediate) leaves its outcome in ``pending`` right away."""
    result = run_directory_import.enqueue(
        token=pending["token"],
        file_format=pending["file_format"],
        source=pending["source"],
        dry_run=pending["stage"] == PREVIEW,
        **extra,
    )
    pending["job"] = result.id
    pending["outcome"] = _outcome(result)


def _outcome(result) -> dict | None:
    """What a finished task says, ``{"failed": True}`` if it failed; None while it runs."""
    if result.status == TaskResultStatus.SUCCESSFUL:
        return result.return_value
    if result.status == TaskResultStatus.FAILED:
        return {"failed": True}
    return None


def _refresh(pending: dict) -> dict | None:
    """The outcome of the pending task, asked of the backend while it is unknown."""
    if pending.get("outcome") is None:
        try:
            pending["outcome"] = _outcome(run_directory_import.get_result(pending["job"]))
        except TaskResultDoesNotExist:  # purged from the task table
            pending["outcome"] = {"failed": True}
    return pending["outcome"]


def _unreadable(reason: str) -> str:
    return _("Ce fichier ne peut pas être importé : %(reason)s") % {"reason": reason}


def _show_preview(context: dict, pending: dict, report: ImportReport) -> None:
    context.update(
        report=report,
        errors=report.errors[:ERRORS_SHOWN],
        warnings=report.warnings[:ERRORS_SHOWN],
        file_name=pending["name"],
        token=pending["token"],
    )


@network_view(action=Action.IMPORTS_RUN)
def import_page(request, network) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {
        "network": network,
        "form": form,
        "report": None,
        "errors": [],
        "warnings": [],
        "running": "",
        "file_name": "",
        "token": "",
        "poll_seconds": POLL_SECONDS,
    }
    if request.method == "POST" and form.is_valid():
        _discard_pending(request)
        sweep_abandoned_uploads()
        token = secrets.token_urlsafe(24)
        path = upload_path(token)
        try:
            with path.open("wb") as out:
                for chunk in form.cleaned_data["file"].chunks():
                    out.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)  # a failure keeps no copy of the file
            raise
        pending = {
            "token": token,
            "name": form.cleaned_data["file"].name[:200],
            "file_format": form.cleaned_data["file_format"],
            "source": form.cleaned_data["source"],
            "stage": PREVIEW,
        }
        _enqueue(pending)
        outcome = pending["outcome"]
        if outcome is not None and ("unreadable" in outcome or "failed" in outcome):
            path.unlink(missing_ok=True)
            reason = outcome.get("unreadable") or _("l'aperçu a échoué, réessayez plus tard")
            form.add_error("file", _unreadable(reason))
            return render(request, "directory/import.html", context)
        request.session[PENDING_KEY] = pending
        if outcome is None:
            context["running"] = PREVIEW
        else:
            _show_preview(context, pending, ImportReport.from_dict(outcome))
        return render(request, "directory/import.html", context)
    pending = request.session.get(PENDING_KEY)
    if request.method == "GET" and pending and pending.get("job"):
        outcome = _refresh(pending)
        request.session.modified = True
        if outcome is None:
            if request.htmx:  # nothing new: no swap, no announcement, ask again later
                return HttpResponse(status=204)
            context["running"] = pending["stage"]
            return render(request, "directory/import.html", context)
        if request.htmx:  # it ended: the whole page says how
            return HttpResponse(headers={"HX-Refresh": "true"})
        if pending["stage"] == IMPORT or "unreadable" in outcome or "failed" in outcome:
            _tell_the_end(request, pending, outcome)
            _discard_pending(request)
        else:
            _show_preview(context, pending, ImportReport.from_dict(outcome))
    return render(request, "directory/import.html", context)


def _tell_the_end(request, pending: dict, outcome: dict) -> None:
    if "unreadable" in outcome:
        messages.error(request, _unreadable(outcome["unreadable"]))
    elif "failed" in outcome:
        messages.error(
            request,
            _("L'import a échoué : rien n'a été écrit. Déposez le fichier à nouveau.")
            if pending["stage"] == IMPORT
            else _unreadable(_("l'aperçu a échoué, réessayez plus tard")),
        )
    else:
        summary = ImportReport.from_dict(outcome).summary_line()
        messages.success(request, _("Import terminé. %(summary)s") % {"summary": summary})


@require_POST
@network_view(action=Action.IMPORTS_RUN)
def import_confirm(request, network) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    ready = (
        pending is not None
        and pending["stage"] == PREVIEW
        and request.POST.get("token") == pending["token"]
        and upload_path(pending["token"]).exists()
        and _refresh(pending) is not None
    )
    if not ready:
        messages.error(request, _("Cet aperçu a expiré : déposez le fichier à nouveau."))
        return redirect("directory:import", network.slug)
    pending.update(stage=IMPORT, job=None, outcome=None)
    try:
        _enqueue(
            pending,
            actor_id=request.user.pk,
            actor_role=request.membership.role if request.membership else "",
            network_id=network.pk,
        )
    except BaseException:
        _discard_pending(request)
        raise
    request.session[PENDING_KEY] = pending
    if pending["outcome"] is not None:  # done within the request
        _tell_the_end(request, pending, pending["outcome"])
        _discard_pending(request)
    return redirect("directory:import", network.slug)


@require_POST
@network_view(action=Action.IMPORTS_RUN)
def import_cancel(request, network) -> HttpResponse:
    _discard_pending(request)
    messages.info(request, _("Import annulé : rien n'a été écrit."))
    return redirect("directory:import", network.slug)
