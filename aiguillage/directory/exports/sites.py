"""What a network's own site says about itself on the national maps.

A Site records facts (address, hours, equipment, accessibility), not the standards'
vocabularies, so the exported description is derived from those facts and nothing
else: every site holds the desk (Aiguillage is the desk), so it helps with online
administrative procedures in person; public computers or wifi add the "access to
internet and equipment" service and self-service use. Fees, programmes and labels
are not recorded for sites and are left empty rather than guessed.
"""

from __future__ import annotations

from aiguillage.catalog.vocabularies import LieuxService
from aiguillage.core.models import Site

# data·inclusion v0 typologie "Bibliothèque / Médiathèque", which the lieux standard
# uses in its ``typologie`` column.
LIBRARY_TYPOLOGY = "BIB"
DESK_SERVICE_NAME = "Aide aux démarches en ligne"


def site_pivot(site: Site) -> str:
    """The site's SIRET, else its network's: the lieux standard requires one.

    Neither Site nor Network has a SIRET field yet: this reads it as soon as one
    exists, and until then every site is left out of a lieux export with that reason
    (the number is never invented).
    """
    for owner in (site, site.network):
        value = str(getattr(owner, "siret", "") or "").replace(" ", "")
        if value:
            return value
    return ""


def offers_equipment(site: Site) -> bool:
    return site.public_computers > 0 or site.has_wifi


def lieux_services(site: Site) -> list[str]:
    services = [LieuxService.DEMARCHES.value]
    if offers_equipment(site):
        services.append(LieuxService.ACCES_MATERIEL.value)
    return services


def access_modalities(site: Site) -> list[str]:
    """How a visitor gets in touch, from the contact details the site has."""
    modalities = ["Se présenter"]
    if site.phone:
        modalities.append("Téléphoner")
    if site.email:
        modalities.append("Contacter par mail")
    return modalities


def accompaniment_modalities(site: Site) -> list[str]:
    modalities = ["Accompagnement individuel"]
    if site.public_computers > 0:
        modalities.append("En autonomie")
    return modalities


def equipment_phrase(site: Site) -> str:
    """``4 ordinateurs en accès libre, wifi public, imprimante, scanner`` (may be empty)."""
    parts = []
    if site.public_computers == 1:
        parts.append("1 ordinateur en accès libre")
    elif site.public_computers > 1:
        parts.append(f"{site.public_computers} ordinateurs en accès libre")
    if site.has_wifi:
        parts.append("wifi public")
    if site.has_printer:
        parts.append("imprimante")
    if site.has_scanner:
        parts.append("scanner")
    return ", ".join(parts)


def summary(site: Site) -> str:
    """A short French presentation (the lieux ``presentation_resume``, ≤ 280 characters)."""
    text = f"{site.network.name} : aide aux démarches administratives en ligne, sur place."
    equipment = equipment_phrase(site)
    if equipment:
        text += f" Sur place : {equipment}."
    return text


def accessibility(site: Site) -> str:
    notes = site.accessibility_notes.strip()
    return f"Accessibilité : {notes}" if notes else ""
