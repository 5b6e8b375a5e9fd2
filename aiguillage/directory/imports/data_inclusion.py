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
from django.utils.translation import gettext as _

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
    except RecursionError:  # "[[[[…": the parser recurses once a level
        raise UnreadableFile(
            _(
                "%(name)s ne peut pas être lu : ses données JSON sont imbriquées trop "
                "profondément (un fichier data·inclusion n'a que quelques niveaux)"
            )
            % {"name": name}
        ) from None
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


def _url(value, field: str, warnings: clean.Warnings) -> str:
    return clean.usable_url(str(value), field=field, warnings=warnings) if value else ""


def _hours(model: DIStructure | DIService, warnings: clean.Warnings) -> tuple[str, bool]:
    return clean.usable_opening_hours(
        model.horaires_accueil, field="horaires_accueil", warnings=warnings
    )


def structure_values(model: DIStructure, warnings: clean.Warnings) -> dict:
    latitude, longitude = clean.coordinates(model.latitude, model.longitude)
    hours, hours_valid = _hours(model, warnings)
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
        "phone": clean.usable_phone(model.telephone, field="telephone", warnings=warnings),
        "email": clean.usable_email(model.courriel, field="courriel", warnings=warnings),
        "website": _url(model.site_web, "site_web", warnings),
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "description": model.description or "",
        "accessibility_url": _url(model.accessibilite_lieu, "accessibilite_lieu", warnings),
        "source_url": _url(model.lien_source, "lien_source", warnings),
        "producer": model.source[:150],
        "source_updated_at": model.date_maj,
    }


def service_values(model: DIService, warnings: clean.Warnings) -> dict:
    hours, hours_valid = _hours(model, warnings)
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
        "booking_url": _url(model.lien_mobilisation, "lien_mobilisation", warnings),
        "phone": clean.usable_phone(model.telephone, field="telephone", warnings=warnings),
        "email": clean.usable_email(model.courriel, field="courriel", warnings=warnings),
        "contact_name": (model.contact_nom_prenom or "")[:150],
        "opening_hours": hours,
        "opening_hours_valid": hours_valid,
        "eligibility_zone": list(model.zone_eligibilite or []),
        "source_url": _url(model.lien_source, "lien_source", warnings),
        "source_updated_at": model.date_maj,
    }


# An item is an object of strings, numbers and lists of strings: a few levels. Deeper
# values are refused before anything (validation, reports) walks them recursively.
MAX_ITEM_DEPTH = 32
# The fields whose bad value is never a reason to refuse an item (see fields.usable_*):
# the schema's e-mail and web address formats. Their value is repaired or left out.
LENIENT_FORMATS = {
    "courriel": "email",
    "site_web": "url",
    "accessibilite_lieu": "url",
    "lien_source": "url",
    "lien_mobilisation": "url",
}


def _inspect(item: object) -> str:
    """Why an item cannot be stored whatever its schema says ("" when it can): a NUL
    character, or values nested too deeply. Walked without recursion."""
    stack: list[tuple[object, int]] = [(item, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:  # "\u0000" in JSON: no text column may hold it (PostgreSQL)
                return "holds a NUL character (\\u0000)"
        elif isinstance(value, dict | list):
            if depth >= MAX_ITEM_DEPTH:
                return f"values nested more than {MAX_ITEM_DEPTH} levels deep"
            children = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, child in children:
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
    return ""


def _validate(model_class, item: dict, warnings: clean.Warnings):
    """The item as the official model reads it. A bad e-mail or web address (a string)
    does not refuse it: "www.ville.fr" is read as "https://www.ville.fr", anything else
    is left out, each with a warning; any other problem raises."""
    item = dict(item)
    tried: set[str] = set()
    while True:
        try:
            return model_class.model_validate(item)
        except pydantic.ValidationError as error:
            problems = error.errors()
            fields = [problem["loc"][0] if problem["loc"] else "" for problem in problems]
            if not all(
                f in LENIENT_FORMATS and isinstance(item.get(f), str) and len(p["loc"]) == 1
                for f, p in zip(fields, problems, strict=True)
            ):
                raise
            for field in dict.fromkeys(fields):
                value = item[field].strip()
                if LENIENT_FORMATS[field] == "url" and field not in tried and "://" not in value:
                    tried.add(field)
                    item[field] = "https://" + value
                    reason = "web address without http:// or https://: https:// added"
                    warnings.append(clean.FieldProblem(field, reason, value, code="url_scheme"))
                    continue
                if field in tried:  # "https://" did not make it a web address
                    warnings.pop(_index_of(warnings, field))
                    value = value.removeprefix("https://")
                code = LENIENT_FORMATS[field]
                kind = "an e-mail address" if code == "email" else "a web address"
                warnings.append(
                    clean.FieldProblem(field, f"not {kind}: left out", value, code=code)
                )
                item[field] = None


def _index_of(warnings: clean.Warnings, field: str) -> int:
    return next(i for i, w in enumerate(warnings) if w.field == field and w.code == "url_scheme")


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
        refused = _inspect(item)
        if refused:
            if isinstance(item.get("id"), str) and item["id"].strip():
                seen(item["id"].strip(), number)
            report.reject(RowError(number, "*", refused, unit="item"))
            continue
        source_id = str(item.get("id") or "").strip()
        warnings: clean.Warnings = []
        try:
            model = _validate(model_class, item, warnings)
            values = to_values(model, warnings)
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
        yield Record(
            line=number,
            source_id=source_id,
            values=values,
            parent_source_id=parent,
            warnings=warnings,
        )
