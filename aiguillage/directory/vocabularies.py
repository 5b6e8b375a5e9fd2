"""The closed lists of the two directory standards, spelled as they publish them.

The lieux-de-médiation-numérique standard (v1.0.2) has no Python package: its lists
are written here and a test compares them with the published ``schema.json``. The
data·inclusion v1 lists come from ``data-inclusion-schema``. Where the two standards
say the same thing (publics, reception mode, fees), the mapping between them lives
here too, so that importers and exporters agree.
"""

from __future__ import annotations

from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    Thematique,
    TypeService,
)

from aiguillage.catalog.vocabularies import LieuxService

LIEUX_SEPARATOR = "|"

LIEUX_SERVICES: tuple[str, ...] = tuple(LieuxService.values)
LIEUX_ITINERANCE = ("Itinérant", "Fixe")
LIEUX_PUBLICS = ("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes")
LIEUX_SPECIFIC_SUPPORT = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)
LIEUX_FEES = ("Gratuit", "Gratuit sous condition", "Payant")
LIEUX_PROGRAMMES = (
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
)
LIEUX_LABELS = (
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques(La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
)
LIEUX_ACCESS_MODALITIES = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
)
LIEUX_ACCOMPANIMENT = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)

# Every multi-valued lieux column and the closed list it draws from.
LIEUX_LISTS: dict[str, tuple[str, ...]] = {
    "itinerance": LIEUX_ITINERANCE,
    "services": LIEUX_SERVICES,
    "publics_specifiquement_adresses": LIEUX_PUBLICS,
    "prise_en_charge_specifique": LIEUX_SPECIFIC_SUPPORT,
    "frais_a_charge": LIEUX_FEES,
    "dispositif_programmes_nationaux": LIEUX_PROGRAMMES,
    "formations_labels": LIEUX_LABELS,
    "modalites_acces": LIEUX_ACCESS_MODALITIES,
    "modalites_accompagnement": LIEUX_ACCOMPANIMENT,
}

DI_THEMATIQUES = frozenset(t.value for t in Thematique)
DI_PUBLICS = frozenset(p.value for p in Public)
DI_FRAIS = frozenset(f.value for f in Frais)
DI_MODES_ACCUEIL = frozenset(m.value for m in ModeAccueil)
DI_MODES_MOBILISATION = frozenset(m.value for m in ModeMobilisation)
DI_MOBILISABLE_PAR = frozenset(p.value for p in PersonneMobilisatrice)
DI_TYPES = frozenset(t.value for t in TypeService)

# Reception modes: where the visitor is received. Stored with data·inclusion codes.
ON_SITE = "en-presentiel"
REMOTE = "a-distance"
RECEPTION_MODE_LABELS = {ON_SITE: "sur place", REMOTE: "à distance"}

# lieux "frais_a_charge" <-> data·inclusion "frais"
LIEUX_FEES_TO_DI = {"Gratuit": "gratuit", "Gratuit sous condition": "gratuit", "Payant": "payant"}
DI_FEES_TO_LIEUX = {"gratuit": "Gratuit", "payant": "Payant"}

# Specific support that the orientation engine matches with the visitor's situation.
SUPPORT_DEAFNESS = "Surdité"
SUPPORT_VISUAL = "Déficience visuelle"
SUPPORT_MOTOR = "Handicaps moteurs"
SUPPORT_ILLITERACY = "Illettrisme"
SUPPORT_LANGUAGES = ("Langues étrangères (anglais)", "Langues étrangères (autres)")


def split_list(raw: str) -> list[str]:
    """A ``|``-separated cell as a list, blanks dropped, order and duplicates kept once."""
    values: list[str] = []
    for part in raw.split(LIEUX_SEPARATOR):
        value = part.strip()
        if value and value not in values:
            values.append(value)
    return values


def join_list(values: list[str]) -> str:
    return LIEUX_SEPARATOR.join(values)
