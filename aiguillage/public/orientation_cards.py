"""The public cards of an orientation: what a visitor sees of each recommendation (its
place, its times, how to go, call, book or register), links to public pages only."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aiguillage.catalog.models import Need
from aiguillage.core import phones
from aiguillage.core.french import of_place
from aiguillage.directory.models import Commune
from aiguillage.orientation import wording
from aiguillage.orientation.engine import NextStep, Orientation, Recommendation, TargetKind

# Distances are measured from the commune's centre: under this, "near the centre" says
# more than "à 0 m".
NEAR_CENTRE_KM = 0.5


@dataclass(frozen=True)
class Card:
    """One recommendation as the visitor reads it: plain words and big buttons."""

    recommendation: Recommendation
    kicker: str
    heading: str
    reason: str
    distance: str
    where: str
    address: str
    hours: str
    phone: str
    phone_href: str
    action_url: str
    action_label: str
    link_url: str
    link_label: str
    slip_url: str


def tel_href(raw: str) -> str:
    """``tel:+33467000000`` for a number as typed in the directory; "" when unusable."""
    value = (raw or "").strip()
    if not value:
        return ""
    number = phones.valid(value)
    if number is not None:
        return "tel:" + phones.e164(number)
    digits = "".join(c for c in value if c.isdigit() or c == "+")
    return f"tel:{digits}" if digits else ""


def card_of(
    recommendation: Recommendation, *, network, need: Need, commune: Commune, slip_base: str
) -> Card:
    target = recommendation.target
    distance = ""
    if target.distance_km is not None and target.distance_km < NEAR_CENTRE_KM:
        distance = _("Près du centre %(of_commune)s") % {"of_commune": of_place(commune.name)}
    elif target.distance_km is not None:
        distance = _("À %(distance)s de %(commune)s") % {
            "distance": wording.km(target.distance_km),
            "commune": commune.name,
        }
    fields = {
        "kicker": "",
        "heading": recommendation.title,
        "where": "",
        "address": "",
        "hours": "",
        "phone": "",
        "phone_href": "",
        "action_url": "",
        "action_label": "",
        "link_url": "",
        "link_label": "",
    }
    if target.kind == TargetKind.STRUCTURE:
        fields |= {
            "kicker": _("Un lieu qui peut vous aider"),
            "heading": target.name,
            "address": target.address,
            "hours": target.hours,
            "phone": target.phone,
            "phone_href": tel_href(target.phone),
        }
        if NextStep.OPEN_ONLINE in recommendation.actions and target.url:
            fields |= {"link_url": target.url, "link_label": _("Prendre rendez-vous en ligne")}
        elif target.url:
            fields |= {"link_url": target.url, "link_label": _("Voir son site internet")}
    elif target.kind == TargetKind.ONLINE_SERVICE:
        fields |= {
            "kicker": _("Sur internet, chez vous"),
            "link_url": target.url,
            "link_label": _("Aller sur %(site)s") % {"site": target.name},
        }
    elif target.kind == TargetKind.PARTNER_SLOT:
        fields |= {
            "kicker": _("Un rendez-vous près de chez vous"),
            "where": target.site_name,
            "address": target.address,
        }
        if NextStep.BOOK in recommendation.actions:
            book = reverse("public:book", args=[network.slug, target.id])
            fields |= {
                "action_url": f"{book}?{urlencode({'demarche': need.pk})}",
                "action_label": _("Réserver ce rendez-vous"),
            }
    elif target.kind == TargetKind.WORKSHOP:
        fields |= {
            "kicker": _("Un atelier pour apprendre"),
            "where": target.site_name,
            "action_url": reverse("public:workshop", args=[network.slug, target.id]),
            "action_label": _("S'inscrire sur la liste d'attente")
            if target.waiting_list
            else _("S'inscrire"),
        }
    slip_url = ""
    if slip_base:
        query = {"need": need.slug, "kind": target.kind, "commune": commune.insee_code}
        if target.id is not None:
            query["id"] = target.id
        slip_url = f"{slip_base}?{urlencode(query)}"
    return Card(
        recommendation=recommendation,
        reason=recommendation.reasons[0] if recommendation.reasons else "",
        distance=distance,
        slip_url=slip_url,
        **fields,
    )


def cards_of(result: Orientation, *, network, need: Need, commune: Commune) -> list[Card]:
    slip_base = reverse("public:orientation_slip", args=[network.slug])
    return [
        card_of(r, network=network, need=need, commune=commune, slip_base=slip_base)
        for r in result.recommendations
        if r.target.kind in PUBLIC_KINDS
    ]


# What the public page may show: never a staff slot or "accompany now" at the desk.
PUBLIC_KINDS = frozenset(
    {
        TargetKind.STRUCTURE,
        TargetKind.ONLINE_SERVICE,
        TargetKind.PARTNER_SLOT,
        TargetKind.WORKSHOP,
    }
)
