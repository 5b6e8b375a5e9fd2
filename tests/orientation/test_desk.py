"""The desk: type the need, see the propositions, act, and the anonymous record."""

import re

import pytest
from django.urls import reverse

from aiguillage.accounts.models import Role
from aiguillage.agenda.models import Appointment, Registration
from aiguillage.catalog.models import Need, Theme
from aiguillage.orientation.models import Interaction, InteractionChannel, Mode, Outcome
from tests.accounts.factories import HabilitationFactory, MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    UpcomingWorkshopFactory,
    in_days,
)
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

LAT, LON = 43.7317, 3.3194
KM = 0.009


@pytest.fixture
def site():
    return SiteFactory(name="Médiathèque de Lodève", latitude=LAT, longitude=LON)


@pytest.fixture
def network(site):
    return site.network


@pytest.fixture
def rsa():
    return Need.objects.get(slug="demander-rsa")


@pytest.fixture
def caf(rsa):
    return StructureFactory(
        name="Agence CAF de Lodève",
        latitude=LAT + 2 * KM,
        longitude=LON,
        covered_needs=[rsa],
        phone="04 67 11 22 33",
    )


@pytest.fixture
def librarian(client, network):
    membership = MembershipFactory(network=network)
    client.force_login(membership.user)
    return membership


def desk_url(network) -> str:
    return reverse("orientation:desk", args=[network.slug])


def hidden_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The hidden inputs of the first form posting to ``action``."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def post_conversation(client, url: str, fields: list[tuple[str, str]], **extra):
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = [value]
    return client.post(url, data)


def test_the_desk_is_the_staff_home(client, network, librarian):
    response = client.get("/")
    assert response.url == desk_url(network)
    page = client.get(desk_url(network)).text
    assert "Orienter une personne" in page
    assert f'<a href="{desk_url(network)}" aria-current="page">Orienter</a>' in page


def test_typing_the_need_shows_explained_propositions(client, network, site, caf, librarian):
    response = client.post(desk_url(network), {"q": "caf rsa", "site": site.slug})

    page = response.text
    assert response.status_code == 200
    assert "Demander le RSA" in page
    assert "Orienter vers Agence CAF de Lodève" in page
    assert "Agence CAF de Lodève, 2,0 km" in page or "Agence CAF de Lodève, 2 km" in page
    assert 'href="tel:04 67 11 22 33"' in page
    # What was typed never lands in a link, a form action or a field carried to the
    # actions that record (book, register, close); only the search's own choices post
    # it back to the search, so that choosing keeps the words in the box.
    carried = re.findall(r'<input type="hidden" name="(?!q")[^"]+" value="([^"]*)"', page)
    for url in re.findall(r'(?:href|action)="([^"]*)"', page) + carried:
        assert not any(typed in url for typed in ("caf rsa", "caf+rsa", "caf%20rsa"))


def test_as_you_type_answers_the_results_alone(client, network, site, caf, librarian):
    response = client.post(
        desk_url(network), {"q": "rsa", "site": site.slug}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text
    assert "Orienter vers Agence CAF de Lodève" in response.text


def test_a_catalog_link_opens_the_desk_on_a_need(client, network, site, caf, librarian):
    page = client.get(desk_url(network), {"need": "demander-rsa"}).text
    assert "Orienter vers Agence CAF de Lodève" in page


def test_closing_records_an_anonymous_interaction(client, network, site, caf, librarian):
    page = client.post(
        desk_url(network),
        {"q": "rsa", "site": site.slug, "lacks": ["email"], "autonomy": "autonome"},
    ).text
    close = reverse("orientation:desk_close", args=[network.slug])
    fields = hidden_fields(page, close)
    assert ("c-need", "demander-rsa") in fields

    response = post_conversation(
        client, close, fields, outcome=Outcome.ORIENTED, structure=str(caf.pk)
    )

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.network == network and interaction.site == site
    assert interaction.channel == InteractionChannel.DESK
    assert interaction.staff_role == librarian.role
    assert interaction.need.slug == "demander-rsa"
    assert interaction.autonomy == "autonome"
    assert interaction.situation == ["lacks:email"]
    assert Mode.ORIENT in interaction.modes_proposed
    assert interaction.mode_chosen == Mode.ORIENT
    assert interaction.structure == caf
    assert interaction.outcome == Outcome.ORIENTED
    assert interaction.duration == "lt5"


def test_act_for_needs_a_mandate_and_keeps_what_was_typed(client, network, site, rsa):
    mediator = MembershipFactory(network=network, mediator=True)
    HabilitationFactory(membership=mediator, themes=[Theme.objects.get(slug="social-sante")])
    client.force_login(mediator.user)
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    assert "Faire pour la personne, avec un mandat Aidants Connect" in page
    close = reverse("orientation:desk_close", args=[network.slug])
    fields = hidden_fields(page, close)

    refused = post_conversation(
        client, close, fields, outcome=Outcome.DONE_FOR, mandate_reference="Jean Dupont"
    )
    assert refused.status_code == 200
    assert "jamais le nom de la personne" in refused.text
    assert 'value="Jean Dupont"' in refused.text
    assert not Interaction.objects.exists()

    done = post_conversation(
        client, close, fields, outcome=Outcome.DONE_FOR, mandate_reference="AC-2026-0042"
    )
    assert done.status_code == 302
    assert Interaction.objects.get().mandate_reference == "AC-2026-0042"


def test_a_volunteer_cannot_record_an_act_for(client, network, site, rsa):
    volunteer = MembershipFactory(network=network, volunteer=True)
    client.force_login(volunteer.user)
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    assert "avec un mandat Aidants Connect" not in page
    close = reverse("orientation:desk_close", args=[network.slug])
    response = post_conversation(
        client,
        close,
        hidden_fields(page, close),
        outcome=Outcome.DONE_FOR,
        mandate_reference="AC-1",
    )
    assert "Les bénévoles ne font jamais à la place des personnes." in response.text
    assert not Interaction.objects.exists()


def test_booking_a_partner_slot_from_the_desk(client, network, site, rsa, librarian):
    permanence = UpcomingPermanenceFactory(site=site, title="Permanence CAF", first_day=in_days(2))
    permanence.needs.set([rsa])
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    book = re.search(r'action="(/r/[^"]+/creneaux/(\d+)/reserver/)"', page)
    fields = hidden_fields(page, book.group(1))

    form = post_conversation(client, book.group(1), fields)
    assert form.status_code == 200 and "Prénom ou pseudonyme" in form.text
    assert not Appointment.objects.exists()

    kept = post_conversation(client, book.group(1), fields, first_name="Awa", email="nope")
    assert 'value="Awa"' in kept.text and not Appointment.objects.exists()

    response = post_conversation(
        client, book.group(1), fields, first_name="Awa", email="awa@example.org"
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.slot_id == int(book.group(2))
    interaction = Interaction.objects.get()
    assert interaction.outcome == Outcome.BOOKED_PARTNER
    assert interaction.mode_chosen == Mode.PARTNER_ON_SITE
    done = client.get(response.url)
    assert "Permanence CAF" in done.text
    assert "Awa" not in response.url and "awa@example.org" not in done.text


def test_a_person_with_a_first_name_only_is_booked_and_told_the_slip_is_all(
    client, network, site, rsa, librarian
):
    """No e-mail, no mobile phone: the desk books all the same (issue 14, section 3)."""
    permanence = UpcomingPermanenceFactory(site=site, title="Permanence CAF", first_day=in_days(2))
    permanence.needs.set([rsa])
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    book = re.search(r'action="(/r/[^"]+/creneaux/(\d+)/reserver/)"', page)
    form = post_conversation(client, book.group(1), hidden_fields(page, book.group(1)))
    assert "Téléphone (facultatif)" in form.text
    assert "la fiche imprimée est la confirmation" in form.text

    response = post_conversation(
        client, book.group(1), hidden_fields(page, book.group(1)), first_name="Awa"
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.first_name, appointment.email, appointment.phone) == ("Awa", "", "")
    assert appointment.channel == "desk"
    assert Interaction.objects.get().outcome == Outcome.BOOKED_PARTNER
    done = client.get(response.url).text
    assert "Aucun message ne peut être envoyé" in done
    assert "Aucun rappel ne partira" in done


def test_registering_to_the_missing_prerequisite_workshop(client, network, site, rsa, librarian):
    workshop = UpcomingWorkshopFactory(site=site, title="Créer son adresse e-mail")
    workshop.needs.set([Need.objects.get(slug="creer-adresse-email")])
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug, "lacks": ["email"]}).text
    register = reverse("orientation:desk_register", args=[network.slug, workshop.pk])
    fields = hidden_fields(page, register)

    response = post_conversation(client, register, fields, first_name="Awa", phone="0612345678")

    assert response.status_code == 302
    assert Registration.objects.get().workshop == workshop
    assert Interaction.objects.get().outcome == Outcome.REGISTERED_WORKSHOP


def test_the_registration_and_the_conversation_are_kept_together_or_not_at_all(
    client, network, site, rsa, librarian, monkeypatch
):
    """One transaction for both (issue 16): a conversation that cannot be recorded
    leaves no registration behind, and the person is told nothing."""
    from django.core.exceptions import ValidationError

    workshop = UpcomingWorkshopFactory(site=site, title="Créer son adresse e-mail")
    workshop.needs.set([Need.objects.get(slug="creer-adresse-email")])
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug, "lacks": ["email"]}).text
    register = reverse("orientation:desk_register", args=[network.slug, workshop.pk])
    fields = hidden_fields(page, register)

    def refused(**kwargs):
        raise ValidationError("Le relevé de la conversation est refusé.")

    monkeypatch.setattr("aiguillage.orientation.views.desk.record_interaction", refused)
    response = post_conversation(client, register, fields, first_name="Awa", phone="0612345678")

    assert response.status_code == 200
    assert "Le relevé de la conversation est refusé." in response.text
    assert 'value="Awa"' in response.text  # what was typed is kept
    assert not Registration.objects.exists()
    assert not Interaction.objects.exists()


def test_another_networks_slot_is_not_found(client, network, site, librarian):
    other = UpcomingPermanenceFactory(site=SiteFactory())
    slot = other.slots.first()
    url = reverse("orientation:desk_book", args=[network.slug, slot.pk])
    assert client.post(url, {"c-site": site.slug}).status_code == 404


def test_the_desk_remembers_the_site(client, network, site, librarian):
    second = SiteFactory(network=network, name="Bibliothèque du Larzac")
    client.post(desk_url(network), {"q": "rsa", "site": second.slug})
    page = client.get(desk_url(network)).text
    assert f'<option value="{second.slug}" selected>' in page


def test_desk_queries_do_not_grow_with_the_directory(
    client, network, site, rsa, librarian, django_assert_max_num_queries
):
    for index in range(30):
        StructureFactory(latitude=LAT + index * KM, longitude=LON, covered_needs=[rsa])
    with django_assert_max_num_queries(40):
        client.post(desk_url(network), {"q": "rsa", "site": site.slug})


def test_choosing_another_need_keeps_the_typed_words(client, network, site, caf, librarian):
    page = client.post(desk_url(network), {"q": "impots", "site": site.slug}).text
    assert '<input type="hidden" name="q" value="impots">' in page
    choice = re.search(r'name="need" value="([a-z-]+)"', page).group(1)
    again = client.post(desk_url(network), {"q": "impots", "need": choice, "site": site.slug})
    assert 'value="impots"' in again.text


def test_close_needs_are_asked_and_nothing_found_shows_the_themes(
    client, network, site, caf, librarian
):
    page = client.post(desk_url(network), {"q": "declar", "site": site.slug}).text
    assert "Deux démarches sont proches. Laquelle ?" in page
    nothing = client.post(desk_url(network), {"q": "zzqx wvv", "site": site.slug}).text
    assert "choisissez la démarche dans son thème" in nothing
    assert "Argent - Impôts - Consommation" in nothing
    assert 'value="declarer-ses-revenus"' in nothing


def test_the_desk_opens_on_the_site_of_the_members_next_permanence(client, network, site):
    other = SiteFactory(network=network, name="Bibliothèque du Larzac")
    mediator = MembershipFactory(network=network, role=Role.DIGITAL_MEDIATOR)
    UpcomingStaffPermanenceFactory(site=other, staff=mediator)
    client.force_login(mediator.user)
    page = client.get(desk_url(network)).text
    assert f'<option value="{other.slug}" selected>' in page
    # The directory searches from the site the desk works at, without asking.
    client.post(desk_url(network), {"q": "rsa", "site": other.slug})
    found = client.get(reverse("directory:search", args=[network.slug]), {"need": ""})
    assert "Choisissez un site" not in found.text


def test_the_close_form_offers_only_what_this_member_may_do(client, network, site, rsa):
    librarian = MembershipFactory(network=network, role=Role.LIBRARIAN)  # no habilitation
    client.force_login(librarian.user)
    StructureFactory(latitude=LAT, longitude=LON, covered_needs=[rsa], opening_hours="24/7")
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    assert 'value="done_for"' not in page and 'value="accompanied"' not in page
    assert 'name="mandate_reference"' not in page


def test_the_desk_may_choose_another_free_time_of_the_same_permanence(
    client, network, site, rsa, librarian
):
    permanence = UpcomingPermanenceFactory(site=site, title="Permanence CAF", first_day=in_days(2))
    permanence.needs.set([rsa])
    page = client.post(desk_url(network), {"q": "rsa", "site": site.slug}).text
    book = re.search(r'action="(/r/[^"]+/creneaux/(\d+)/reserver/)"', page)
    fields = hidden_fields(page, book.group(1))
    form = post_conversation(client, book.group(1), fields)
    proposed = int(book.group(2))
    later = permanence.slots.exclude(pk=proposed).order_by("starts_at")[2]
    assert f'name="creneau" id="creneau-{proposed}" value="{proposed}" checked' in form.text
    assert f'value="{later.pk}"' in form.text

    response = post_conversation(
        client, book.group(1), [*fields, ("creneau", str(later.pk))], first_name="Awa"
    )
    assert response.status_code == 302
    assert Appointment.objects.get().slot_id == later.pk
    # A slot of another permanence cannot be slipped in: the proposed one is booked.
    other = UpcomingPermanenceFactory(site=site).slots.first()
    post_conversation(
        client, book.group(1), [*fields, ("creneau", str(other.pk))], first_name="Lou"
    )
    assert Appointment.objects.get(first_name="Lou").slot_id == proposed
