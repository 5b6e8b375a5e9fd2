"""The web import's files: a JSON nested too deeply cannot be read (never a 500), and an
uploaded file never outlives its use (confirmed, cancelled, refused, failed, abandoned)."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from aiguillage.directory.imports import data_inclusion
from aiguillage.directory.imports import tasks as import_tasks
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile
from aiguillage.directory.models import Structure
from aiguillage.directory.views import imports as import_views
from tests.accounts.factories import MembershipFactory
from tests.directory.test_import_directory import LIEUX_COLUMNS, lieu, table

DEPTH = 100_000
DEEP = {
    "arrays": "[" * DEPTH + "]" * DEPTH,
    "objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "in an item": '[{"source": "dora", "id": "s1", "nom": "CCAS de Lodève", "reseaux_porteurs": '
    + "[" * DEPTH
    + "]" * DEPTH
    + "}]",
    "in the items": '{"items": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "}",
}
CCAS = {"source": "dora", "id": "s1", "nom": "CCAS de Lodève", "date_maj": "2024-04-01"}


@pytest.fixture
def coordinator(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    membership = MembershipFactory(coordinator=True)
    client.force_login(membership.user)
    client.slug = membership.network.slug
    return client


def pending(settings) -> list[Path]:
    folder = Path(settings.VAR_DIR) / "imports"
    return sorted(folder.glob("*.upload")) if folder.exists() else []


def age(path: Path, seconds: float) -> None:
    """Make a file ``seconds`` old by the filesystem's clock (the test's clock is frozen)."""
    now = path.stat().st_mtime  # just written
    os.utime(path, (now - seconds, now - seconds))


def upload(client, text: str, name: str = "lieux.csv"):
    page = reverse("directory:import", args=[client.slug])
    data = SimpleUploadedFile(name, text.encode())
    return client.post(page, {"file": data, "file_format": "auto", "source": ""})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


LIEUX = table(LIEUX_COLUMNS, lieu("l1", "Médiathèque de Lodève"))


# --- JSON nested too deeply -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("shape", sorted(DEEP))
def test_a_json_nested_too_deeply_cannot_be_read(tmp_path, shape):
    path = tmp_path / "deep.json"
    path.write_text(DEEP[shape], encoding="utf-8")
    with pytest.raises(UnreadableFile, match="imbriquées trop profondément"):
        import_directory(path)


@pytest.mark.django_db
def test_an_item_nested_deeper_than_any_data_inclusion_item_is_skipped(tmp_path):
    nested: object = "x"
    for _ in range(data_inclusion.MAX_ITEM_DEPTH + 5):
        nested = [nested]
    items = [{**CCAS, "reseaux_porteurs": nested}, {**CCAS, "id": "s2"}]
    path = tmp_path / "di.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    report = import_directory(path)
    assert (report.created, report.skipped) == (1, 1)
    [error] = report.errors
    assert (error.line, error.field) == (1, "*") and "nested" in error.reason
    assert list(Structure.objects.values_list("source_id", flat=True)) == ["s2"]


@pytest.mark.django_db
def test_the_command_says_it_cannot_be_read_and_exits_2(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP["arrays"], encoding="utf-8")
    with pytest.raises(CommandError, match="imbriquées trop profondément") as error:
        call_command("import_directory", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_the_import_page_says_it_cannot_be_read(coordinator, settings):
    response = upload(coordinator, DEEP["objects"], name="deep.json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ce fichier ne peut pas être importé" in text
    assert "imbriquées trop profondément" in text
    assert pending(settings) == []


# --- Uploads never outlive their use -------------------------------------------------------------


@pytest.mark.django_db
def test_a_preview_keeps_the_file_until_it_is_confirmed(coordinator, settings):
    preview = upload(coordinator, LIEUX)
    assert len(pending(settings)) == 1
    confirm = reverse("directory:import_confirm", args=[coordinator.slug])
    coordinator.post(confirm, {"token": token_of(preview)})
    assert Structure.objects.filter(source_id="l1").exists()
    assert pending(settings) == []


@pytest.mark.django_db
def test_a_cancelled_preview_removes_the_file(coordinator, settings):
    upload(coordinator, LIEUX)
    assert len(pending(settings)) == 1
    coordinator.post(reverse("directory:import_cancel", args=[coordinator.slug]))
    assert pending(settings) == []


@pytest.mark.django_db
def test_a_second_upload_replaces_the_first(coordinator, settings):
    upload(coordinator, LIEUX)
    [first] = pending(settings)
    upload(coordinator, LIEUX)
    [second] = pending(settings)
    assert first != second


@pytest.mark.django_db
def test_a_refused_file_is_removed(coordinator, settings):
    response = upload(coordinator, "ceci n'est pas un fichier connu\n", name="notes.csv")
    assert "Ce fichier ne peut pas être importé" in response.content.decode()
    assert pending(settings) == []


def crash(*args, **kwargs):
    raise RuntimeError("a bug")


@pytest.mark.django_db
def test_a_failure_during_the_preview_removes_the_file(coordinator, settings, monkeypatch):
    monkeypatch.setattr(import_tasks, "import_directory", crash)
    response = upload(coordinator, LIEUX)
    assert response.status_code == 200
    assert "aperçu a échoué" in response.content.decode()
    assert pending(settings) == []


@pytest.mark.django_db
def test_a_failed_confirmation_removes_the_file_and_says_so(coordinator, settings, monkeypatch):
    preview = upload(coordinator, LIEUX)
    monkeypatch.setattr(import_tasks, "import_directory", crash)
    confirm = reverse("directory:import_confirm", args=[coordinator.slug])
    response = coordinator.post(confirm, {"token": token_of(preview)}, follow=True)
    assert "L&#x27;import a échoué : rien n&#x27;a été écrit" in response.content.decode()
    assert pending(settings) == []
    assert not Structure.objects.exists()


@pytest.mark.django_db
def test_abandoned_uploads_are_swept_at_the_next_upload(coordinator, settings):
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True)
    old, recent = folder / "old.upload", folder / "recent.upload"
    for path in (old, recent):
        path.write_text("id\n")
    age(old, 2 * 86400)
    age(recent, 3600)
    upload(coordinator, LIEUX)
    left = pending(settings)
    assert old not in left and recent in left and len(left) == 2


def test_the_sweep_counts_what_it_removes(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    for name in ("a.upload", "b.upload", "c.upload", "keep.txt"):
        (folder / name).write_text("x")
    for name in ("a.upload", "b.upload", "keep.txt"):
        age(folder / name, 3 * 3600)
    assert import_views.sweep_abandoned_uploads() == 0  # younger than a day
    removed = import_views.sweep_abandoned_uploads(older_than=import_views.ABANDONED_AFTER / 12)
    assert removed == 2
    assert sorted(p.name for p in folder.iterdir()) == ["c.upload", "keep.txt"]
