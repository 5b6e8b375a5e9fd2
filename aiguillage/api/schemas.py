"""Response shapes of the public API, documented in the OpenAPI document."""

from __future__ import annotations

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
