"""Factories for the territory: communes and the communes a network serves."""

import factory

from aiguillage.directory.models import Commune, ServedCommune, department_of
from tests.core.factories import NetworkFactory


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
