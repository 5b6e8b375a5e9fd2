"""data·inclusion v1: structures and services as JSON, checked with the official models.

A file is a list of structures, a list of services (they carry ``structure_id``), the
API's paginated ``{"items": [...]}``, or ``{"structures": [...], "services": [...]}``.
Items are numbered from 1 in the report. Services point to structures of the same
source, so a services-only file needs its structures imported first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pydantic
from data_inclusion.schema.v1 import Service as DIService
from data_inclusion.schema.v1 import Structure as DIStructure

from aiguillage.directory.imports import fields as clean
from aiguillage.directory.imports.engine import Record
from aiguillage.directory.imports.fields import FieldProblem
from aiguillage.directory.imports.report import ImportReport, RowError, UnreadableFile

FORMAT = "data-inclusion"

STRUCTURE_FIELDS = (
    "name", "siret", "reseaux_porteurs", "address", "address_complement", "postcode",
    "commune_name", "commune_insee", "latitude", "longitude", "phone", "email", "website",
    "opening_hours", "opening_hours_valid", "description", "accessibility_url", "source_url",
    "producer", "source_updated_at",
)  # fmt: skip
SERVICE_FIELDS = (
    "name", "description", "kind", "thematiques", "publics", "publics_details", "fees",
    "fees_details", "access_conditions", "reception_modes", "mobilisation_modes",
    "mobilisable_by", "mobilisation_details", "booking_url", "phone", "email", "contact_name",
    "opening_hours", "opening_hours_valid", "eligibility_zone", "source_url",
    "source_updated_at",
)  # fmt: skip


@dataclass
class Document:
    structures: list[tuple[int, dict]]
    services: list[tuple[int, dict]]


def looks_like(data: object) -> bool:
    items = _items(data)
    return bool(items) and isinstance(items[0], dict) and {"id", "nom", "source"} <= items[0].keys()


def _items(data: object) -> list | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        return data["items"]
    if isinstance(data, dict) and ("structures" in data or "services" in data):
        return [*data.get("structures", []), *data.get("services", [])]
    return None


def load(text: str, *, name: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"{name} is not JSON (line {exc.lineno}: {exc.msg})") from exc
    items = _items(data)
    if items is None:
        raise UnreadableFile(
            f"{name}: expected a list of data·inclusion structures or services, "
            'or an object with "items"'
        )
    document = Document(structures=[], services=[])
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and "structure_id" in item:
            document.services.append((number, item))
        else:
            document.structures.append((number, item))
    return document


def _problem(error: pydantic.ValidationError) -> tuple[str, str, str]:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "*"
    value = first.get("input")
    shown = value if isinstance(value, str | int | float) else ""
    return where, first["msg"], str(shown)


def _url(value, field: str) -> str:
    return clean.url(str(value), field=field) if value else ""


def structure_values(model: DIStructure) -> dict:
    latitude, longitude = clean.coordinates(model.latitude, model.longitude)
    hours, hours_valid = clean.opening_hours(model.horaires_accueil)
    return {
        "name": model.nom[:250],
        "siret": model.siret or "",
        "reseaux_porteurs": sorted(r.value for r in model.reseaux_porteurs or ()),
        "address": (model.adresse or "")[:250],
        "address_complement": (model.complement_adresse or "")[:250],
        "postcode": clean.postcode(model.code_postal, field="code_postal"),
        "commune_name": (model.commune or "")[:150],
        "commune_insee": clean.insee(model.code_insee, field="code_insee"),
        "latitude": latitude,
        "longitude": longitude,
        "phone": clean.phone(model.telephone, field="telephone", strict=False),
        "email": clean.email(model.courriel, field="courriel"),
        "website": _url(model.site_web, "site_web"),
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "description": model.description or "",
        "accessibility_url": _url(model.accessibilite_lieu, "accessibilite_lieu"),
        "source_url": _url(model.lien_source, "lien_source"),
        "producer": model.source[:150],
        "source_updated_at": model.date_maj,
    }


def service_values(model: DIService) -> dict:
    hours, hours_valid = clean.opening_hours(model.horaires_accueil)
    return {
        "name": model.nom[:250],
        "description": model.description,
        "kind": model.type.value if model.type else "",
        "thematiques": sorted(t.value for t in model.thematiques or ()),
        "publics": sorted(p.value for p in model.publics or ()),
        "publics_details": model.publics_precisions or "",
        "fees": [model.frais.value] if model.frais else [],
        "fees_details": model.frais_precisions or "",
        "access_conditions": model.conditions_acces or "",
        "reception_modes": sorted(m.value for m in model.modes_accueil or ()),
        "mobilisation_modes": sorted(m.value for m in model.modes_mobilisation or ()),
        "mobilisable_by": sorted(p.value for p in model.mobilisable_par or ()),
        "mobilisation_details": model.mobilisation_precisions or "",
        "booking_url": _url(model.lien_mobilisation, "lien_mobilisation"),
        "phone": clean.phone(model.telephone, field="telephone", strict=False),
        "email": clean.email(model.courriel, field="courriel"),
        "contact_name": (model.contact_nom_prenom or "")[:150],
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "eligibility_zone": list(model.zone_eligibilite or []),
        "source_url": _url(model.lien_source, "lien_source"),
        "source_updated_at": model.date_maj,
    }


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def parse_items(
    items: list[tuple[int, dict]], *, kind: str, report: ImportReport, seen
) -> Iterator[Record]:
    model_class = DIService if kind == "service" else DIStructure
    to_values = service_values if kind == "service" else structure_values
    for number, item in items:
        report.rows += 1
        if not isinstance(item, dict):
            report.reject(RowError(number, "*", "not a JSON object", unit="item"))
            continue
        source_id = str(item.get("id") or "").strip()
        if _holds_nul(item):  # "\u0000" in JSON: no text column may hold it (PostgreSQL)
            if source_id:
                seen(source_id, number)
            report.reject(RowError(number, "*", "holds a NUL character (\\u0000)", unit="item"))
            continue
        try:
            model = model_class.model_validate(item)
            values = to_values(model)
        except pydantic.ValidationError as error:
            if source_id:
                seen(source_id, number)
            where, reason, value = _problem(error)
            report.reject(RowError(number, where, reason, value, unit="item"))
            continue
        except FieldProblem as problem:
            seen(source_id, number)
            report.reject(
                RowError(number, problem.field, problem.reason, problem.value, unit="item")
            )
            continue
        parent = str(item.get("structure_id", "")) if kind == "service" else ""
        yield Record(line=number, source_id=source_id, values=values, parent_source_id=parent)
