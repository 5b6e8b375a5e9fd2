"""Scoped reads about staff: always within one network."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from aiguillage.accounts.models import Habilitation, HabilitationKind, Membership
from aiguillage.catalog.models import Theme
from aiguillage.core.models import Network


def get_membership(*, user, network: Network) -> Membership | None:
    """The caller's active membership of ``network`` (None for a superuser without one)."""
    return Membership.objects.active().filter(user=user, network=network).first()


def aidants_connect_perimeter(*, membership: Membership, day: datetime.date) -> list[Theme] | None:
    """The themes the member's Aidants Connect habilitations cover on ``day`` (the
    perimeter of their mandates), or None when they hold no valid one."""
    valid = list(
        Habilitation.objects.of_kind(HabilitationKind.AIDANTS_CONNECT)
        .valid_on(day)
        .filter(membership=membership)
        .prefetch_related("themes")
    )
    if not valid:
        return None
    themes = {theme.pk: theme for habilitation in valid for theme in habilitation.themes.all()}
    return sorted(themes.values(), key=lambda theme: (theme.position, theme.name))


def may_act_for(*, network: Network, theme: Theme, day: datetime.date) -> QuerySet[Membership]:
    """Salaried staff of the network holding, on ``day``, Aidants Connect covering ``theme``."""
    valid = (
        Habilitation.objects.of_kind(HabilitationKind.AIDANTS_CONNECT)
        .valid_on(day)
        .covering_theme(theme)
    )
    return (
        Membership.objects.active()
        .of_network(network)
        .salaried()
        .filter(habilitations__in=valid)
        .select_related("user")
        .distinct()
    )
