"""Factories for the territory: communes and the communes a network serves."""

from dataclasses import dataclass

import factory

from aiguillage.catalog.models import Need
from aiguillage.core.geo import KM_PER_DEGREE_LATITUDE
from aiguillage.directory.models import Commune, ServedCommune, Structure, department_of
from tests.core.factories import NetworkFactory
from tests.directory.factories import StructureFactory

LODEVE = (43.7317, 3.3194)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    # Department 34 (Hérault) codes; the sequence keeps them unique and valid.
    insee_code = factory.Sequence(lambda n: f"34{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department = factory.LazyAttribute(lambda o: department_of(o.insee_code))
    postcode = "34700"
    postcodes = factory.LazyAttribute(lambda o: [o.postcode])
    latitude = 43.7317
    longitude = 3.3194
    population = 500


class ServedCommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServedCommune

    network = factory.SubFactory(NetworkFactory)
    commune = factory.SubFactory(CommuneFactory)


def north_of_lodeve(km):
    """A point ``km`` due north of Lodève (a meridian arc is exactly km / km-per-degree)."""
    return LODEVE[0] + km / KM_PER_DEGREE_LATITUDE, LODEVE[1]


def serve(network, *, name, km, population, **extra):
    """A commune ``km`` due north of Lodève, served by ``network``."""
    latitude, longitude = north_of_lodeve(km)
    commune = CommuneFactory(
        name=name, latitude=latitude, longitude=longitude, population=population, **extra
    )
    ServedCommuneFactory(network=network, commune=commune)
    return commune


# The needs of the unserved territory, by role: slug.
UNSERVED_NEEDS = {
    "taxes": "declarer-ses-revenus",
    "email": "creer-adresse-email",
    "printing": "imprimer-document",
    "rsa": "demander-rsa",
    "smartphone": "prendre-en-main-smartphone",
}


@dataclass(frozen=True)
class UnservedTerritory:
    communes: dict[str, Commune]
    needs: dict[str, Need]
    structures: dict[str, Structure]


def build_unserved_territory(network) -> UnservedTerritory:
    """Five communes due north of Lodève and five needs served ever farther away.

    Communes at 0, 15, 25, 35 and 150 km north of Lodève. The tax office is in Lodève
    (0 km from the territory); the only e-mail help is 50 km north (15 km from La
    Couvertoirade, the nearest commune), the only printing 60 km north (25 km from
    it); nothing within the 100 km cap does the RSA or the smartphone. So, from the
    territory's nearest commune: nothing within 10 km for four needs, within 20 km
    for three (printing, RSA, smartphone), within 30 km for two (RSA, smartphone).
    """
    communes = {
        "near": serve(network, name="Lodève", km=0, population=7500),
        "mid": serve(network, name="Le Bosc", km=15, population=1000),
        "far": serve(network, name="Le Caylar", km=25, population=400),
        "farther": serve(network, name="La Couvertoirade", km=35, population=200),
        "out": serve(network, name="Nant", km=150, population=100),
    }
    needs = {role: Need.objects.get(slug=slug) for role, slug in UNSERVED_NEEDS.items()}
    email_at = north_of_lodeve(50)
    printing_at = north_of_lodeve(60)
    structures = {
        "taxes": StructureFactory(
            name="Centre des finances publiques",
            latitude=LODEVE[0],
            longitude=LODEVE[1],
            covered_needs=[needs["taxes"]],
        ),
        "email": StructureFactory(
            name="Espace numérique du Larzac",
            latitude=email_at[0],
            longitude=email_at[1],
            covered_needs=[needs["email"]],
        ),
        "printing": StructureFactory(
            name="Point numérique de Millau",
            latitude=printing_at[0],
            longitude=printing_at[1],
            covered_needs=[needs["printing"]],
        ),
    }
    return UnservedTerritory(communes=communes, needs=needs, structures=structures)
