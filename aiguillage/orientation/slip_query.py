"""What a slip's query names, the staff's and the portal's alike: ids only, read once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import Http404, QueryDict

from aiguillage.catalog.models import Need
from aiguillage.orientation.engine import TargetKind

PAPERS = ("a5", "a4")


@dataclass(frozen=True)
class SlipTarget:
    """What every slip's query names, the staff's and the portal's: ids only."""

    kind: str
    target_id: int | None
    paper: str
    need: Need | None


def read_target(query: QueryDict, *, kinds: Collection[str]) -> SlipTarget:
    """The slip's kind (one of ``kinds``), target id, paper and need, or 400/404."""
    kind = query.get("kind", "")
    if kind not in kinds:
        raise BadRequest("Unknown or missing slip kind.")
    raw_id = query.get("id", "").strip()
    if raw_id and not raw_id.isdecimal():
        raise BadRequest("The id is a number.")
    target_id = int(raw_id) if raw_id else None
    if target_id is None and kind != TargetKind.ONLINE_SERVICE:
        raise BadRequest("This kind of slip needs an id.")
    paper = query.get("format", "a5") or "a5"
    if paper not in PAPERS:
        raise BadRequest("The format is a5 or a4.")
    need = None
    if slug := query.get("need", "").strip():
        need = Need.objects.active().select_related("theme").filter(slug=slug).first()
        if need is None:
            raise Http404("No such need.")
    return SlipTarget(kind=kind, target_id=target_id, paper=paper, need=need)
