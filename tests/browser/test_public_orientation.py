"""A visitor on a phone (360 px wide), keyboard only: « Où aller pour ma démarche ? »
from the portal home, the words of the démarche and the commune, a choice among the
tax démarches, the results in one column, and the public booking of the partner slot.
axe-core checks every page visited."""

import os

import pytest
from playwright.sync_api import expect

from aiguillage.catalog.models import Need
from aiguillage.directory.models import Commune
from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
from tests.browser.axe import assert_accessible
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True)
LAT, LON = 43.7317, 3.3194
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = os.environ.get("ORIENTATION_SCREENSHOT", "")  # a path, to look at the page


@pytest.fixture
def scene(catalog):
    taxes = Need.objects.get(slug="declarer-ses-revenus")
    network = NetworkFactory(name="Médiathèques du Lodévois", slug="lodevois")
    site = SiteFactory(
        network=network,
        name="Médiathèque de Lodève",
        phone="04 67 88 86 08",
        commune_name="Lodève",
        postcode="34700",
        latitude=LAT,
        longitude=LON,
    )
    Commune.objects.create(
        insee_code="34142", name="Lodève", department="34", postcode="34700",
        latitude=LAT, longitude=LON,
    )  # fmt: skip
    StructureFactory(
        name="Centre des finances publiques de Lodève",
        latitude=LAT + 0.0207,
        longitude=LON,
        phone="04 67 44 24 60",
        covered_needs=[taxes],
    )
    permanence = UpcomingPermanenceFactory(site=site, title="Permanence impôts du Lodévois")
    permanence.needs.set([taxes])
    workshop = UpcomingWorkshopFactory(site=site, title="Déclarer en ligne, pas à pas")
    workshop.needs.set([taxes])
    return network


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def tab_to(page, check: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies ``check`` (a JavaScript
    expression over ``el``), as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({check}); }})()"):
            return
    raise AssertionError(f"Tab never reached: {check}")


def assert_one_column(page) -> None:
    """Nothing scrolls sideways, and the propositions stand one under the other."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"
    boxes = [card.bounding_box() for card in page.locator(".orient-card").all()]
    assert len(boxes) >= 3
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    lefts = {round(box["x"]) for box in boxes}
    assert len(lefts) == 1
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)


def test_a_visitor_on_a_phone_finds_where_to_go_with_the_keyboard(phone, scene):
    page = phone
    page.goto("/p/lodevois/")
    assert_accessible(page)
    tab_to(page, "el.textContent.trim() === 'Où aller pour ma démarche ?'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Où aller pour ma démarche ?")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)

    # The démarche in the visitor's words, the commune, and one thing of the situation.
    tab_to(page, "el.name === 'demarche'")
    page.keyboard.type("impots")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "lieu"
    page.keyboard.type("Lodève")
    page.keyboard.press("Tab")  # the situation, folded: open it with the keyboard
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    tab_to(page, "el.name === 'manque' && el.value === 'email'")
    page.keyboard.press("Space")
    expect(page.get_by_label("Je n'ai pas d'adresse e-mail")).to_be_checked()
    assert_accessible(page)
    tab_to(page, "el.type === 'submit' && el.textContent.includes('Chercher où aller')")
    page.keyboard.press("Enter")

    # "impôts" is several démarches: the visitor picks one; the words are not in the URL.
    expect(page.get_by_role("heading", name="Précisez votre recherche")).to_be_visible()
    assert "impots" not in page.url
    assert_accessible(page)
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Déclarer ses revenus'")
    page.keyboard.press("Enter")

    results = page.get_by_role("heading", name="Déclarer ses revenus, près de Lodève")
    expect(results).to_be_visible()
    assert "besoin=declarer-ses-revenus" in page.url and "commune=34142" in page.url
    assert "manque=email" in page.url and "impots" not in page.url
    expect(
        page.get_by_role("heading", name="Centre des finances publiques de Lodève")
    ).to_be_visible()
    expect(page.get_by_text("À 2,3 km de Lodève").first).to_be_visible()
    expect(page.get_by_role("link", name="04 67 44 24 60")).to_have_attribute(
        "href", "tel:+33467442460"
    )
    expect(page.get_by_role("heading", name="À préparer")).to_be_visible()
    assert_one_column(page)
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS, full_page=True)

    # Book the partner permanence on its public page, with the keyboard.
    tab_to(page, "el.textContent.includes('Réserver ce rendez-vous')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver un rendez-vous")
    expect(page.get_by_text("Permanence impôts du Lodévois").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_a_mistake_is_said_and_what_was_typed_stays(phone, scene):
    page = phone
    page.goto("/p/lodevois/ou-aller/")
    page.get_by_label("Ma démarche").fill("zzqx wvv")
    page.get_by_label("Ma commune").fill("Lodève")
    page.get_by_label("Ma commune").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Votre recherche n'a pas abouti.")
    expect(page.get_by_text("Nous n'avons pas trouvé cette démarche.")).to_be_visible()
    expect(page.get_by_label("Ma démarche")).to_have_value("zzqx wvv")
    expect(page.get_by_label("Ma commune")).to_have_value("Lodève")
    assert page.url.endswith("/p/lodevois/ou-aller/")
    assert_accessible(page)


def test_the_slip_of_a_result_opens_with_the_keyboard(phone, scene):
    page = phone
    page.goto("/p/lodevois/ou-aller/?besoin=declarer-ses-revenus&commune=34142")
    tab_to(
        page,
        "el.textContent.includes('Imprimer la fiche')"
        " && el.textContent.includes('Centre des finances publiques')",
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Centre des finances publiques de Lodève"
    )
    expect(page.get_by_text("du centre de Lodève")).to_be_visible()
    assert "/p/lodevois/ou-aller/fiche/" in page.url
    assert_accessible(page)
