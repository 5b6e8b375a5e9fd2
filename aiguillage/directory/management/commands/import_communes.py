from aiguillage.directory.imports.communes import import_communes
from aiguillage.directory.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import French communes from a UTF-8 CSV (comma or semicolon): INSEE code and name "
        "required; postcode, centre latitude/longitude, population and commune type "
        "optional. Accepted column names: code_insee/insee_com, nom/commune/nom_standard, "
        "code_postal, latitude/lat/latitude_centre, longitude/lng/lon/longitude_centre, "
        "population/population_2021, commune_type (COM, COMD, ARM). Delegated communes "
        "(COMD) are attached to their commune as other names. One transaction; bad rows "
        "are reported with their line and skipped. Re-importing updates in place. Exit 2 "
        "when the file cannot be read, 1 with --strict and a bad row; nothing is written then."
    )

    def run_import(self, options):
        return import_communes(
            options["file"], dry_run=options["dry_run"], strict=options["strict"]
        )
