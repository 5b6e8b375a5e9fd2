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
    # Open every day from 8:00 to 20:00: tests pick their days relative to "now", which
    # may be any weekday; the agenda's refusal of closed hours has its own tests
    # (tests/agenda/test_place_calendar.py), with hours of their own.
    opening_hours = "Mo-Su 08:00-20:00"
    public_computers = 4
    has_printer = True
    has_scanner = True
    has_wifi = True
