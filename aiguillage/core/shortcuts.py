"""Small helpers of every app's views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def or_404(getter: Callable[..., Any], **kwargs) -> Any:
    """A network-scoped getter's row, or 404 when it is missing or another network's."""
    try:
        return getter(**kwargs)
    except ObjectDoesNotExist:
        raise Http404("No such row in this network.") from None
