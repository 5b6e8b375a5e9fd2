"""The standard des lieux de médiation numérique v1.0.2, written: one CSV row per place.

The inverse of ``imports.lieux``: the same columns in the schema's order, comma
separated, ``|`` between the values of a list. Every cell obeys the schema's rule
(the patterns below are the schema's own), so the file validates as published: a
place missing a required field (pivot, address, postcode…) is left out and named; an
optional value the schema would refuse (a phone number not in E.164, a list value
outside the standard's list, unreadable opening hours) is left empty and counted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

from aiguillage.core.models import Site
from aiguillage.core.spreadsheet import safe_row
from aiguillage.directory.exports import sites as site_facts
from aiguillage.directory.exports.report import ExportReport
from aiguillage.directory.exports.selection import (
    publication_date,
    site_export_id,
    structure_export_id,
)
from aiguillage.directory.imports import fields as clean
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.imports.lieux import COLUMNS, FORMAT
from aiguillage.directory.models import Structure
from aiguillage.directory.vocabularies import LIEUX_LISTS, join_list

# The schema's patterns (schema.json v1.0.2), checked before a value is written.
PIVOT = re.compile(r"[a-zA-Z0-9]{9,14}")
POSTCODE = re.compile(r"\d{5}")
INSEE = re.compile(r"([013-9]\d|2[AB1-9])\d{3}")
PHONE = re.compile(r"(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)\d{6,9}")
SUMMARY_MAX_LENGTH = 280
MOBILE, FIXED = "Itinérant", "Fixe"

__all__ = ["COLUMNS", "FORMAT", "write_lieux"]


def pivot_of(*candidates: str) -> str:
    """The first SIRET, SIREN or RNA number that matches the standard's pattern."""
    for candidate in candidates:
        value = candidate.replace(" ", "")
        if PIVOT.fullmatch(value):
            return value
    return ""


def phone(raw: str, *, report: ExportReport) -> str:
    """E.164 as the schema requires; anything else is left empty rather than refused."""
    try:
        value = clean.phone(raw, field="telephone", strict=True)
    except FieldProblem:
        value = ""
    if raw and not PHONE.fullmatch(value):
        report.drop("telephone not in the standard's E.164 form, left empty")
        return ""
    return value


def summary(text: str, *, report: ExportReport) -> str:
    """The schema caps ``presentation_resume``: a longer one is cut visibly (``…``)."""
    text = text.strip()
    if len(text) > SUMMARY_MAX_LENGTH:
        report.drop(f"presentation_resume longer than {SUMMARY_MAX_LENGTH} characters, cut")
        return text[: SUMMARY_MAX_LENGTH - 1].rstrip() + "…"
    return text


def listed(column: str, values: Iterable[str], *, report: ExportReport) -> str:
    """A ``|`` list of the values the standard's closed list has."""
    allowed = LIEUX_LISTS[column]
    kept = []
    for value in values:
        if value in allowed:
            kept.append(value)
        else:
            report.drop(f"{column}: value outside the standard's list, left out")
    return join_list(kept)


def coordinate(value: float | None) -> str:
    """``repr`` keeps every digit stored, so a re-import gives the same float."""
    return "" if value is None else repr(value)


MISSING_PIVOT = "no pivot (SIRET, SIREN or RNA)"
MISSING_SITE_PIVOT = (
    "no SIRET for the site or its network (Aiguillage has no SIRET field for them yet); "
    "the lieux standard requires one as pivot"
)


def required_problems(row: dict[str, str], *, missing_pivot: str = MISSING_PIVOT) -> list[str]:
    """Why the schema would refuse this row (empty when it would not)."""
    problems = []
    if not row["pivot"]:
        problems.append(missing_pivot)
    for column, label in (("nom", "name"), ("adresse", "address"), ("commune", "commune")):
        if not row[column]:
            problems.append(f"no {label}")
    if not row["code_postal"]:
        problems.append("no postcode")
    elif not POSTCODE.fullmatch(row["code_postal"]):
        problems.append("postcode is not 5 digits")
    return problems


def insee_code(value: str, *, report: ExportReport) -> str:
    """Optional in the schema: a malformed code is dropped rather than losing the place."""
    if value and not INSEE.fullmatch(value):
        report.drop("code_insee not an INSEE commune code, left empty")
        return ""
    return value


def opening_hours(value: str, *, valid: bool, report: ExportReport) -> str:
    """Unreadable hours are kept in Aiguillage (as typed) but not published."""
    if value and not valid:
        report.drop("horaires not in OpenStreetMap syntax, left empty")
        return ""
    return value


def structure_row(structure: Structure, *, report: ExportReport) -> dict[str, str]:
    """The lieux row of a structure, the inverse of ``imports.lieux.clean_row``."""
    return {
        "id": structure_export_id(structure),
        "pivot": pivot_of(structure.siret, structure.rna),
        "nom": structure.name.strip(),
        "commune": structure.commune_name.strip(),
        "code_postal": structure.postcode.strip(),
        "code_insee": insee_code(structure.commune_insee, report=report),
        "adresse": structure.address.strip(),
        "complement_adresse": structure.address_complement,
        "latitude": coordinate(structure.latitude),
        "longitude": coordinate(structure.longitude),
        "typologie": structure.typology,
        "telephone": phone(structure.phone, report=report),
        "courriels": join_list([v for v in (structure.email, *structure.other_emails) if v]),
        "site_web": join_list([v for v in (structure.website, *structure.other_websites) if v]),
        "horaires": opening_hours(
            structure.opening_hours, valid=structure.opening_hours_valid, report=report
        ),
        "presentation_resume": summary(structure.summary, report=report),
        "presentation_detail": structure.description,
        "source": structure.producer,
        "itinerance": MOBILE if structure.is_mobile else FIXED,
        "structure_parente": structure.parent_name,
        "date_maj": publication_date(
            structure.source_updated_at, structure.imported_at, structure.updated_at
        ).isoformat(),
        "services": listed("services", structure.lieux_services, report=report),
        "publics_specifiquement_adresses": listed(
            "publics_specifiquement_adresses", structure.publics, report=report
        ),
        "prise_en_charge_specifique": listed(
            "prise_en_charge_specifique", structure.specific_support, report=report
        ),
        "frais_a_charge": listed("frais_a_charge", structure.fees, report=report),
        "dispositif_programmes_nationaux": listed(
            "dispositif_programmes_nationaux", structure.programmes, report=report
        ),
        "formations_labels": listed("formations_labels", structure.labels, report=report),
        "autres_formations_labels": structure.other_labels,
        "modalites_acces": listed("modalites_acces", structure.access_modalities, report=report),
        "modalites_accompagnement": listed(
            "modalites_accompagnement", structure.accompaniment_modalities, report=report
        ),
        "fiche_acces_libre": structure.accessibility_url,
        "prise_rdv": structure.booking_url,
    }


def site_row(site: Site, *, report: ExportReport) -> dict[str, str]:
    """The lieux row of one of the network's libraries (see ``sites`` for what is derived)."""
    return {
        **dict.fromkeys(COLUMNS, ""),
        "id": site_export_id(site),
        "pivot": pivot_of(site_facts.site_pivot(site)),
        "nom": site.name.strip(),
        "commune": site.commune_name.strip(),
        "code_postal": site.postcode,
        "code_insee": insee_code(site.commune_insee, report=report),
        "adresse": site.address.strip(),
        "latitude": coordinate(site.latitude),
        "longitude": coordinate(site.longitude),
        "typologie": site_facts.LIBRARY_TYPOLOGY,
        "telephone": phone(site.phone, report=report),
        "courriels": site.email,
        "horaires": site.opening_hours,
        "presentation_resume": summary(site_facts.summary(site), report=report),
        "presentation_detail": site_facts.accessibility(site),
        "source": site.network.name,
        "itinerance": FIXED,
        "date_maj": publication_date(None, site.updated_at).isoformat(),
        "services": join_list(site_facts.lieux_services(site)),
        "modalites_acces": join_list(site_facts.access_modalities(site)),
        "modalites_accompagnement": join_list(site_facts.accompaniment_modalities(site)),
    }


def write_lieux(
    *, structures: Iterable[Structure], sites: Iterable[Site], out: TextIO
) -> ExportReport:
    """Write the CSV to ``out`` (opened with ``newline=""``) and say what was left out."""
    report = ExportReport(file_format=FORMAT)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    seen: set[str] = set()

    def emit(kind: str, row: dict[str, str], problems: list[str]) -> bool:
        if row["id"] in seen:
            problems = [*problems, "id already used by another row of this file"]
        if problems:
            report.leave_out(kind=kind, export_id=row["id"], name=row["nom"], reasons=problems)
            return False
        seen.add(row["id"])
        writer.writerow(safe_row(row))  # no cell a spreadsheet would run as a formula
        report.structures += 1
        return True

    for structure in structures:
        row = structure_row(structure, report=report)
        emit("structure", row, required_problems(row))
    for site in sites:
        row = site_row(site, report=report)
        if emit("site", row, required_problems(row, missing_pivot=MISSING_SITE_PIVOT)):
            report.sites += 1
    return report
