from aiguillage.directory.imports.directory import AUTO, FORMATS, import_directory
from aiguillage.directory.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import structures (and services) into the territorial directory from a file of "
        "one of the open-data standards: the standard des lieux de médiation numérique "
        "v1.0.2 (CSV, | between list values), data·inclusion v1 (JSON list, or the API's "
        '{"items": [...]}) or the ANCT list of France services (CSV). --format auto '
        "recognises them from the header. One transaction. A bad row is reported with its "
        "line (item for JSON), field and reason and skipped; --strict rejects the whole "
        "file instead (exit 1). A file that cannot be read exits 2. Nothing is written "
        "in either case. Re-importing updates in place; a row absent from a newer file "
        "of the same source becomes inactive. Give regional files their own --source."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=AUTO,
            help="The file's standard (default: recognised from the header).",
        )
        parser.add_argument(
            "--source",
            default="",
            help="Provenance name (default: the format's name). Rows of this source that "
            "the file no longer lists are marked inactive.",
        )

    def run_import(self, options):
        return import_directory(
            options["file"],
            file_format=options["format"],
            source=options["source"],
            dry_run=options["dry_run"],
            strict=options["strict"],
        )
