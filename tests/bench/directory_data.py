"""A national-scale directory for the benchmarks, generated from real reference data.

Rows sit at real commune centres (``communes-2024.csv`` of the reference data, see
``tests/reference_data.py``), jittered by about a kilometre; communes are drawn in
proportion to the square root of their population, so that cities hold many places
and the countryside a few, as in the published files.
Every list cell uses the standard's own values; hours are valid OpenStreetMap
expressions. Same seed, same file. The reference data is read where it lies, never
copied into the repository.
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiguillage.catalog.vocabularies import LieuxService
from aiguillage.directory.imports.lieux import COLUMNS
from aiguillage.directory.vocabularies import (
    LIEUX_ACCESS_MODALITIES,
    LIEUX_ACCOMPANIMENT,
    LIEUX_FEES,
    LIEUX_LABELS,
    LIEUX_PUBLICS,
    LIEUX_SPECIFIC_SUPPORT,
    join_list,
)
from tests.reference_data import COMMUNES_CSV

JITTER_KM = 1.0
KM_PER_DEGREE = 111.2

KINDS = (
    # (typologie codes, name pattern, weight)
    ("BIB", "Médiathèque de {commune}", 14),
    ("BIB", "Bibliothèque municipale de {commune}", 8),
    ("MAIRIE", "Mairie de {commune}", 12),
    ("CCAS", "CCAS de {commune}", 6),
    ("CS", "Centre social {word} de {commune}", 7),
    ("ASSO", "Association {word} numérique", 9),
    ("TIERS_LIEUX", "Tiers-lieu {word} \u2013 {commune}", 5),
    ("TIERS_LIEUX|ASSO", "La fabrique {word}", 3),
    ("EPN", "Espace public numérique de {commune}", 8),
    ("MJC", "MJC de {commune}", 4),
    ("PIJ_BIJ", "Point information jeunesse de {commune}", 3),
    ("MDS", "Maison des solidarités de {commune}", 4),
    ("CAF", "Point d'accès numérique CAF de {commune}", 3),
    ("CHRS", "Accueil de jour {word}", 2),
    ("ML", "Mission locale {word}", 3),
)
WORDS = (
    "Les Tilleuls", "Le Lien", "Horizon", "Passerelle", "L'Escale", "Les Colibris",
    "Le Relais", "Trait d'union", "Solidarités", "La Clé", "Le Phare", "Kaléidoscope",
    "Pixel", "Les Ateliers", "Le Fil", "Les Possibles", "Connexions", "Le Déclic",
)  # fmt: skip
STREETS = (
    "rue de la République", "place de la Mairie", "avenue Jean Jaurès", "rue Victor Hugo",
    "rue du Général de Gaulle", "place de l'Église", "rue Pasteur", "boulevard Gambetta",
    "rue des Écoles", "rue de la Gare", "allée des Tilleuls", "rue Jules Ferry",
    "chemin du Moulin", "rue du Stade", "avenue de la Libération", "impasse des Lilas",
)  # fmt: skip
COMPLEMENTS = ("Rez-de-chaussée", "Bâtiment B", "1er étage", "Entrée par la cour", "Salle 3")
PRODUCERS = ("Hubik", "Conseiller Numérique", "Dora", "Mednum", "Coop numérique", "Res'in")
PARENTS = ("Commune", "Communauté de communes", "Département", "Réseau Emmaüs Connect")
OTHER_LABELS = ("Label Numérique Inclusif", "Pass numérique", "Campus connecté")

# Weights of the lieux services: "démarches" and "outils du quotidien" are by far the
# most offered in the national file; the others come less often.
SERVICES = (
    (LieuxService.DEMARCHES.value, 0.75),
    (LieuxService.OUTILS_QUOTIDIEN.value, 0.7),
    (LieuxService.SECURITE.value, 0.3),
    (LieuxService.INSERTION_PRO.value, 0.3),
    (LieuxService.ACCES_MATERIEL.value, 0.35),
    (LieuxService.COMPREHENSION.value, 0.2),
    (LieuxService.PARENTALITE.value, 0.12),
    (LieuxService.LOISIRS.value, 0.15),
    (LieuxService.MATERIEL_SOLIDAIRE.value, 0.05),
)
PROGRAMMES = (
    ("Conseillers numériques", 0.4),
    ("Aidants Connect", 0.2),
    ("France Services", 0.04),
    ("Point d'accès numérique CAF", 0.05),
    ("Certification PIX", 0.05),
    ("Bibliothèques numérique de référence", 0.03),
    ("Emmaüs Connect", 0.02),
    ("Promeneurs du net", 0.02),
)

MORNINGS = ("08:30-12:00", "09:00-12:00", "09:00-12:30", "09:30-12:30", "10:00-12:00")
AFTERNOONS = ("13:30-17:00", "14:00-17:30", "14:00-18:00", "13:30-18:00", "14:00-19:00")
DAY_SPANS = ("Mo-Fr", "Mo-Th", "Tu-Fr", "Tu-Sa", "Mo,We,Fr", "Tu,Th")
SUMMARIES = (
    "Accompagnement aux usages du numérique et aux démarches en ligne, sur place ou à distance.",
    "Ateliers collectifs d'initiation à l'ordinateur, au smartphone et à internet.",
    "Aide individuelle pour vos démarches administratives en ligne (CAF, impôts, ANTS…).",
    "Accès libre à des ordinateurs connectés et à une imprimante, avec un médiateur.",
    "Permanences numériques hebdomadaires et ateliers pour les seniors.",
)
DETAIL = (
    "Notre équipe de conseillers numériques vous reçoit avec ou sans rendez-vous pour "
    "prendre en main un ordinateur, une tablette ou un smartphone, créer une adresse "
    "e-mail, sécuriser vos comptes et réaliser vos démarches en ligne. Des ateliers "
    "collectifs ont lieu chaque semaine ; le matériel est prêté sur place."
)


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcode: str
    latitude: float
    longitude: float
    population: int


def load_communes(path: Path = COMMUNES_CSV) -> list[Commune]:
    """Communes and Paris/Lyon/Marseille arrondissements with a centre, one per INSEE code."""
    communes: dict[str, Commune] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["commune_type"] == "COMD" or not row["lat"] or not row["lng"]:
                continue
            if row["insee_com"] in communes:
                continue
            communes[row["insee_com"]] = Commune(
                insee=row["insee_com"],
                name=row["commune"],
                postcode=row["code_postal"],
                latitude=float(row["lat"]),
                longitude=float(row["lng"]),
                population=int(row["population_2021"] or 0),
            )
    return list(communes.values())


def _some(rng: random.Random, weighted) -> list[str]:
    return [value for value, share in weighted if rng.random() < share]


def _hours(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return ""
    days = rng.choice(DAY_SPANS)
    morning, afternoon = rng.choice(MORNINGS), rng.choice(AFTERNOONS)
    shape = rng.random()
    if shape < 0.5:
        hours = f"{days} {morning},{afternoon}"
    elif shape < 0.75:
        hours = f"{days} {afternoon}; Sa {morning}"
    elif shape < 0.9:
        hours = f"{days} {morning}; We {afternoon}"
    else:
        hours = f"{days} {morning},{afternoon}; Sa {morning}; PH off"
    return hours


def _jitter(rng: random.Random, commune: Commune) -> tuple[float, float]:
    dlat = rng.gauss(0, JITTER_KM) / KM_PER_DEGREE
    dlon = rng.gauss(0, JITTER_KM) / (KM_PER_DEGREE * math.cos(math.radians(commune.latitude)))
    return round(commune.latitude + dlat, 6), round(commune.longitude + dlon, 6)


def lieux_rows(count: int, communes: list[Commune], *, seed: int) -> Iterator[dict[str, str]]:
    """``count`` rows of the standard des lieux de médiation numérique, all valid."""
    rng = random.Random(seed)
    weights = [math.sqrt(c.population + 1) for c in communes]
    kinds, kind_weights = list(KINDS), [k[2] for k in KINDS]
    picked = rng.choices(communes, weights=weights, k=count)
    start = datetime.date(2023, 1, 1)
    for index, commune in enumerate(picked):
        typology, pattern, _weight = rng.choices(kinds, weights=kind_weights)[0]
        name = pattern.format(commune=commune.name, word=rng.choice(WORDS))
        slug = f"lieu{seed}-{index}"
        latitude, longitude = _jitter(rng, commune)
        services = _some(rng, SERVICES) or [LieuxService.OUTILS_QUOTIDIEN.value]
        access = _some(rng, zip(LIEUX_ACCESS_MODALITIES[:4], (0.8, 0.7, 0.4, 0.2), strict=True))
        accompaniment = _some(rng, zip(LIEUX_ACCOMPANIMENT, (0.4, 0.8, 0.5, 0.1), strict=True))
        emails = [f"contact@{slug}.fr"] + ([f"numerique@{slug}.fr"] if rng.random() < 0.2 else [])
        yield {
            "id": f"bench-{seed}-{index:06d}",
            "pivot": f"{rng.randrange(10**13, 10**14)}",
            "nom": name if rng.random() < 0.9 else f"{name} ({rng.choice(WORDS)})",
            "commune": commune.name,
            "code_postal": commune.postcode,
            "code_insee": commune.insee,
            "adresse": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            "complement_adresse": rng.choice(COMPLEMENTS) if rng.random() < 0.2 else "",
            "latitude": f"{latitude}",
            "longitude": f"{longitude}",
            "typologie": typology,
            "telephone": f"+33{rng.choice('123459')}{rng.randrange(10**7, 10**8)}",
            "courriels": join_list(emails),
            "site_web": f"https://www.{slug}.fr/" if rng.random() < 0.6 else "",
            "horaires": _hours(rng),
            "presentation_resume": rng.choice(SUMMARIES),
            "presentation_detail": DETAIL if rng.random() < 0.4 else "",
            "source": rng.choice(PRODUCERS),
            "itinerance": "Itinérant" if rng.random() < 0.03 else "Fixe",
            "structure_parente": rng.choice(PARENTS) if rng.random() < 0.3 else "",
            "date_maj": (start + datetime.timedelta(days=rng.randrange(600))).isoformat(),
            "services": join_list(services),
            "publics_specifiquement_adresses": join_list(
                rng.sample(LIEUX_PUBLICS, rng.choice((0, 0, 1, 2)))
            ),
            "prise_en_charge_specifique": join_list(
                rng.sample(LIEUX_SPECIFIC_SUPPORT, rng.choice((0, 0, 0, 1, 2)))
            ),
            "frais_a_charge": rng.choice(LIEUX_FEES[:1] * 6 + LIEUX_FEES[1:]),
            "dispositif_programmes_nationaux": join_list(_some(rng, PROGRAMMES)),
            "formations_labels": join_list(rng.sample(LIEUX_LABELS, rng.choice((0, 0, 0, 1)))),
            "autres_formations_labels": rng.choice(OTHER_LABELS) if rng.random() < 0.05 else "",
            "modalites_acces": join_list(access),
            "modalites_accompagnement": join_list(accompaniment),
            "fiche_acces_libre": (
                f"https://acceslibre.beta.gouv.fr/app/{commune.insee}/a/lieu/erp/{slug}/"
                if rng.random() < 0.15
                else ""
            ),
            "prise_rdv": f"https://rdv.{slug}.fr/" if rng.random() < 0.1 else "",
        }


def write_lieux_csv(path: Path, count: int, communes: list[Commune], *, seed: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(lieux_rows(count, communes, seed=seed))
    return path
