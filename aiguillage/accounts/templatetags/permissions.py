"""Ask the permission table from a template, to show only the buttons that will work.

    {% load permissions %}
    {% if request|can:"imports.run" %}<a href="…">Importer</a>{% endif %}

The doors themselves are guarded by ``network_view(action=...)``; this only keeps a
page from offering what the door would refuse. An unknown action name is an error, not
a silent "no", so that a typo cannot hide a button for everyone.
"""

from __future__ import annotations

from django import template

from aiguillage.accounts.permissions import request_can

register = template.Library()


@register.filter(name="can")
def can(request, action: str) -> bool:
    """Whether the caller of this network page may perform ``action``."""
    return request_can(request, action)
