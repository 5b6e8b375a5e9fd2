import datetime

import factory
from django.utils import timezone

from aiguillage.accounts.models import Habilitation, HabilitationKind, Membership, Role, User
from tests.core.factories import NetworkFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@mediatheques.example")
    full_name = factory.Sequence(lambda n: f"Agent {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    network = factory.SubFactory(NetworkFactory)
    role = Role.LIBRARIAN
    is_salaried = True

    class Params:
        volunteer = factory.Trait(role=Role.VOLUNTEER, is_salaried=False)
        mediator = factory.Trait(role=Role.DIGITAL_MEDIATOR)
        coordinator = factory.Trait(role=Role.COORDINATOR)


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory, mediator=True)
    kind = HabilitationKind.AIDANTS_CONNECT
    reference = factory.Sequence(lambda n: f"AC-{n:05d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.themes.set(extracted)
