import factory

from aiguillage.directory.models import (
    PartnerContact,
    Partnership,
    PartnershipStatus,
    PriorityNeed,
)
from tests.core.factories import NetworkFactory
from tests.directory.factories import StructureFactory


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A partnership row as the database holds it (no history: use the services for that)."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    structure = factory.SubFactory(StructureFactory)
    status = PartnershipStatus.ACTIVE

    @factory.post_generation
    def reference_needs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.reference_needs.set(extracted)


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    job_title = "Chargée de partenariats"
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.example")
    phone = "+33467123456"


class PriorityNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityNeed

    network = factory.SubFactory(NetworkFactory)
