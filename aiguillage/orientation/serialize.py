"""The orientation as plain JSON data: the one shape of ``manage.py orient --json``, of
``GET /api/v1/orientation`` and of the desk's answers.

One function, so that the command, the API and the desk cannot drift apart: the same
question asked at the same moment gets the same answer, key for key. Keys are part of
the API: add, never rename. A target's optional keys are present only when they say
something (a distance, a start, an address…), so that a client tests for the key
rather than for an empty string.
"""

from __future__ import annotations

import datetime
from typing import Any

from aiguillage.orientation.engine import Orientation, Recommendation, Target


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def target_to_dict(target: Target) -> dict[str, Any]:
    """``kind``, ``id`` and ``name`` always; every other field only when it is set."""
    data: dict[str, Any] = {"kind": target.kind, "id": target.id, "name": target.name}
    if target.distance_km is not None:
        data["distance_km"] = target.distance_km
    if target.starts_at is not None:
        data["starts_at"] = _iso(target.starts_at)
    if target.ends_at is not None:
        data["ends_at"] = _iso(target.ends_at)
    for name in ("site_name", "address", "phone", "url", "hours", "opening_hours"):
        value = getattr(target, name)
        if value:
            data[name] = value
    if target.access:
        data["access"] = list(target.access)
    if target.seats_left is not None:
        data["seats_left"] = target.seats_left
    if target.waiting_list:
        data["waiting_list"] = True
    return data


def recommendation_to_dict(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "mode": recommendation.mode,
        "mode_label": recommendation.mode_label,
        "target": target_to_dict(recommendation.target),
        "title": recommendation.title,
        "why": recommendation.why,
        "reasons": list(recommendation.reasons),
        "warnings": list(recommendation.warnings),
        "actions": list(recommendation.actions),
        "score": recommendation.score.as_dict(),
    }


def orientation_to_dict(result: Orientation) -> dict[str, Any]:
    """The whole answer: the need understood (or ``None``), the ranked recommendations,
    the global warnings and checklist, the modes left out and why, and whether the need
    is unmet (nothing fits) with the reasons."""
    need = result.need
    return {
        "need": (
            None
            if need is None
            else {"slug": need.slug, "name": need.name, "theme": need.theme_name}
        ),
        "query": result.query,
        "alternatives": [{"slug": a.slug, "name": a.name} for a in result.alternatives],
        "at": _iso(result.at) if result.at is not None else None,
        "recommendations": [recommendation_to_dict(r) for r in result.recommendations],
        "warnings": list(result.warnings),
        "checklist": list(result.checklist),
        "excluded": [
            {"mode": e.mode, "label": e.label, "reasons": list(e.reasons)} for e in result.excluded
        ],
        "unmet": result.unmet,
        "unmet_reasons": list(result.unmet_reasons),
    }


__all__ = ["orientation_to_dict", "recommendation_to_dict", "target_to_dict"]
