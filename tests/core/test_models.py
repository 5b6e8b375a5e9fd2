import pytest
from django.db import IntegrityError, transaction

from tests.core.factories import NetworkFactory, SiteFactory


@pytest.mark.django_db
class TestSiteIntegrity:
    def test_slug_is_unique_within_a_network_only(self):
        site = SiteFactory(slug="centre")
        SiteFactory(slug="centre")  # another network: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            SiteFactory(network=site.network, slug="centre")

    def test_name_is_unique_within_a_network_whatever_the_case(self):
        site = SiteFactory(name="Médiathèque Centrale")
        with pytest.raises(IntegrityError), transaction.atomic():
            SiteFactory(network=site.network, name="médiathèque centrale")

    @pytest.mark.parametrize(
        "field,value",
        [("latitude", 91.0), ("longitude", -181.0), ("commune_insee", "123"), ("postcode", "7500")],
    )
    def test_database_refuses_impossible_values(self, field, value):
        with pytest.raises(IntegrityError), transaction.atomic():
            SiteFactory(**{field: value})

    def test_a_network_with_sites_cannot_be_deleted_by_accident(self):
        from django.db.models import ProtectedError

        site = SiteFactory()
        with pytest.raises(ProtectedError):
            site.network.delete()


@pytest.mark.django_db
def test_network_colour_must_be_hexadecimal_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkFactory(theme_color="red")
