import factory

from aiguillage.directory.models import Structure


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure {n}")
    typology = "France services"
    address = "1 place de la République"
    postcode = "34700"
    commune_name = "Lodève"
    commune_insee = "34142"
    latitude = 43.7317
    longitude = 3.3194
    opening_hours = "Mo-Fr 09:00-12:00,13:30-17:00"
    source = "test"
    source_id = factory.Sequence(lambda n: f"s-{n}")

    @factory.post_generation
    def covered_needs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.covered_needs.set(extracted)
