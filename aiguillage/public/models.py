"""The public portal's own table: the counters of its rate limit.

A counter is one row per client and window, shared by every server process through
the database (SQLite or PostgreSQL), so the limit holds whatever gunicorn worker
answers. The client is a keyed hash of its address, never the address itself.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    # "<scope>:<HMAC of the client address>": says nothing about who the client is.
    bucket = models.CharField(_("compteur"), max_length=100)
    # Start of the fixed window, in seconds since the epoch (an integer keeps the
    # atomic upsert the same plain SQL on both engines).
    window_start = models.BigIntegerField(_("début de la période"))
    hits = models.PositiveIntegerField(_("demandes"), default=0)

    class Meta:
        verbose_name = _("compteur de demandes")
        verbose_name_plural = _("compteurs de demandes")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "window_start"], name="public_rate_limit_one_per_window"
            ),
            models.CheckConstraint(condition=Q(hits__gte=0), name="public_rate_limit_hits"),
        ]
        indexes = [models.Index(fields=["window_start"], name="public_rate_limit_window")]

    def __str__(self) -> str:
        return f"{self.bucket} @ {self.window_start}: {self.hits}"
