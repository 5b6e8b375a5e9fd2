"""Response shapes of the public API, documented in the OpenAPI document."""

from __future__ import annotations

import datetime

from ninja import Schema


class NeedOut(Schema):
    slug: str
    name: str
    theme: str
    operators: list[str]
    score: float


class NeedSearchOut(Schema):
    results: list[NeedOut]


class SiteOut(Schema):
    slug: str
    name: str
    network: str
    commune_insee: str
    latitude: float
    longitude: float


class SiteListOut(Schema):
    results: list[SiteOut]


class StructureOut(Schema):
    id: int
    source: str
    source_id: str
    name: str
    typology: str
    address: str
    postcode: str
    commune: str
    commune_insee: str
    latitude: float
    longitude: float
    distance_km: float
    open_now: bool | None
    next_opening: datetime.datetime | None
    place_id: int
    reception_modes: list[str]
    specific_support: list[str]
    thematiques: list[str]
    lieux_services: list[str]
    general_help: bool


class StructureListOut(Schema):
    results: list[StructureOut]


class ServiceOut(Schema):
    id: int
    source_id: str
    name: str
    description: str
    kind: str
    thematiques: list[str]
    publics: list[str]
    fees: list[str]
    reception_modes: list[str]
    mobilisation_modes: list[str]
    booking_url: str
    needs: list[str]


class StructureDetailOut(Schema):
    id: int
    source: str
    source_id: str
    name: str
    typology: str
    siret: str
    reseaux_porteurs: list[str]
    address: str
    postcode: str
    commune: str
    commune_insee: str
    latitude: float | None
    longitude: float | None
    phone: str
    email: str
    website: str
    opening_hours: str
    opening_hours_valid: bool
    description: str
    needs: list[str]
    source_updated_at: datetime.date | None
    is_active: bool
    place_id: int
    rna: str
    address_complement: str
    is_mobile: bool
    other_emails: list[str]
    other_websites: list[str]
    summary: str
    programmes: list[str]
    labels: list[str]
    lieux_services: list[str]
    thematiques: list[str]
    publics: list[str]
    specific_support: list[str]
    fees: list[str]
    access_modalities: list[str]
    accompaniment_modalities: list[str]
    reception_modes: list[str]
    booking_url: str
    accessibility_url: str
    general_help: bool
    source_url: str
    imported_at: datetime.datetime | None
    services: list[ServiceOut]
