"""The standard des lieux de médiation numérique v1.0.2: one CSV row per place.

Each cell is checked against the standard's rule for it (required fields, patterns,
the closed lists of the ``|``-separated columns). The values the desk uses to reach
the place (phone, e-mail addresses, web addresses) and its opening hours are never a
reason to refuse a row: a bad one is kept as typed, repaired or left out, with a
warning (``fields.usable_*``).
"""

from __future__ import annotations

from aiguillage.directory.imports import fields as clean
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.needs import NeedMapping
from aiguillage.directory.vocabularies import (
    LIEUX_LISTS,
    ON_SITE,
    REMOTE,
    split_list,
)

FORMAT = "lieux-mediation-numerique"
COLUMNS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
    "complement_adresse", "latitude", "longitude", "typologie", "telephone", "courriels",
    "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
    "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)  # fmt: skip
ID_COLUMN = "id"
REQUIRED = ("id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj")
# The columns that tell this format apart from the others.
SIGNATURE = {"id", "pivot", "nom", "date_maj"}  # all required by the schema

FIELDS = (
    "name", "siret", "rna", "typology", "address", "address_complement", "postcode",
    "commune_name", "commune_insee", "latitude", "longitude", "is_mobile", "phone", "email",
    "other_emails", "website", "other_websites", "opening_hours", "opening_hours_valid",
    "summary", "description", "producer", "parent_name", "source_updated_at",
    "lieux_services", "publics", "specific_support", "fees", "programmes", "labels",
    "other_labels", "access_modalities", "accompaniment_modalities", "reception_modes",
    "accessibility_url", "booking_url", "general_help",
)  # fmt: skip


_ALLOWED = {column: frozenset(values) for column, values in LIEUX_LISTS.items()}


def pivot_fields(raw: str) -> dict[str, str]:
    """The SIRET/SIREN or RNA pivot, in the field that holds it."""
    value = raw.strip().replace(" ", "")
    if not (9 <= len(value) <= 14 and value.isalnum() and value.isascii()):
        raise FieldProblem("pivot", "not a SIRET, SIREN or RNA number (9 to 14 letters/digits)")
    if not value.strip("0"):  # producers without a SIRET write 00000000000000
        return {"siret": "", "rna": ""}
    if value[0] in "Ww":
        return {"siret": "", "rna": value.upper()}
    return {"siret": value, "rna": ""}


def reception_modes(accompaniment: list[str], access: list[str]) -> list[str]:
    modes = []
    if "Ce lieu n'accueille pas de public" not in access and accompaniment != ["À distance"]:
        modes.append(ON_SITE)
    if "À distance" in accompaniment:
        modes.append(REMOTE)
    return modes


def clean_row(
    row: dict[str, str], mapping: NeedMapping, warnings: clean.Warnings | None = None
) -> dict:
    warnings = [] if warnings is None else warnings
    lists = {
        column: clean.choices(row.get(column, ""), allowed, field=column)
        for column, allowed in _ALLOWED.items()
    }
    latitude, longitude = clean.coordinates(row.get("latitude"), row.get("longitude"))
    emails = clean.usable_emails(
        split_list(row.get("courriels", "")), field="courriels", warnings=warnings
    )
    websites = [
        website
        for value in split_list(row.get("site_web", ""))
        if (website := clean.usable_url(value, field="site_web", warnings=warnings))
    ]
    hours, hours_valid = clean.usable_opening_hours(
        row.get("horaires"), field="horaires", warnings=warnings
    )
    return {
        "name": clean.text(row["nom"], field="nom", max_length=250, required=True),
        **pivot_fields(row["pivot"]),
        "typology": clean.text(row.get("typologie"), field="typologie", max_length=250),
        "address": clean.text(row["adresse"], field="adresse", max_length=250, required=True),
        "address_complement": clean.text(
            row.get("complement_adresse"), field="complement_adresse", max_length=250
        ),
        "postcode": clean.postcode(row["code_postal"], field="code_postal", required=True),
        "commune_name": clean.text(row["commune"], field="commune", max_length=150, required=True),
        "commune_insee": clean.insee(row.get("code_insee"), field="code_insee"),
        "latitude": latitude,
        "longitude": longitude,
        "is_mobile": "Itinérant" in lists["itinerance"],
        "phone": clean.usable_phone(row.get("telephone"), field="telephone", warnings=warnings),
        "email": emails[0] if emails else "",
        "other_emails": emails[1:],
        "website": websites[0] if websites else "",
        "other_websites": websites[1:],
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "summary": clean.text(
            row.get("presentation_resume"), field="presentation_resume", max_length=280
        ),
        "description": row.get("presentation_detail", "").strip(),
        "producer": clean.text(row.get("source"), field="source", max_length=150),
        "parent_name": clean.text(
            row.get("structure_parente"), field="structure_parente", max_length=250
        ),
        "source_updated_at": clean.day(row["date_maj"], field="date_maj", required=True),
        "lieux_services": lists["services"],
        "publics": lists["publics_specifiquement_adresses"],
        "specific_support": lists["prise_en_charge_specifique"],
        "fees": lists["frais_a_charge"],
        "programmes": lists["dispositif_programmes_nationaux"],
        "labels": lists["formations_labels"],
        "other_labels": clean.text(
            row.get("autres_formations_labels"), field="autres_formations_labels", max_length=500
        ),
        "access_modalities": lists["modalites_acces"],
        "accompaniment_modalities": lists["modalites_accompagnement"],
        "reception_modes": reception_modes(
            lists["modalites_accompagnement"], lists["modalites_acces"]
        ),
        "accessibility_url": clean.usable_url(
            row.get("fiche_acces_libre"), field="fiche_acces_libre", warnings=warnings
        ),
        "booking_url": clean.usable_url(row.get("prise_rdv"), field="prise_rdv", warnings=warnings),
        "general_help": mapping.is_general_help(lieux_services=lists["services"]),
    }
