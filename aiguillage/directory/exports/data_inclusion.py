"""data·inclusion v1, written: ``{"structures": [...], "services": [...]}`` as JSON.

The inverse of ``imports.data_inclusion`` (which reads this shape back). Every item
is checked with the official pydantic models before it is written: an optional value
they refuse (an e-mail address, a web address…) is left empty and counted; an item
whose required fields they refuse is left out and named, and so are the services of
a structure left out. Services of a row linked to the same place from another source
are published under the structure that stands for the place. The file is written an
item at a time, so a national directory never sits whole in memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

import pydantic
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from aiguillage.core.models import Site
from aiguillage.directory.exports import sites as site_facts
from aiguillage.directory.exports.report import ExportReport
from aiguillage.directory.exports.selection import (
    ID_SEPARATOR,
    publication_date,
    site_export_id,
    structure_export_id,
)
from aiguillage.directory.imports.data_inclusion import FORMAT
from aiguillage.directory.models import Service, Structure
from aiguillage.directory.vocabularies import DI_FRAIS, LIEUX_FEES_TO_DI, ON_SITE

SIRET = re.compile(r"\d{14}")
DESCRIPTION_MIN_LENGTH = 5  # both models refuse a shorter description
REQUIRED = {
    "structure": frozenset({"source", "id", "nom", "date_maj"}),
    "service": frozenset({"source", "structure_id", "id", "nom", "description", "date_maj"}),
}
SITE_SERVICE_SUFFIX = "aide-demarches"
SITE_THEMATIQUES = (
    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
    "numerique--acceder-a-des-services-en-ligne",
)
SITE_EQUIPMENT_THEMATIQUE = "numerique--acceder-a-une-connexion-internet"

__all__ = ["FORMAT", "services_of", "write_data_inclusion"]


@dataclass(frozen=True)
class _Place:
    """What a structure's services need from it once it has been written."""

    export_id: str
    source: str
    address: dict[str, Any]


def _text(value: str) -> str | None:
    value = (value or "").strip()
    return value or None


def _items(values: Iterable[str]) -> list[str] | None:
    """A sorted list, or None: the models refuse an empty list where they take a set."""
    return sorted(values) or None


def _description(*candidates: str) -> str | None:
    for candidate in candidates:
        value = (candidate or "").strip()
        if len(value) >= DESCRIPTION_MIN_LENGTH:
            return value
    return None


def _address(structure: Structure | Site) -> dict[str, Any]:
    return {
        "commune": _text(structure.commune_name),
        "code_postal": _text(structure.postcode),
        "code_insee": _text(structure.commune_insee),
        "adresse": _text(structure.address),
        "complement_adresse": _text(getattr(structure, "address_complement", "")),
        "latitude": structure.latitude,
        "longitude": structure.longitude,
    }


def structure_item(structure: Structure) -> dict[str, Any]:
    """The data·inclusion structure, the inverse of ``imports.data_inclusion.structure_values``.

    ``source`` is the producer the row came from (data·inclusion's meaning), else our
    provenance name. The lieux ``presentation_resume`` stands in for a missing
    description, and a SIREN (9 digits) is not a SIRET: it is left out.
    """
    siret = structure.siret.replace(" ", "")
    return {
        "source": structure.producer or structure.source,
        "id": structure_export_id(structure),
        "nom": structure.name.strip(),
        "date_maj": publication_date(
            structure.source_updated_at, structure.imported_at, structure.updated_at
        ).isoformat(),
        "description": _description(structure.description, structure.summary),
        "lien_source": _text(structure.source_url),
        "siret": siret if SIRET.fullmatch(siret) else None,
        **_address(structure),
        "telephone": _text(structure.phone),
        "courriel": _text(structure.email),
        "site_web": _text(structure.website),
        "horaires_accueil": _text(structure.opening_hours)
        if structure.opening_hours_valid
        else None,
        "accessibilite_lieu": _text(structure.accessibility_url),
        "reseaux_porteurs": _items(structure.reseaux_porteurs),
    }


def _fees(values: list[str]) -> str | None:
    """data·inclusion has one ``frais``; a lieux label is translated."""
    for value in values:
        code = value if value in DI_FRAIS else LIEUX_FEES_TO_DI.get(value)
        if code:
            return code
    return None


def service_item(service: Service, *, place: _Place) -> dict[str, Any]:
    """The data·inclusion service, the inverse of ``imports.data_inclusion.service_values``.

    Its address is its structure's when it receives people on site (our services
    have no address of their own); a remote-only service gets none.
    """
    on_site = ON_SITE in service.reception_modes
    return {
        "source": place.source,
        "structure_id": place.export_id,
        "id": f"{service.source}{ID_SEPARATOR}{service.source_id}",
        "nom": service.name.strip(),
        "description": _description(service.description),
        "lien_source": _text(service.source_url),
        "date_maj": publication_date(
            service.source_updated_at, service.imported_at, service.updated_at
        ).isoformat(),
        "type": _text(service.kind),
        "thematiques": _items(service.thematiques),
        "frais": _fees(service.fees),
        "frais_precisions": _text(service.fees_details),
        "publics": _items(service.publics),
        "publics_precisions": _text(service.publics_details),
        "conditions_acces": _text(service.access_conditions),
        **(place.address if on_site else {}),
        "telephone": _text(service.phone),
        "courriel": _text(service.email),
        "modes_accueil": _items(service.reception_modes),
        "zone_eligibilite": list(service.eligibility_zone) or None,
        "contact_nom_prenom": _text(service.contact_name),
        "lien_mobilisation": _text(service.booking_url),
        "modes_mobilisation": _items(service.mobilisation_modes),
        "mobilisable_par": _items(service.mobilisable_by),
        "mobilisation_precisions": _text(service.mobilisation_details),
        "horaires_accueil": _text(service.opening_hours) if service.opening_hours_valid else None,
    }


def site_items(site: Site) -> tuple[dict[str, Any], dict[str, Any]]:
    """A network's library as a structure, and the desk it holds as its one service."""
    source = site.network.slug
    export_id = site_export_id(site)
    day = publication_date(None, site.updated_at).isoformat()
    siret = site_facts.site_pivot(site)
    address = _address(site)
    modes = ["se-presenter"]
    if site.phone:
        modes.append("telephoner")
    if site.email:
        modes.append("envoyer-un-courriel")
    thematiques = list(SITE_THEMATIQUES)
    if site_facts.offers_equipment(site):
        thematiques.append(SITE_EQUIPMENT_THEMATIQUE)
    summary = site_facts.summary(site)
    structure = {
        "source": source,
        "id": export_id,
        "nom": site.name.strip(),
        "date_maj": day,
        "description": _description(
            "\n\n".join(part for part in (summary, site_facts.accessibility(site)) if part)
        ),
        "siret": siret if SIRET.fullmatch(siret) else None,
        **address,
        "telephone": _text(site.phone),
        "courriel": _text(site.email),
        "horaires_accueil": _text(site.opening_hours),
    }
    service = {
        "source": source,
        "structure_id": export_id,
        "id": f"{export_id}{ID_SEPARATOR}{SITE_SERVICE_SUFFIX}",
        "nom": site_facts.DESK_SERVICE_NAME,
        "description": summary,
        "date_maj": day,
        "type": "accompagnement",
        "thematiques": sorted(thematiques),
        "publics": ["tous-publics"],
        **address,
        "telephone": _text(site.phone),
        "courriel": _text(site.email),
        "modes_accueil": [ON_SITE],
        "modes_mobilisation": sorted(modes),
        "mobilisable_par": ["professionnels", "usagers"],
        "horaires_accueil": _text(site.opening_hours),
    }
    return structure, service


def services_of(structures: QuerySet[Structure]) -> QuerySet[Service]:
    """The active services of these places, and of the rows linked to them.

    Each carries ``place_pk``: the structure that stands for its place.
    """
    places = structures.values("pk")
    return (
        Service.objects.active()
        .filter(Q(structure__in=places) | Q(structure__duplicate_of__in=places))
        .annotate(place_pk=Coalesce("structure__duplicate_of_id", "structure_id"))
        .order_by("pk")
    )


def _problems(error: pydantic.ValidationError) -> list[tuple[str, str]]:
    return [(str(e["loc"][0]) if e["loc"] else "*", e["msg"]) for e in error.errors()]


def checked(
    item: dict[str, Any], *, kind: str, report: ExportReport
) -> tuple[dict[str, Any] | None, list[str]]:
    """The item as the official model accepts it, or None and the reasons it does not.

    An optional value the model refuses is emptied (and counted): losing a malformed
    e-mail address is better than hiding the whole place.
    """
    model = DIService if kind == "service" else DIStructure
    try:
        model.model_validate(item)
        return item, []
    except pydantic.ValidationError as error:
        problems = _problems(error)
    if any(field in REQUIRED[kind] or field == "*" for field, _ in problems):
        return None, [f"{field}: {message}" for field, message in problems]
    emptied = {field for field, _ in problems}
    item = {**item, **dict.fromkeys(emptied, None)}
    try:
        model.model_validate(item)
    except pydantic.ValidationError as error:
        return None, [f"{field}: {message}" for field, message in _problems(error)]
    for field in sorted(emptied):
        report.drop(f"{kind} {field}: refused by the data·inclusion model, left empty")
    return item, []


class _ListWriter:
    """Writes one JSON list an item a line, so the output stays diffable and streamed."""

    def __init__(self, out: TextIO, key: str, *, first: bool) -> None:
        self.out = out
        self.empty = True
        out.write(("{" if first else ",\n") + json.dumps(key) + ": [")

    def add(self, item: dict[str, Any]) -> None:
        self.out.write(("\n" if self.empty else ",\n") + json.dumps(item, ensure_ascii=False))
        self.empty = False

    def close(self) -> None:
        self.out.write("]" if self.empty else "\n]")


def write_data_inclusion(
    *,
    structures: Iterable[Structure],
    sites: Iterable[Site],
    services: Iterable[Service],
    out: TextIO,
) -> ExportReport:
    """Write the document to ``out``; ``services`` come from ``services_of(structures)``."""
    report = ExportReport(file_format=FORMAT)
    places: dict[int, _Place] = {}
    left_out_places: set[int] = set()
    seen: set[str] = set()

    def accept(*, kind: str, item: dict[str, Any], name: str, writer: _ListWriter) -> bool:
        model_kind = "service" if kind == "service" else "structure"
        accepted, problems = checked(item, kind=model_kind, report=report)
        if accepted is not None and accepted["id"] in seen:
            accepted, problems = None, ["id already used by another item of this file"]
        if accepted is None:
            report.leave_out(kind=kind, export_id=item["id"], name=name, reasons=problems)
            return False
        seen.add(accepted["id"])
        writer.add(accepted)
        return True

    writer = _ListWriter(out, "structures", first=True)
    for structure in structures:
        item = structure_item(structure)
        if accept(kind="structure", item=item, name=structure.name, writer=writer):
            report.structures += 1
            places[structure.pk] = _Place(item["id"], item["source"], _address(structure))
        else:
            left_out_places.add(structure.pk)
    site_services = []
    for site in sites:
        item, service = site_items(site)
        if accept(kind="site", item=item, name=site.name, writer=writer):
            report.structures += 1
            report.sites += 1
            site_services.append(service)
    writer.close()

    writer = _ListWriter(out, "services", first=False)
    for service in services:
        place_pk = service.place_pk
        place = places.get(place_pk)
        if place is None:
            if place_pk in left_out_places:
                report.leave_out(
                    kind="service",
                    export_id=f"{service.source}{ID_SEPARATOR}{service.source_id}",
                    name=service.name,
                    reasons=["its structure was left out"],
                )
            continue
        item = service_item(service, place=place)
        if accept(kind="service", item=item, name=service.name, writer=writer):
            report.services += 1
    for item in site_services:
        if accept(kind="service", item=item, name=item["nom"], writer=writer):
            report.services += 1
    writer.close()
    out.write("}\n")
    return report
