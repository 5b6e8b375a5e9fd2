"""Writes on structures typed or corrected by staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from aiguillage.core.opening import parse_opening_hours
from aiguillage.directory.models import Structure

NEEDS_FIELD = "covered_needs"


@transaction.atomic
def update_structure(*, structure: Structure, data: dict[str, Any], actor) -> Structure:
    """Save staff corrections. Changed covered needs are then kept by later imports
    (``covered_needs_edited``): a person checked them, an import only derives them."""
    needs = data.get(NEEDS_FIELD)
    for name, value in data.items():
        if name != NEEDS_FIELD:
            setattr(structure, name, value)
    structure.opening_hours_valid = (
        not structure.opening_hours or parse_opening_hours(structure.opening_hours) is not None
    )
    structure.full_clean(exclude=["source", "source_id"])
    if needs is not None:
        before = set(structure.covered_needs.values_list("pk", flat=True))
        after = {need.pk for need in needs}
        if before != after:
            structure.covered_needs.set(needs)
            structure.covered_needs_edited = True
    structure.save()
    return structure
