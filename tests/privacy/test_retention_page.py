"""The retention settings page: coordinators only, within the bounds, journaled, and it
shows what the next purge would do without doing it."""

import datetime

import pytest
from django.urls import reverse

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Appointment, Channel
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import materialise
from aiguillage.compliance.models import InactivityNotice, PrivacySettings
from aiguillage.privacy.models import JournalAction, JournalEntry
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import PermanenceFactory
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db

VALID = {
    "contact_days": "14",
    "cancelled_days": "7",
    "free_text_days": "365",
    "journal_days": "365",
    "inactive_staff_days": "183",
    "controller_name": "Communauté de communes du Lodévois",
    "dpo_name": "Service mutualisé RGPD",
    "dpo_email": "dpo@lodevois.example",
    "dpo_address": "1 place de la République, 34700 Lodève",
}


@pytest.fixture
def coordinator(db):
    return MembershipFactory(network=SiteFactory().network, coordinator=True)


def url(network) -> str:
    return reverse("compliance:retention", kwargs={"network_slug": network.slug})


def test_a_coordinator_sees_each_category_its_bounds_and_the_next_purge(
    client, coordinator, time_machine
):
    network = coordinator.network
    PrivacySettings.objects.create(network=network, contact_days=20)
    permanence = PermanenceFactory(site=network.sites.get())
    materialise(permanence=permanence, today=datetime.date(2026, 11, 21), window_days=31)
    expired = book_slot(  # on 1 December 2026, more than 20 days before the page is read
        slot=permanence.slots.order_by("starts_at").first(),
        visitor=Visitor(first_name="Camille", email="camille@exemple.fr"),
        need=None,
        channel=Channel.DESK,
        now=datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS),
    )
    time_machine.move_to(datetime.datetime(2026, 12, 31, 10, 0, tzinfo=PARIS), tick=False)
    client.force_login(coordinator.user)
    response = client.get(url(network))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Conservation des données" in html
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["contact_days"].current == 20 and rows["contact_days"].default == 30
    assert (rows["contact_days"].minimum, rows["contact_days"].maximum) == (1, 90)
    assert rows["journal_days"].minimum == 183
    assert rows["contact_days"].today == "1 rendez-vous et 0 inscriptions anonymisés"
    assert "de 1 à 90" in html
    # Previewing wrote nothing.
    assert Appointment.objects.get(pk=expired.pk).purged_at is None
    assert not JournalEntry.objects.filter(action=JournalAction.PURGE).exists()
    assert not InactivityNotice.objects.exists()


def test_a_coordinator_saves_durations_and_who_answers(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(url(coordinator.network), VALID)
    assert response.status_code == 302
    assert response.url == url(coordinator.network)
    saved = PrivacySettings.objects.get(network=coordinator.network)
    assert saved.contact_days == 14
    assert saved.dpo_email == "dpo@lodevois.example"
    (entry,) = JournalEntry.objects.filter(action=JournalAction.RETENTION_CHANGED)
    assert entry.network_id == coordinator.network_id
    assert entry.actor_id == coordinator.user_id and entry.actor_role == "coordinator"
    # Durations by value; the other fields by name only.
    assert entry.details["contact_days"] == 14
    assert "dpo_email" in entry.details["fields"]
    assert "dpo@lodevois.example" not in str(entry.details)
    page = client.get(response.url)
    assert "Les durées de conservation sont enregistrées." in page.content.decode()


def test_a_duration_out_of_bounds_is_refused_keeping_what_was_typed(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(
        url(coordinator.network), {**VALID, "contact_days": "120", "dpo_name": "Mme Dupont"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choisissez une durée entre 1 et 90 jours (par défaut : 30)." in html
    assert 'value="120"' in html and 'value="Mme Dupont"' in html
    assert response.context["form"].errors.keys() == {"contact_days"}
    assert not PrivacySettings.objects.exists()
    assert not JournalEntry.objects.filter(action=JournalAction.RETENTION_CHANGED).exists()


@pytest.mark.parametrize(
    "field,value",
    [("journal_days", "30"), ("cancelled_days", "-1"), ("inactive_staff_days", "deux mois")],
)
def test_other_bad_values_are_refused_next_to_their_field(client, coordinator, field, value):
    client.force_login(coordinator.user)
    response = client.post(url(coordinator.network), {**VALID, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'value="{value}"' in response.content.decode()
    assert not PrivacySettings.objects.exists()


def test_a_bad_dpo_e_mail_is_refused(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(url(coordinator.network), {**VALID, "dpo_email": "pas une adresse"})
    assert response.status_code == 400
    assert "dpo_email" in response.context["form"].errors


@pytest.mark.parametrize("trait", ["volunteer", "mediator", None])
def test_other_roles_are_refused(client, coordinator, trait):
    kwargs = {trait: True} if trait else {}  # None: a librarian
    member = MembershipFactory(network=coordinator.network, **kwargs)
    client.force_login(member.user)
    assert client.get(url(coordinator.network)).status_code == 403
    assert client.post(url(coordinator.network), VALID).status_code == 403
    assert not PrivacySettings.objects.exists()


def test_another_networks_page_is_404(client, coordinator):
    other = MembershipFactory(network=SiteFactory().network, coordinator=True)
    client.force_login(coordinator.user)
    response = client.get(url(other.network))
    assert response.status_code == 404
    assert other.network.name not in response.content.decode()
    assert client.post(url(other.network), VALID).status_code == 404
    assert not PrivacySettings.objects.exists()


def test_anonymous_goes_to_login(client, coordinator):
    response = client.get(url(coordinator.network))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_who_answers_is_guarded_against_sensitive_data(client, coordinator):
    client.force_login(coordinator.user)
    response = client.post(
        url(coordinator.network), {**VALID, "controller_name": "Mairie, mot de passe : Lodeve2024!"}
    )
    assert response.status_code == 400
    assert "mot de passe" in str(response.context["form"].errors["controller_name"])
    assert not PrivacySettings.objects.exists()


def test_the_service_lets_only_the_networks_coordinators_write(coordinator):
    from django.core.exceptions import PermissionDenied

    from aiguillage.compliance.services import set_privacy_settings

    librarian = MembershipFactory(network=coordinator.network)
    elsewhere = MembershipFactory(network=SiteFactory().network, coordinator=True)
    for user in (librarian.user, elsewhere.user):
        with pytest.raises(PermissionDenied):
            set_privacy_settings(network=coordinator.network, actor=user, contact_days=10)
    with pytest.raises(TypeError):
        set_privacy_settings(network=coordinator.network, actor=None, colour="red")
    assert not PrivacySettings.objects.exists()
    saved = set_privacy_settings(
        network=coordinator.network, actor=coordinator.user, contact_days=10
    )
    assert saved.contact_days == 10 and saved.journal_days == 365
