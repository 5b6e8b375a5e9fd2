"""The official list of France services (ANCT): one CSV row per France services.

Its weekly columns (``h_lundi`` … ``h_samedi``, "09:00 - 12:00 / 13:30 - 17:00") become
one OpenStreetMap expression ("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00"), and
every France services covers the démarches of the national bouquet.
"""

from __future__ import annotations

import re

from aiguillage.catalog.vocabularies import LieuxService
from aiguillage.directory.imports import fields as clean
from aiguillage.directory.imports.engine import (
    FRANCE_SERVICES_PROGRAMME,
    FRANCE_SERVICES_RESEAU,
)
from aiguillage.directory.needs import NeedMapping
from aiguillage.directory.vocabularies import ON_SITE

FORMAT = "france-services"
DAYS = (
    ("h_lundi", "Mo"),
    ("h_mardi", "Tu"),
    ("h_mercredi", "We"),
    ("h_jeudi", "Th"),
    ("h_vendredi", "Fr"),
    ("h_samedi", "Sa"),
    ("h_dimanche", "Su"),
)
COLUMNS = (
    "id_fs", "lib_fs", "adresse", "complement_adresse", "insee_com", "code_postal", "lib_com",
    "latitude", "longitude", "mail", "telephone", "prise_rdv", "commentaire", "type_fs",
    "format_fs", "groupe_fs", "labellisation_fs", *(column for column, _ in DAYS),
)  # fmt: skip
ID_COLUMN = "id_fs"
REQUIRED = ("id_fs", "lib_fs", "adresse", "code_postal", "lib_com")
SIGNATURE = {"id_fs", "lib_fs"}
MOBILE_FORMATS = {"itinérante", "bus_équivalent", "bus"}
_RANGE = re.compile(r"^(\d{1,2})[:hH](\d{2})\s*-\s*(\d{1,2})[:hH](\d{2})$")

FIELDS = (
    "name", "typology", "address", "address_complement", "postcode", "commune_name",
    "commune_insee", "latitude", "longitude", "is_mobile", "phone", "email", "other_emails",
    "opening_hours", "opening_hours_valid", "description", "producer", "parent_name",
    "programmes", "reseaux_porteurs", "lieux_services", "fees", "access_modalities",
    "accompaniment_modalities", "reception_modes", "general_help",
)  # fmt: skip


def day_ranges(cell: str) -> str | None:
    """ "09:00 - 12:00 / 13:30 - 17:00" → "09:00-12:00,13:30-17:00"; None when unreadable."""
    ranges = []
    for part in cell.split("/"):
        match = _RANGE.match(part.strip())
        if match is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
            return None
        ranges.append(f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}")
    return ",".join(ranges)


def weekly_hours(row: dict[str, str], warnings: clean.Warnings | None = None) -> tuple[str, bool]:
    """The OpenStreetMap expression of the week, consecutive equal days grouped.

    An unreadable cell keeps the whole week as typed ("Mo: …; Tu: …"), flagged, and
    warned about under the unreadable day's column.
    """
    days = [(osm, row.get(column, "").strip()) for column, osm in DAYS]
    if not any(cell for _, cell in days):
        return "", True
    converted = [(osm, day_ranges(cell) if cell else "") for osm, cell in days]
    unreadable = [
        (column, cell)
        for (column, _), (_, cell), (_, value) in zip(DAYS, days, converted, strict=True)
        if value is None
    ]
    if unreadable:
        raw = "; ".join(f"{osm}: {cell}" for osm, cell in days if cell)
        if warnings is not None:
            columns = ", ".join(column for column, _ in unreadable)
            warnings.append(clean.hours_warning(columns, unreadable[0][1]))
        return raw[:500], False
    groups: list[list] = []  # [first day, last day, ranges]
    for osm, ranges in converted:
        if groups and groups[-1][2] == ranges and _follows(groups[-1][1], osm):
            groups[-1][1] = osm
        else:
            groups.append([osm, osm, ranges])
    parts = [
        f"{first if first == last else f'{first}-{last}'} {ranges}"
        for first, last, ranges in groups
        if ranges
    ]
    return clean.opening_hours("; ".join(parts))


def _follows(previous: str, day: str) -> bool:
    order = [osm for _, osm in DAYS]
    return order.index(day) == order.index(previous) + 1


def clean_row(
    row: dict[str, str], mapping: NeedMapping, warnings: clean.Warnings | None = None
) -> dict:
    warnings = [] if warnings is None else warnings
    latitude, longitude = clean.coordinates(row.get("latitude"), row.get("longitude"))
    hours, hours_valid = weekly_hours(row, warnings)
    kind = row.get("type_fs", "").strip()
    mobile = row.get("format_fs", "").strip().lower() in MOBILE_FORMATS
    by_appointment = row.get("prise_rdv", "").strip().lower() == "oui"
    notes = [row.get("commentaire", "").strip(), row.get("labellisation_fs", "").strip()]
    if by_appointment:
        notes.insert(0, "Accueil sur rendez-vous.")
    services = [LieuxService.DEMARCHES.value]
    mails = clean.usable_emails(
        clean.split_emails(row.get("mail")), field="mail", warnings=warnings
    )
    return {
        "name": clean.text(row["lib_fs"], field="lib_fs", max_length=250, required=True),
        "typology": "France services" + (" (antenne)" if kind.lower() == "antenne" else ""),
        "address": clean.text(row["adresse"], field="adresse", max_length=250, required=True),
        "address_complement": clean.text(
            row.get("complement_adresse"), field="complement_adresse", max_length=250
        ),
        "postcode": clean.postcode(row["code_postal"], field="code_postal", required=True),
        "commune_name": clean.text(row["lib_com"], field="lib_com", max_length=150, required=True),
        "commune_insee": clean.insee(row.get("insee_com"), field="insee_com"),
        "latitude": latitude,
        "longitude": longitude,
        "is_mobile": mobile,
        "phone": clean.usable_phone(row.get("telephone"), field="telephone", warnings=warnings),
        "email": mails[0] if mails else "",
        "other_emails": mails[1:],
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "description": "\n".join(n for n in notes if n),
        "producer": "ANCT",
        "parent_name": clean.text(row.get("groupe_fs"), field="groupe_fs", max_length=250),
        "programmes": [FRANCE_SERVICES_PROGRAMME],
        "reseaux_porteurs": [FRANCE_SERVICES_RESEAU],
        "lieux_services": services,
        "fees": ["Gratuit"],
        "access_modalities": ["Téléphoner"] if by_appointment else ["Se présenter", "Téléphoner"],
        "accompaniment_modalities": ["Accompagnement individuel"],
        "reception_modes": [ON_SITE],
        "general_help": mapping.is_general_help(lieux_services=services),
    }
