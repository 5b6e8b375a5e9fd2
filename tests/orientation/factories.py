import factory

from aiguillage.orientation.models import CharterRule, Mode
from tests.core.factories import NetworkFactory


class CharterRuleFactory(factory.django.DjangoModelFactory):
    """A network-wide rule allowing a mode to librarians; pass role_* / scope to change it."""

    class Meta:
        model = CharterRule

    network = factory.SubFactory(NetworkFactory)
    mode = Mode.ORIENT
    allowed = True
    role_librarian = True

    class Params:
        refused = factory.Trait(allowed=False, role_librarian=False)
