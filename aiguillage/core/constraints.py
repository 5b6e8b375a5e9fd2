"""Database constraints every located or coded model shares (sites, structures, communes)."""

from __future__ import annotations

from django.db import models

from aiguillage.core.validators import INSEE_CODE_PATTERN


def coordinates_in_range(*, name: str, nullable: bool) -> models.CheckConstraint:
    """WGS84 latitude/longitude in range; when nullable, both present or both missing."""
    in_range = models.Q(latitude__gte=-90, latitude__lte=90) & models.Q(
        longitude__gte=-180, longitude__lte=180
    )
    if nullable:
        both_missing = models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True)
        return models.CheckConstraint(condition=both_missing | in_range, name=name)
    return models.CheckConstraint(condition=in_range, name=name)


def insee_code_format(*, field: str, name: str, blank: bool = False) -> models.CheckConstraint:
    valid = models.Q(**{f"{field}__regex": INSEE_CODE_PATTERN})
    condition = models.Q(**{field: ""}) | valid if blank else valid
    return models.CheckConstraint(condition=condition, name=name)
