import factory

from aiguillage.core.models import Network, Site


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Réseau des médiathèques {n}")
    slug = factory.Sequence(lambda n: f"reseau-{n}")
    theme_color = "#1d4f91"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Médiathèque {n}")
    slug = factory.Sequence(lambda n: f"mediatheque-{n}")
    address = "1 place de la Mairie"
    postcode = "34400"
    commune_name = "Lunel"
    commune_insee = "34145"
    latitude = 43.6757
    longitude = 4.1357
    # Open every weekday but Sunday, from 9:00: the agenda refuses dates when it is closed.
    opening_hours = "Mo-Sa 09:00-19:00"
    public_computers = 4
    has_printer = True
    has_scanner = True
    has_wifi = True
