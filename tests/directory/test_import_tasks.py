"""The web import as a background task, with the database backend as in production:
the request queues the work, the page says it is under way (and htmx asks again), the
worker (``db_worker --batch``) does it, the page then shows the preview or the end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from aiguillage.directory.imports.report import ImportReport, RowError, RowWarning
from aiguillage.directory.models import Structure
from aiguillage.privacy.models.journal import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.directory.test_import_directory import LIEUX_COLUMNS, lieu, table

ROWS = table(
    LIEUX_COLUMNS,
    lieu("l1", "Médiathèque de Lodève", telephone="04 67"),
    lieu("l2", "Tiers-lieu du Lodévois", latitude=43.74),
)


@pytest.fixture
def database_backend(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def coordinator(client, database_backend):
    membership = MembershipFactory(coordinator=True)
    client.force_login(membership.user)
    client.membership = membership
    return client


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def uploads(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "imports").glob("*.upload"))


def page_url(client) -> str:
    return reverse("directory:import", args=[client.membership.network.slug])


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_preview_then_import_in_the_background(coordinator, tmp_path):
    page = page_url(coordinator)
    upload = SimpleUploadedFile("lieux.csv", ROWS.encode())
    queued = coordinator.post(page, {"file": upload, "file_format": "auto", "source": ""})
    text = queued.content.decode()
    assert "Aperçu en préparation" in text and 'hx-trigger="every 3s"' in text
    assert "Confirmer l'import" not in text
    assert len(uploads(tmp_path)) == 1

    poll = coordinator.get(page, headers={"HX-Request": "true"})
    assert poll.status_code == 204 and "HX-Refresh" not in poll  # nothing new yet

    work()
    ended = coordinator.get(page, headers={"HX-Request": "true"})
    assert ended.headers["HX-Refresh"] == "true"
    preview = coordinator.get(page).content.decode()
    assert "Aperçu de l" in preview and "Confirmer l" in preview
    assert "Numéro de téléphone non reconnu" in preview  # the warning, in French
    assert not Structure.objects.exists()
    assert len(uploads(tmp_path)) == 1  # kept for the confirmation

    token = re.search(r'name="token" value="([^"]+)"', preview).group(1)
    confirm = reverse("directory:import_confirm", args=[coordinator.membership.network.slug])
    running = coordinator.post(confirm, {"token": token}, follow=True).content.decode()
    assert "Import en cours" in running
    assert not Structure.objects.exists()

    work()
    done = coordinator.get(page).content.decode()
    assert "Import terminé." in done and "2 created" in done and "1 warnings" in done
    assert sorted(Structure.objects.values_list("source_id", flat=True)) == ["l1", "l2"]
    assert uploads(tmp_path) == []
    entry = JournalEntry.objects.get(action=JournalAction.IMPORT)
    assert (entry.actor_id, entry.network_id) == (
        coordinator.membership.user_id,
        coordinator.membership.network_id,
    )
    again = coordinator.get(page).content.decode()  # told once
    assert "Import terminé." not in again and "Import en cours" not in again


@pytest.mark.django_db(transaction=True)
def test_a_file_the_worker_cannot_read_is_said_and_removed(coordinator, tmp_path):
    page = page_url(coordinator)
    deep = SimpleUploadedFile("deep.json", ("[" * 100_000 + "]" * 100_000).encode())
    coordinator.post(page, {"file": deep, "file_format": "auto", "source": ""})
    work()
    text = coordinator.get(page).content.decode()
    assert "Ce fichier ne peut pas être importé" in text
    assert "imbriquées trop profondément" in text
    assert uploads(tmp_path) == []
    assert "Aperçu en préparation" not in coordinator.get(page).content.decode()


@pytest.mark.django_db(transaction=True)
def test_confirming_before_the_preview_ended_is_refused(coordinator, tmp_path):
    page = page_url(coordinator)
    upload = SimpleUploadedFile("lieux.csv", ROWS.encode())
    coordinator.post(page, {"file": upload, "file_format": "auto", "source": ""})
    [path] = uploads(tmp_path)
    token = path.name.removesuffix(".upload")
    confirm = reverse("directory:import_confirm", args=[coordinator.membership.network.slug])
    response = coordinator.post(confirm, {"token": token}, follow=True)
    assert "Cet aperçu a expiré" in response.content.decode()
    work()
    assert not Structure.objects.exists()


def test_a_report_survives_its_trip_through_the_task_table():
    report = ImportReport(source="s", rows=3, created=1, skipped=1)
    report.reject(RowError(3, "code_postal", "not a 5-digit postcode", "347"))
    report.warn(RowWarning(2, "telephone", "kept", "04 67", code="phone"))
    report.warn(RowWarning(4, "horaires", "kept", "le matin", code="hours"))
    again = ImportReport.from_dict(report.as_dict())
    assert again == report
    assert again.warnings[0].message.startswith("Numéro de téléphone")
    trimmed = ImportReport.from_dict(report.as_dict(limit=1))
    assert (trimmed.warned, len(trimmed.warnings)) == (2, 1)
    assert trimmed.summary_line() == report.summary_line()
