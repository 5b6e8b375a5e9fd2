"""Response shape of ``GET /api/v1/orientation``, documented in the OpenAPI document.

The answer itself is built by ``aiguillage.orientation.serialize.orientation_to_dict``,
the one serialisation the command and the desk share; these schemas describe it (and
check it on the way out). Dates are kept as the serialiser writes them (ISO 8601 with
the offset of Europe/Paris), so that the API and ``manage.py orient --json`` answer
the same text.
"""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

ISO = {"format": "date-time"}


class OrientationNeedOut(Schema):
    slug: str = Field(description="Slug of the need in the catalog (see GET /needs).")
    name: str
    theme: str = Field(description="Name of the need's theme.")


class AlternativeOut(Schema):
    slug: str
    name: str


class TargetOut(Schema):
    """Where the recommendation sends the person. ``kind``, ``id`` and ``name`` are always
    there; every other key only when it says something."""

    kind: str = Field(
        description="structure (a place of the directory, id of GET /structures/{id}), "
        "online_service (id null), partner_slot (a free slot, id for POST /appointments), "
        "staff_slot, workshop (id for POST /workshops/{id}/registrations), desk."
    )
    id: int | None
    name: str
    distance_km: float | None = Field(None, description="From the site or the commune.")
    starts_at: str | None = Field(None, json_schema_extra=ISO)
    ends_at: str | None = Field(None, json_schema_extra=ISO)
    site_name: str | None = Field(None, description="The site of the slot or workshop.")
    address: str | None = None
    phone: str | None = None
    url: str | None = Field(None, description="Booking page, website or online service.")
    hours: str | None = Field(None, description="Opening hours in words, at the moment asked.")
    opening_hours: str | None = Field(None, description="OpenStreetMap opening_hours.")
    access: list[str] | None = Field(None, description="How to be received (the standard's).")
    seats_left: int | None = None
    waiting_list: bool | None = Field(None, description="true: full, the waiting list only.")


class ScoreOut(Schema):
    """Each component in [0, 1]; ``total`` is their weighted mean."""

    total: float
    competence: float
    distance: float
    delay: float
    support: float
    autonomy: float
    charter: float


class RecommendationOut(Schema):
    mode: Literal["orient", "partner_on_site", "accompany", "act_for", "train"]
    mode_label: str = Field(description="The mode in words, in the request's language.")
    target: TargetOut
    title: str
    why: str = Field(
        description=(
            'Why, in one sentence and in words ("le plus proche ouvert qui traite les '
            'démarches CAF, ouvert maintenant"); the reasons and the score say the rest.'
        )
    )
    reasons: list[str]
    warnings: list[str]
    actions: list[str] = Field(
        description="book, register, print_slip, call, open_online, start, record_mandate."
    )
    score: ScoreOut


class ExcludedOut(Schema):
    mode: Literal["orient", "partner_on_site", "accompany", "act_for", "train"]
    label: str
    reasons: list[str]


class OrientationOut(Schema):
    need: OrientationNeedOut | None = Field(
        description="The need understood; null when the query matched none."
    )
    query: str
    alternatives: list[AlternativeOut] = Field(
        description="The next needs the query may have meant."
    )
    at: str | None = Field(description="The moment of the answer.", json_schema_extra=ISO)
    recommendations: list[RecommendationOut] = Field(description="Best first, at most 8.")
    warnings: list[str]
    checklist: list[str] = Field(description="What to bring and to check.")
    excluded: list[ExcludedOut] = Field(description="Modes left out here, and why.")
    unmet: bool = Field(description="true when nothing fits.")
    unmet_reasons: list[str]
