import factory

from aiguillage.directory.models import Partnership, PartnershipStatus, Service
from tests.core.factories import NetworkFactory
from tests.directory.factories import StructureFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    structure = factory.SubFactory(StructureFactory)
    status = PartnershipStatus.ACTIVE


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Accompagnement aux démarches en ligne, sur rendez-vous."
    kind = "accompagnement"
    thematiques = ["numerique--acceder-a-des-services-en-ligne"]
    reception_modes = ["en-presentiel"]
    source = "test"
    source_id = factory.Sequence(lambda n: f"svc-{n}")
