import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aiguillage.accounts.models import HabilitationKind, Role, User
from aiguillage.accounts.selectors import may_act_for
from aiguillage.accounts.services import add_staff_member, grant_habilitation
from aiguillage.catalog.models import Theme
from tests.accounts.factories import HabilitationFactory, MembershipFactory, UserFactory
from tests.core.factories import NetworkFactory

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture
def taxes(db):
    return Theme.objects.get(slug="argent-impots")


@pytest.fixture
def housing(db):
    return Theme.objects.get(slug="logement")


@pytest.mark.django_db
class TestUsers:
    def test_email_is_the_login_and_unique_whatever_the_case(self):
        UserFactory(email="Camille@Example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user(email="CAMILLE@example.org", password="x" * 12)

    def test_login_is_case_insensitive(self, client):
        user = UserFactory(email="camille@example.org")
        assert User.objects.get_by_natural_key("Camille@EXAMPLE.org") == user

    def test_create_user_lowercases_the_email(self):
        user = User.objects.create_user(email="Lea.Martin@Example.ORG", full_name="Léa")
        assert user.email == "lea.martin@example.org"


@pytest.mark.django_db
class TestMemberships:
    def test_a_volunteer_is_never_salaried_in_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            MembershipFactory(role=Role.VOLUNTEER, is_salaried=True)

    def test_add_staff_member_refuses_a_salaried_volunteer(self):
        with pytest.raises(ValidationError):
            add_staff_member(
                network=NetworkFactory(),
                email="v@example.org",
                full_name="V",
                role=Role.VOLUNTEER,
                is_salaried=True,
            )

    def test_add_staff_member_is_idempotent_and_reuses_the_user(self):
        a, b = NetworkFactory(), NetworkFactory()
        first = add_staff_member(
            network=a,
            email="Sam@example.org",
            full_name="Sam",
            role=Role.LIBRARIAN,
            is_salaried=True,
        )
        again = add_staff_member(
            network=a,
            email="sam@example.org",
            full_name="Sam",
            role=Role.COORDINATOR,
            is_salaried=True,
        )
        other = add_staff_member(
            network=b,
            email="sam@example.org",
            full_name="Sam",
            role=Role.VOLUNTEER,
            is_salaried=False,
        )
        assert first.pk == again.pk and again.role == Role.COORDINATOR
        assert other.user_id == first.user_id and other.network == b
        assert User.objects.filter(email="sam@example.org").count() == 1


@pytest.mark.django_db
class TestHabilitations:
    def test_aidants_connect_is_refused_to_a_volunteer(self, taxes):
        volunteer = MembershipFactory(volunteer=True)
        with pytest.raises(ValidationError, match="salarié"):
            grant_habilitation(
                membership=volunteer,
                kind=HabilitationKind.AIDANTS_CONNECT,
                valid_from=TODAY,
                valid_until=None,
                themes=[taxes],
            )

    def test_aidants_connect_needs_a_perimeter(self):
        with pytest.raises(ValidationError, match="périmètre"):
            grant_habilitation(
                membership=MembershipFactory(mediator=True),
                kind=HabilitationKind.AIDANTS_CONNECT,
                valid_from=TODAY,
                valid_until=None,
            )

    def test_only_aidants_connect_has_themes(self, taxes):
        with pytest.raises(ValidationError):
            grant_habilitation(
                membership=MembershipFactory(),
                kind=HabilitationKind.DIGITAL_ADVISER,
                valid_from=TODAY,
                valid_until=None,
                themes=[taxes],
            )

    def test_end_before_start_is_refused_in_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            HabilitationFactory(valid_from=TODAY, valid_until=TODAY - datetime.timedelta(days=1))

    def test_validity_is_inclusive_of_both_ends(self):
        hab = HabilitationFactory.build(valid_from=TODAY, valid_until=TODAY)
        assert hab.is_valid_on(TODAY)
        assert not hab.is_valid_on(TODAY + datetime.timedelta(days=1))
        assert not hab.is_valid_on(TODAY - datetime.timedelta(days=1))

    def test_may_act_for_needs_salary_validity_and_perimeter(self, taxes, housing):
        network = NetworkFactory()
        valid = HabilitationFactory(
            membership__network=network,
            valid_from=TODAY - datetime.timedelta(days=10),
            valid_until=TODAY + datetime.timedelta(days=10),
            themes=[taxes],
        )
        HabilitationFactory(  # expired
            membership__network=network,
            valid_from=TODAY - datetime.timedelta(days=400),
            valid_until=TODAY - datetime.timedelta(days=1),
            themes=[taxes],
        )
        HabilitationFactory(membership__network=NetworkFactory(), themes=[taxes])  # elsewhere
        assert list(may_act_for(network=network, theme=taxes, day=TODAY)) == [valid.membership]
        assert list(may_act_for(network=network, theme=housing, day=TODAY)) == []
        assert (
            list(may_act_for(network=network, theme=taxes, day=TODAY + datetime.timedelta(days=11)))
            == []
        )
