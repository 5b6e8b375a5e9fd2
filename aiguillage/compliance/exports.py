"""A person's data as a file to save: the staff's rights page and the visitor's "Mes
données" hand over the same file."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from aiguillage.core.models import Network


def private_response(response: HttpResponse) -> HttpResponse:
    """Personal data: no cache keeps it, in the browser or on the way."""
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def export_response(data: dict, *, network: Network) -> HttpResponse:
    """The export as a file to save; its name says the network and the day, nobody."""
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="donnees-{network.slug}-{day}.json"'
    return private_response(response)
