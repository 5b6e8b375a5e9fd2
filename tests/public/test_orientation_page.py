"""« Où aller pour ma démarche ? »: the public orientation page, without an account.

The scene: a network around Lodève with a public library, a tax office 2.3 km away in
the directory, a partner permanence bookable online, a workshop open online, and what
the public must never see (a permanence kept for the desk, a staff appointment, a
workshop registered at the desk only, a permanence at a site that is not public);
another network with its own library at Lodève and its own offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client

from aiguillage.agenda.models import BookableBy, Permanence, Workshop
from aiguillage.catalog.models import Need
from aiguillage.core.models import Network, Site
from aiguillage.directory.models import Commune, Structure
from aiguillage.orientation.models import Interaction, InteractionChannel, Outcome
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    UpcomingWorkshopFactory,
)
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

URL = "/p/lodevois/ou-aller/"
TAXES = "declarer-ses-revenus"
CAR = "faire-carte-grise"
LAT, LON = 43.7317, 3.3194
KM = 0.009  # degrees of latitude per kilometre, near enough


@dataclass
class Scene:
    network: Network
    site: Site
    need: Need
    office: Structure
    public_permanence: Permanence
    public_workshop: Workshop
    hidden: list  # titles the public must never read
    hidden_slots: list[int]
    other_network: Network
    other_site: Site
    other_titles: list[str]
    desk_workshop: Workshop
    other_workshop: Workshop


def _handles(need: Need, permanence: Permanence) -> Permanence:
    permanence.needs.set([need])
    return permanence


def _teaches(need: Need, workshop: Workshop) -> Workshop:
    workshop.needs.set([need])
    return workshop


def first_slot(permanence: Permanence) -> int:
    return permanence.slots.order_by("starts_at", "pk").values_list("pk", flat=True).first()


@pytest.fixture
def scene() -> Scene:
    need = Need.objects.get(slug=TAXES)
    network = NetworkFactory(slug="lodevois", name="Médiathèques du Lodévois")
    at_lodeve = {"latitude": LAT, "longitude": LON, "commune_insee": "34142"}
    site = SiteFactory(
        network=network, slug="lodeve", name="Médiathèque de Lodève", phone="04 67 88 86 08",
        commune_name="Lodève", postcode="34700", **at_lodeve,
    )  # fmt: skip
    back_office = SiteFactory(
        network=network, slug="reserve", name="Réserve centrale", is_public=False, **at_lodeve
    )
    Commune.objects.create(
        insee_code="34142", name="Lodève", department="34", postcode="34700",
        latitude=LAT, longitude=LON,
    )  # fmt: skip
    office = StructureFactory(
        name="Centre des finances publiques de Lodève",
        latitude=LAT + 2.3 * KM,
        longitude=LON,
        phone="04 67 44 24 60",
        booking_url="https://www.impots.gouv.fr/contacts",
        covered_needs=[need],
    )
    public_permanence = _handles(
        need, UpcomingPermanenceFactory(site=site, title="Permanence impôts du Lodévois")
    )
    desk_permanence = _handles(
        need,
        UpcomingPermanenceFactory(
            site=site, title="Permanence impôts au guichet", bookable_by=BookableBy.DESK
        ),
    )
    staff_permanence = _handles(
        need,
        UpcomingStaffPermanenceFactory(
            site=site, title="Rendez-vous avec la médiatrice", bookable_by=BookableBy.PUBLIC
        ),
    )
    back_permanence = _handles(
        need, UpcomingPermanenceFactory(site=back_office, title="Permanence de la réserve")
    )
    public_workshop = _teaches(
        need, UpcomingWorkshopFactory(site=site, title="Déclarer en ligne, pas à pas")
    )
    desk_workshop = _teaches(
        need,
        UpcomingWorkshopFactory(
            site=site, title="Atelier impôts du guichet", public_registration=False
        ),
    )
    other_network = NetworkFactory(slug="voisins", name="Réseau voisin")
    other_site = SiteFactory(
        network=other_network, slug="lodeve", name="Bibliothèque voisine", phone="04 99 99 99 99",
        **at_lodeve,
    )  # fmt: skip
    other_permanence = _handles(
        need, UpcomingPermanenceFactory(site=other_site, title="Permanence impôts voisine")
    )
    other_workshop = _teaches(
        need, UpcomingWorkshopFactory(site=other_site, title="Atelier impôts voisin")
    )
    return Scene(
        network=network,
        site=site,
        need=need,
        office=office,
        public_permanence=public_permanence,
        public_workshop=public_workshop,
        hidden=[
            desk_permanence.title,
            staff_permanence.title,
            back_permanence.title,
            desk_workshop.title,
            back_office.name,
        ],
        hidden_slots=[
            first_slot(desk_permanence),
            first_slot(staff_permanence),
            first_slot(back_permanence),
        ],
        other_network=other_network,
        other_site=other_site,
        other_titles=[
            other_permanence.title,
            other_workshop.title,
            other_site.name,
            "04 99 99 99 99",
        ],
        desk_workshop=desk_workshop,
        other_workshop=other_workshop,
    )


class Links(HTMLParser):
    """Every URL a page holds: links, form actions, sources."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.forms: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "action", "src", "formaction", "content"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "form":
            self.forms.append(values)


def urls_of(response) -> list[str]:
    parser = Links()
    parser.feed(response.content.decode())
    return parser.urls + ([response["Location"]] if response.has_header("Location") else [])


def results(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the page ---------------------------------------------------------------------------


def test_the_page_loads_without_login_and_runs_nothing_for_a_bare_visit(client, scene, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("nothing is searched on a bare visit")

    monkeypatch.setattr("aiguillage.public.views.orientation.orient", must_not_run)
    monkeypatch.setattr("aiguillage.public.orientation_forms.search_needs", must_not_run)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Où aller pour ma démarche ?</h1>" in html
    parser = Links()
    parser.feed(html)
    (form,) = [f for f in parser.forms if f.get("action") == URL]
    assert form["method"] == "post"
    assert 'name="demarche"' in html and 'name="lieu"' in html
    assert "Je n&#x27;ai pas d&#x27;adresse e-mail" in html
    assert "Pas du tout à l&#x27;aise" in html
    assert Interaction.objects.count() == 0


def test_the_portal_home_links_to_it(client, scene):
    html = client.get("/p/lodevois/").content.decode()
    assert f'href="{URL}">Où aller pour ma démarche ?</a>' in html


def test_an_unknown_network_is_not_found(client, scene):
    assert client.get("/p/nulle-part/ou-aller/").status_code == 404


# --- searching --------------------------------------------------------------------------


def test_a_clear_search_goes_to_the_results_address_with_slugs_and_codes_only(client, scene):
    response = client.post(
        URL, {"demarche": "déclarer mes revenus", "lieu": "Lodève", "manque": ["email"]}
    )
    assert response.status_code == 303
    assert response["Location"] == f"{URL}?besoin={TAXES}&commune=34142&manque=email"
    assert "no-store" in response["Cache-Control"]


def test_results_from_a_commune_orient_with_distances_and_book_public_slots(client, scene):
    html = results(client, besoin=TAXES, commune="34142")
    text = text_of(html)

    assert "Déclarer ses revenus, près de Lodève" in text
    # Orient: the competent office, how far, its hours, its phone, its online booking.
    assert "Centre des finances publiques de Lodève" in text
    assert "À 2,3 km de Lodève" in text
    assert 'href="tel:+33467442460">04 67 44 24 60</a>' in html
    assert 'href="https://www.impots.gouv.fr/contacts"' in html
    assert "Prendre rendez-vous en ligne" in text
    # The partner permanence bookable online: its public booking page, the need chosen.
    slot = first_slot(scene.public_permanence)
    assert f'href="/p/lodevois/creneaux/{slot}/reserver/?demarche={scene.need.pk}"' in html
    assert "Réserver ce rendez-vous" in text
    assert "Près du centre de Lodève" in text  # the library, at the commune's centre
    # The workshop open online: its public page.
    assert f'href="/p/lodevois/ateliers/{scene.public_workshop.pk}/"' in html
    assert "S&#x27;inscrire" in html
    # The official online service, global warnings and the checklist, compact.
    assert "Aller sur impots.gouv.fr" in text
    assert "Gardez votre mot de passe pour vous" in text
    assert "À préparer" in text and "Numéro fiscal" in text
    # One search form, posted, holding what the address resolved in words.
    assert 'value="Déclarer ses revenus"' in html and 'value="Lodève (34700)"' in html
    assert Interaction.objects.count() == 0  # something was found: nothing to record


def test_what_only_the_desk_sees_never_appears(client, scene):
    for situation in ({}, {"aisance": "entierement_accompagne"}, {"manque": ["email", "device"]}):
        response = client.get(URL, {"besoin": TAXES, "commune": "34142", **situation})
        html = response.content.decode()
        for title in scene.hidden:
            assert title not in html
        for slot in scene.hidden_slots:
            assert f"/creneaux/{slot}/" not in html
        assert "faire avec" not in html.lower() and "mandat" not in html.lower()
        assert "Accompagner maintenant" not in html


def test_another_networks_sites_and_slots_never_appear(client, scene):
    html = results(client, besoin=TAXES, commune="34142")
    for text in scene.other_titles:
        assert text not in html
    # And the other network's page shows its own offer, not ours.
    other = client.get("/p/voisins/ou-aller/", {"besoin": TAXES, "commune": "34142"})
    other_html = other.content.decode()
    assert "Permanence impôts voisine" in other_html
    assert scene.public_permanence.title not in other_html
    assert "/p/lodevois/" not in other_html


def test_the_words_typed_never_land_in_a_url_and_the_form_posts_them(client, scene):
    words = "déclarer mes revenus Durand"
    response = client.post(URL, {"demarche": words, "lieu": "Lodève"}, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][1] == 303
    assert "Durand" not in response.redirect_chain[-1][0]
    for url in urls_of(response):
        for form in (words, "Durand", quote(words), quote_plus(words), "durand"):
            assert form not in url, url
    parser = Links()
    parser.feed(response.content.decode())
    assert [f["method"] for f in parser.forms if f.get("action") == URL] == ["post"]

    # An ambiguous search: the choices carry slugs only, never the words.
    ambiguous = client.post(URL, {"demarche": "impots Durand", "lieu": "Lodève"})
    assert ambiguous.status_code in (200, 400)
    for url in urls_of(ambiguous):
        assert "durand" not in url.lower()


def test_an_ambiguous_search_offers_the_needs_and_communes_as_a_get_form(client, scene):
    Commune.objects.create(
        insee_code="12345", name="Saint-Jean", department="12", postcode="12000",
        latitude=44.3, longitude=2.5, population=800,
    )  # fmt: skip
    Commune.objects.create(
        insee_code="34250", name="Saint-Jean", department="34", postcode="34150",
        latitude=43.7, longitude=3.4, population=500,
    )  # fmt: skip
    response = client.post(URL, {"demarche": "impots", "lieu": "Saint-Jean"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Précisez votre recherche" in html
    parser = Links()
    parser.feed(html)
    assert [f["method"] for f in parser.forms if f.get("action") == URL] == ["get", "post"]
    assert f'name="besoin" value="{TAXES}"' in html
    assert 'name="commune" value="12345" id="choix-commune-1" checked' in html
    assert 'name="commune" value="34250"' in html
    assert "Saint-Jean (34150)" in html
    # What the visitor typed is still in the search form below (not in any URL).
    assert 'value="impots"' in html and 'value="Saint-Jean"' in html
    # Choosing gives the results' address: slugs and codes.
    chosen = client.get(URL, {"besoin": TAXES, "commune": "34250"})
    assert chosen.status_code == 200
    assert "Déclarer ses revenus, près de Saint-Jean" in text_of(chosen.content.decode())


def test_a_search_kept_unchanged_with_a_new_situation_keeps_its_need_and_commune(client, scene):
    response = client.post(
        URL,
        {
            "demarche": "Déclarer ses revenus",
            "besoin": TAXES,
            "lieu": "Lodève (34700)",
            "commune": "34142",
            "aisance": "autonome",
            "accueil": ["surdite"],
            "premiere_fois": "on",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == (
        f"{URL}?besoin={TAXES}&commune=34142&aisance=autonome&accueil=surdite&premiere_fois=1"
    )
    html = client.get(response["Location"]).content.decode()
    assert 'value="surdite" id="id_accueil_0" checked' in html
    assert 'value="autonome" id="id_aisance_1" checked' in html
    assert "Pour prendre contact, préférez vous présenter sur place" in html


# --- what was not understood ------------------------------------------------------------


def test_a_need_not_understood_is_said_in_french_and_what_was_typed_stays(client, scene):
    response = client.post(URL, {"demarche": "zzqx wvv", "lieu": "Lodève", "manque": ["email"]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nous n&#x27;avons pas trouvé cette démarche." in html
    assert 'value="zzqx wvv"' in html and 'value="Lodève"' in html
    assert 'value="email" id="id_manque_0" checked' in html
    assert 'aria-invalid="true"' in html
    assert Interaction.objects.count() == 0


def test_a_commune_not_understood_is_said_in_french(client, scene):
    response = client.post(URL, {"demarche": "déclarer mes revenus", "lieu": "Nullepart"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nous ne connaissons pas cette commune." in html
    assert 'value="Nullepart"' in html and 'value="déclarer mes revenus"' in html


def test_an_empty_search_says_what_to_write(client, scene, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("nothing is searched for an empty form")

    monkeypatch.setattr("aiguillage.public.orientation_forms.search_needs", must_not_run)
    monkeypatch.setattr("aiguillage.public.orientation_forms.find_communes", must_not_run)
    response = client.post(URL, {"demarche": "  ", "lieu": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Écrivez votre démarche." in html
    assert "Écrivez votre commune ou son code postal." in html


@pytest.mark.parametrize(
    ("params", "message", "kept"),
    [
        (
            {"besoin": "nimporte-quoi", "commune": "34142"},
            "Cette démarche n&#x27;est pas dans notre liste.",
            'value="nimporte-quoi"',
        ),
        (
            {"besoin": TAXES, "commune": "99999"},
            "Nous ne connaissons pas cette commune.",
            'value="99999"',
        ),
        ({"commune": "34142"}, "Écrivez votre démarche.", 'value="Lodève (34700)"'),
    ],
)
def test_a_bad_results_address_is_said_in_french(client, scene, params, message, kept, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the engine does not run for a bad address")

    monkeypatch.setattr("aiguillage.public.views.orientation.orient", must_not_run)
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and kept in html
    assert Interaction.objects.count() == 0


# --- nothing fits -----------------------------------------------------------------------


def test_an_unmet_search_is_said_kindly_and_recorded_once_per_session(client, scene):
    cannot = {"besoin": CAR, "commune": "34142", "aisance": "entierement_accompagne"}
    response = client.post(
        URL,
        {"demarche": "carte grise Martin", "lieu": "Lodève", "aisance": "entierement_accompagne"},
    )
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    text = text_of(html)
    assert "Nous n'avons pas trouvé de solution près de chez vous" in text
    # The network's libraries and their phone numbers; never the other network's.
    assert "Médiathèque de Lodève" in text and 'href="tel:0467888608"' in html
    for other in scene.other_titles:
        assert other not in html

    (record,) = Interaction.objects.all()
    assert record.channel == InteractionChannel.PUBLIC and record.outcome == Outcome.NO_SOLUTION
    assert record.network == scene.network and record.need.slug == CAR
    assert record.commune.insee_code == "34142"
    assert record.autonomy == "entierement_accompagne"
    assert record.site is None and record.staff_role == "" and record.mandate_reference == ""
    for field in Interaction._meta.concrete_fields:
        assert "martin" not in str(getattr(record, field.attname)).lower()

    # Again, and once more with another situation: still one record for this session.
    client.get(URL, cannot)
    client.get(URL, {"besoin": CAR, "commune": "34142", "manque": ["device"]})
    assert Interaction.objects.count() == 1

    # Another commune is another search; another visitor is another session.
    Commune.objects.create(
        insee_code="34028", name="Le Bosc", department="34", postcode="34700",
        latitude=LAT + 0.05, longitude=LON,
    )  # fmt: skip
    client.get(URL, {**cannot, "commune": "34028"})
    assert Interaction.objects.count() == 2
    Client().get(URL, cannot)
    assert Interaction.objects.count() == 3
    assert set(Interaction.objects.values_list("channel", "outcome")) == {
        (InteractionChannel.PUBLIC, Outcome.NO_SOLUTION)
    }


def test_the_unmet_record_goes_through_the_rate_limit(client, scene, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    Commune.objects.create(
        insee_code="34028", name="Le Bosc", department="34", postcode="34700",
        latitude=LAT + 0.05, longitude=LON,
    )  # fmt: skip
    cannot = {"besoin": CAR, "aisance": "entierement_accompagne"}
    assert client.get(URL, {**cannot, "commune": "34142"}).status_code == 200
    response = client.get(URL, {**cannot, "commune": "34028"})
    assert response.status_code == 200  # the page still answers
    assert "Nous n'avons pas trouvé de solution" in response.content.decode()
    assert Interaction.objects.count() == 1


def test_a_found_search_or_a_bad_one_records_nothing(client, scene):
    results(client, besoin=TAXES, commune="34142")
    client.post(URL, {"demarche": "zzqx", "lieu": "Lodève"})
    client.get(URL, {"besoin": "inconnu", "commune": "34142"})
    client.get(URL)
    assert Interaction.objects.count() == 0


def test_results_are_private_to_the_visitor(client, scene):
    response = client.get(URL, {"besoin": TAXES, "commune": "34142"})
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert 'name="robots" content="noindex"' in response.content.decode()


# --- the printable slip -----------------------------------------------------------------


def slip_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return [url.replace("&amp;", "&") for url in parser.urls if url.startswith(f"{URL}fiche/")]


def test_each_result_prints_its_slip_without_an_account(client, scene):
    html = results(client, besoin=TAXES, commune="34142")
    links = slip_links(html)
    office = f"{URL}fiche/?need={TAXES}&kind=structure&commune=34142&id={scene.office.pk}"
    slot = first_slot(scene.public_permanence)
    partner = f"{URL}fiche/?need={TAXES}&kind=partner_slot&commune=34142&id={slot}"
    workshop = f"{URL}fiche/?need={TAXES}&kind=workshop&commune=34142&id={scene.public_workshop.pk}"
    online = f"{URL}fiche/?need={TAXES}&kind=online_service&commune=34142"
    assert {office, partner, workshop, online} <= set(links)
    assert "Imprimer la fiche" in html

    response = client.get(office)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Centre des finances publiques de Lodève" in page
    assert "Fiche d&#x27;orientation" in page or "Fiche d'orientation" in page
    assert "du centre de Lodève" in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    partner_page = client.get(partner).content.decode()
    assert scene.public_permanence.title in partner_page
    assert client.get(workshop).status_code == 200
    assert client.get(online).status_code == 200


def test_the_public_slip_shows_nothing_kept_for_the_desk_or_another_network(client, scene):
    base = f"{URL}fiche/"
    desk_slot = scene.hidden_slots[0]
    staff_slot = scene.hidden_slots[1]
    cases = [
        ({"kind": "partner_slot", "id": desk_slot}, 404),
        ({"kind": "partner_slot", "id": staff_slot}, 404),
        ({"kind": "staff_slot", "id": staff_slot}, 400),
        ({"kind": "desk", "id": 1}, 400),
        ({"kind": "workshop", "id": scene.desk_workshop.pk}, 404),
        ({"kind": "workshop", "id": scene.other_workshop.pk}, 404),
        ({"kind": "structure", "id": "abc"}, 400),
        ({"kind": "structure"}, 400),
        ({"kind": "structure", "id": scene.office.pk, "format": "a3"}, 400),
        ({"kind": "structure", "id": scene.office.pk, "need": "inconnu"}, 404),
        ({"kind": "structure", "id": scene.office.pk, "commune": "99999"}, 404),
    ]
    for params, status in cases:
        response = client.get(base, params)
        assert response.status_code == status, params
        for title in (*scene.hidden, *scene.other_titles):
            assert title not in response.content.decode()
    # The other network's own portal prints its own workshop.
    other = client.get(
        "/p/voisins/ou-aller/fiche/", {"kind": "workshop", "id": scene.other_workshop.pk}
    )
    assert other.status_code == 200
