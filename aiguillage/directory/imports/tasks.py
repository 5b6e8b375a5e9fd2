"""The web import as a background task (django-tasks; run by ``manage.py db_worker``).

A national file takes a minute or more: the coordinator's request only queues the
dry run (then the import), and the import page shows how it goes. The uploaded file
waits in ``VAR_DIR/imports`` (the worker must see the same directory: same machine, or
a shared volume). Arguments are the upload's token, the options and primary keys,
never the file; the result is the report (counts, bad lines and warnings of a public
directory: no personal data), or why the file cannot be read.

The file is removed once it is of no more use: after the import, after a dry run that
cannot read it, and after any failure; a dry run that could read it keeps it for the
confirmation.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tasks import task

from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile

UPLOAD_SUFFIX = ".upload"
SHOWN = 200  # bad lines and warnings kept in the result: what the page shows


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(token: str) -> Path:
    return uploads_dir() / f"{token}{UPLOAD_SUFFIX}"


@task()
def run_directory_import(
    *,
    token: str,
    file_format: str,
    source: str,
    dry_run: bool,
    actor_id: int | None = None,
    actor_role: str = "",
    network_id: int | None = None,
) -> dict:
    """Import (or dry-run) the upload ``token``; the report as a dict, or
    ``{"unreadable": reason}`` when the file cannot be imported."""
    from django.contrib.auth import get_user_model

    from aiguillage.core.models import Network

    path = upload_path(token)
    try:
        report = import_directory(
            path,
            file_format=file_format,
            source=source,
            dry_run=dry_run,
            actor=get_user_model().objects.filter(pk=actor_id).first() if actor_id else None,
            actor_role=actor_role,
            network=Network.objects.filter(pk=network_id).first() if network_id else None,
        )
    except UnreadableFile as exc:
        path.unlink(missing_ok=True)
        return {"unreadable": str(exc)}
    except BaseException:
        path.unlink(missing_ok=True)  # a failure keeps no copy of the file
        raise
    if not dry_run:
        path.unlink(missing_ok=True)
    return report.as_dict(limit=SHOWN)
