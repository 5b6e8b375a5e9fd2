"""The orientation slip: what the desk hands over, as a page (A5, A4) and as a PDF.

Each kind of target prints its own facts; the slip is rebuilt from ids and never
shows anything about the visitor, even right after a booking with their contact;
another network's slot or workshop is a 404 that names nothing; the QR code is the
code of the printed URL; the PDF's text (read back with pdftotext) says the same.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import BookableBy, Channel, WorkshopStatus
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.workshops import register
from aiguillage.catalog.models import Need
from aiguillage.orientation.slip import SlipError, SlipNotFound, build_slip, display_phone
from aiguillage.orientation.slip_pdf import StaticFilesFetcher
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import (
    UpcomingPermanenceFactory,
    UpcomingStaffPermanenceFactory,
    UpcomingWorkshopFactory,
    in_days,
)
from tests.core.factories import NetworkFactory, SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"
TAXES = "declarer-ses-revenus"
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
# The visitor who books: none of this may ever reach a slip.
VISITOR = Visitor(
    first_name="Zéphyrine",
    email="zephyrine.k@example.org",
    phone="06 12 34 56 78",
    accessibility_needs="fauteuil roulant",
    language="tigrigna",
)
VISITOR_TRACES = ("Zéphyrine", "zephyrine", "06 12 34 56 78", "0612345678", "+33612345678",
                  "612345678", "fauteuil", "tigrigna")  # fmt: skip


def french_date(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    text = f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}"
    return text.capitalize()


def flat(text: str) -> str:
    """Whitespace collapsed: HTML and pdftotext wrap lines where they like."""
    return " ".join(text.split())


@pytest.fixture
def network():
    return NetworkFactory(name="Médiathèques du Lunellois", slug="lunellois")


@pytest.fixture
def site(network):
    return SiteFactory(
        network=network,
        name="Médiathèque de Lunel",
        slug="lunel",
        address="12 rue Alphonse Ménard",
        phone="+33467000001",
        email="accueil@mediatheque-lunel.example",
    )


@pytest.fixture
def member(network, site):
    return MembershipFactory(network=network)


@pytest.fixture
def taxes():
    return Need.objects.get(slug=TAXES)


@pytest.fixture
def structure(taxes):
    return StructureFactory(
        name="France services de Lodève",
        address="1 place de la République",
        postcode="34700",
        commune_name="Lodève",
        phone="+33467442460",
        opening_hours="Mo-Fr 09:00-12:00,13:30-17:00; Sa 10:00-12:00; PH off",
        access_modalities=["Se présenter", "Téléphoner", "Prendre un RDV en ligne"],
        booking_url="https://rdv.france-services.example/lodeve",
        covered_needs=[taxes],
    )


def slip_url(network, name="slip", **params):
    return f"{reverse(f'orientation:{name}', args=[network.slug])}?{urlencode(params)}"


def get_slip(client, member, **params):
    client.force_login(member.user)
    return client.get(slip_url(member.network, **params))


def get_pdf(client, member, **params):
    client.force_login(member.user)
    return client.get(slip_url(member.network, "slip_pdf", **params))


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not os.environ.get("CI"),
    reason="pdftotext not found (apt-get install poppler-utils)",
)


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def pdf_pages(pdf: bytes) -> tuple[int, str]:
    """(number of pages, "width x height" in millimetres)."""
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    info = done.stdout.decode()
    width, height = (
        float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    )
    size = f"{round(width * 25.4 / 72)} x {round(height * 25.4 / 72)}"
    return int(re.search(r"Pages:\s+(\d+)", info)[1]), size


def qr_path(url: str) -> str:
    """The drawing of the QR code of ``url`` (segno is deterministic; it cannot decode)."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, border=2, lineclass=None)
    return re.search(r' d="([^"]+)"', svg)[1]


class TestStructure:
    def test_name_address_distance_hours_phone_how_to_be_received_and_what_to_bring(
        self, client, member, site, structure, taxes
    ):
        response = get_slip(client, member, need=TAXES, kind="structure", id=structure.pk,
                            site="lunel")  # fmt: skip
        assert response.status_code == 200
        page = flat(response.text)
        assert '<h1 class="slip__title">France services de Lodève</h1>' in page
        assert "Votre démarche : <strong>Déclarer ses revenus</strong>" in page
        assert "1 place de la République<br>34700 Lodève" in page
        assert re.search(r"À \d+(,\d)? km de Médiathèque de Lunel \(à vol d&#x27;oiseau\)\.", page)
        assert f"Du lundi au vendredi : 9 h {DASH} 12 h et 13 h 30 {DASH} 17 h" in page
        assert f"Samedi : 10 h {DASH} 12 h" in page
        assert "Dimanche : fermé" in page
        assert "Fermé les jours fériés." in page
        assert "Téléphone : <strong>04 67 44 24 60</strong>" in page
        assert "Vous pouvez venir sans rendez-vous, aux heures d&#x27;ouverture." in page
        assert "Vous pouvez téléphoner : 04 67 44 24 60." in page
        assert "Vous pouvez prendre rendez-vous en ligne :" in page
        assert "https://rdv.france-services.example/lodeve" in page
        for document in taxes.documents:
            assert flat(document).replace("'", "&#x27;") in page
        # Handed over by the library at the desk, with its own contact.
        assert "Fiche remise par : <strong>Médiathèque de Lunel</strong>" in page
        assert "04 67 00 00 01" in page and "accueil@mediatheque-lunel.example" in page

    def test_the_online_service_and_the_booking_link_have_their_qr_code_and_url_in_clear(
        self, client, member, structure
    ):
        page = get_slip(client, member, need=TAXES, kind="structure", id=structure.pk).text
        for url in ("https://www.impots.gouv.fr", "https://rdv.france-services.example/lodeve"):
            assert qr_path(url) in page
            figure = re.search(
                r'<figure class="slip-qr">.*?' + re.escape(qr_path(url)) + r".*?</figure>",
                page,
                re.S,
            )[0]
            assert '<svg role="img" viewBox="0 0' in figure
            assert f'<a class="slip__url" href="{url}">{url}</a>' in figure
        assert "<title>QR code : Le service en ligne officiel</title>" in page

    def test_hours_nobody_can_read_say_to_call(self, client, member, structure):
        structure.opening_hours = ""
        structure.save()
        page = get_slip(client, member, kind="structure", id=structure.pk).text
        assert "Horaires : appeler avant de venir." in page

    def test_without_access_modes_the_slip_says_to_call_first(self, client, member, structure):
        structure.access_modalities = []
        structure.booking_url = ""
        structure.save()
        page = get_slip(client, member, kind="structure", id=structure.pk).text
        assert "Téléphonez avant de venir : 04 67 44 24 60." in page
        assert "rdv.france-services" not in page

    def test_an_inactive_or_unknown_structure_is_a_404(self, client, member, structure):
        structure.is_active = False
        structure.save()
        assert get_slip(client, member, kind="structure", id=structure.pk).status_code == 404
        assert get_slip(client, member, kind="structure", id=999_999).status_code == 404

    def test_a_booking_link_that_is_not_a_web_address_is_not_printed(self, member, structure):
        structure.booking_url = "javascript:alert(1)"
        structure.save()
        slip = build_slip(network=member.network, need=None, target_kind="structure",
                          target_id=structure.pk, at=timezone.now())  # fmt: skip
        assert slip.links == ()
        assert all("javascript" not in line.url for line in slip.reception)


class TestOnlineService:
    def test_the_official_site_with_its_qr_code(self, client, member):
        response = get_slip(client, member, need=TAXES, kind="online_service")
        page = flat(response.text)
        assert response.status_code == 200
        assert "Faire la démarche en ligne" in page
        assert "Allez sur le site officiel : impots.gouv.fr." in page
        assert qr_path("https://www.impots.gouv.fr") in page
        assert '<a class="slip__url" href="https://www.impots.gouv.fr">' in page
        assert "Où aller" not in page  # no address for a website

    def test_a_need_without_online_service_is_a_404(self, client, member, taxes):
        taxes.online_service_url = ""
        taxes.save()
        assert get_slip(client, member, need=TAXES, kind="online_service").status_code == 404
        assert get_slip(client, member, kind="online_service").status_code == 404


class TestSlots:
    def test_a_partner_slot_shows_the_permanence_the_place_and_the_date_in_words(
        self, client, member, site, structure
    ):
        permanence = UpcomingPermanenceFactory(
            site=site, title="Permanence impôts", structure=structure
        )
        slot = permanence.slots.order_by("starts_at").first()
        page = flat(get_slip(client, member, need=TAXES, kind="partner_slot", id=slot.pk,
                             site="lunel").text)  # fmt: skip
        assert '<h1 class="slip__title">Permanence impôts</h1>' in page
        assert french_date(slot.starts_at) in page
        assert "De 9 h à 9 h 30" in page
        assert "Médiathèque de Lunel" in page and "12 rue Alphonse Ménard<br>34400 Lunel" in page
        assert "C&#x27;est ici, dans cette médiathèque." in page
        assert "Avec : France services de Lodève" in page
        assert "C&#x27;est sur rendez-vous." in page
        # Bookable online: the public page of the permanence, in clear and as a QR code.
        public = settings.SITE_URL + reverse(
            "public:permanence",
            kwargs={"network_slug": "lunellois", "permanence_id": permanence.pk},
        )
        assert public in page and qr_path(public) in page

    def test_a_staff_slot_never_names_the_staff_member(self, client, member, site):
        permanence = UpcomingStaffPermanenceFactory(site=site, title="Rendez-vous numérique")
        slot = permanence.slots.order_by("starts_at").first()
        page = get_slip(client, member, kind="staff_slot", id=slot.pk).text
        assert "Rendez-vous numérique" in page
        assert "Un membre de l&#x27;équipe de la médiathèque" in page
        assert permanence.staff.user.full_name not in page
        assert permanence.staff.user.email not in page

    def test_the_kind_must_match_the_slot(self, client, member, site):
        slot = UpcomingPermanenceFactory(site=site).slots.first()
        assert get_slip(client, member, kind="staff_slot", id=slot.pk).status_code == 404

    def test_a_full_slot_not_booked_here_says_so(self, client, member, site):
        slot = UpcomingPermanenceFactory(site=site).slots.order_by("starts_at").first()
        book_slot(slot=slot, visitor=VISITOR, need=None, channel=Channel.DESK,
                  now=timezone.now())  # fmt: skip
        page = get_slip(client, member, kind="partner_slot", id=slot.pk).text
        assert "Ce créneau est complet" in page


class TestBookedSlotHasNoPersonalData:
    @pytest.fixture
    def booked(self, site, structure, taxes, member):
        permanence = UpcomingPermanenceFactory(
            site=site, title="Permanence impôts", structure=structure
        )
        slot = permanence.slots.order_by("starts_at").first()
        appointment = book_slot(slot=slot, visitor=VISITOR, need=taxes, channel=Channel.DESK,
                                now=timezone.now(), actor=member.user)  # fmt: skip
        assert appointment.first_name == "Zéphyrine" and appointment.phone == "+33612345678"
        return slot

    def test_the_page(self, client, member, booked):
        response = get_slip(client, member, need=TAXES, kind="partner_slot", id=booked.pk,
                            site="lunel", booked="1")  # fmt: skip
        page = flat(response.text)
        assert response.status_code == 200
        assert '<h1 class="slip__title">Votre rendez-vous</h1>' in page
        assert "Votre rendez-vous est réservé." in page
        assert "prévenez la médiathèque : 04 67 00 00 01." in page
        assert french_date(booked.starts_at) in page
        assert "réservez en ligne" not in page  # already booked: no booking link
        for trace in VISITOR_TRACES:
            assert trace.lower() not in page.lower(), trace
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]

    @needs_pdftotext
    def test_the_pdf(self, client, member, booked):
        response = get_pdf(client, member, need=TAXES, kind="partner_slot", id=booked.pk,
                           site="lunel", booked="1")  # fmt: skip
        text = flat(pdf_text(response.content))
        assert "Votre rendez-vous" in text and french_date(booked.starts_at) in text
        for trace in VISITOR_TRACES:
            assert trace.lower() not in text.lower(), trace
            assert trace.encode() not in response.content

    def test_a_registered_workshop_has_none_either(self, client, member, site):
        workshop = UpcomingWorkshopFactory(site=site, title="Créer son adresse e-mail")
        register(workshop=workshop, visitor=VISITOR, channel=Channel.DESK, now=timezone.now())
        page = get_slip(client, member, kind="workshop", id=workshop.pk).text
        assert "Créer son adresse e-mail" in page
        for trace in VISITOR_TRACES:
            assert trace.lower() not in page.lower(), trace


class TestWorkshop:
    def test_its_sessions_in_words_and_how_to_register(self, client, member, site):
        first = datetime.datetime.combine(in_days(8), datetime.time(14, 0), tzinfo=PARIS)
        second = first + datetime.timedelta(days=7, hours=-4, minutes=30)
        workshop = UpcomingWorkshopFactory(
            site=site, title="Premiers pas sur ordinateur", starts_at=first,
            sessions=[first, second],
        )  # fmt: skip
        page = flat(get_slip(client, member, kind="workshop", id=workshop.pk, site="lunel").text)
        assert "Atelier « Premiers pas sur ordinateur »" in page
        assert "2 séances (venez à toutes)" in page
        assert f"{french_date(first)}, de 14 h à 16 h" in page
        assert f"{french_date(second)}, de 10 h 30 à 12 h 30" in page
        assert "Il faut s&#x27;inscrire avant." in page
        assert "Inscrivez-vous à l&#x27;accueil de la médiathèque." in page
        public = settings.SITE_URL + reverse(
            "public:workshop", kwargs={"network_slug": "lunellois", "workshop_id": workshop.pk}
        )
        assert public in page and qr_path(public) in page

    def test_a_cancelled_workshop_says_so(self, client, member, site):
        workshop = UpcomingWorkshopFactory(site=site, status=WorkshopStatus.CANCELLED)
        page = get_slip(client, member, kind="workshop", id=workshop.pk).text
        assert "Attention : cet atelier est annulé." in page


class TestTenancyAndBadRequests:
    @pytest.fixture
    def elsewhere(self):
        other = SiteFactory(name="Médiathèque d'Ailleurs", address="9 rue Secrète")
        slot = UpcomingPermanenceFactory(site=other, title="Permanence d'ailleurs").slots.first()
        workshop = UpcomingWorkshopFactory(site=other, title="Atelier d'ailleurs")
        return other, slot, workshop

    def test_another_networks_slot_or_workshop_is_a_404_naming_nothing(
        self, client, member, elsewhere
    ):
        other, slot, workshop = elsewhere
        for kind, pk in (("partner_slot", slot.pk), ("workshop", workshop.pk)):
            for getter in (get_slip, get_pdf):
                response = getter(client, member, kind=kind, id=pk)
                assert response.status_code == 404
                for secret in ("Ailleurs", "ailleurs", "Secrète", other.network.name):
                    assert secret not in response.text

    def test_another_networks_site_as_origin_is_a_404(self, client, member, structure, elsewhere):
        other = elsewhere[0]
        response = get_slip(client, member, kind="structure", id=structure.pk, site=other.slug)
        assert response.status_code == 404

    def test_the_builder_refuses_them_too(self, network, site, elsewhere):
        other, slot, workshop = elsewhere
        now = timezone.now()
        with pytest.raises(SlipNotFound):
            build_slip(network=network, need=None, target_kind="partner_slot",
                       target_id=slot.pk, at=now)  # fmt: skip
        with pytest.raises(SlipNotFound):
            build_slip(network=network, need=None, target_kind="workshop",
                       target_id=workshop.pk, at=now)  # fmt: skip
        with pytest.raises(SlipNotFound):
            build_slip(network=other.network, need=None, target_kind="workshop",
                       target_id=workshop.pk, origin_site=site, at=now)  # fmt: skip
        with pytest.raises(SlipError):
            build_slip(network=network, need=None, target_kind="desk", target_id=site.pk, at=now)

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"kind": "desk", "id": "1"},
            {"kind": "structure"},
            {"kind": "structure", "id": "abc"},
            {"kind": "online_service", "need": TAXES, "format": "a3"},
        ],
    )
    def test_a_malformed_query_is_a_400(self, client, member, params):
        assert get_slip(client, member, **params).status_code == 400

    def test_an_unknown_need_is_a_404(self, client, member, structure):
        response = get_slip(client, member, kind="structure", id=structure.pk, need="nope")
        assert response.status_code == 404

    def test_login_is_needed(self, client, structure, network):
        response = client.get(slip_url(network, kind="structure", id=structure.pk))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


class TestPublicVariant:
    def test_only_what_the_portal_shows(self, network, site):
        desk_only = UpcomingPermanenceFactory(site=site, bookable_by=BookableBy.DESK).slots.first()
        online = UpcomingPermanenceFactory(site=site).slots.order_by("starts_at").first()
        draft = UpcomingWorkshopFactory(site=site, status=WorkshopStatus.DRAFT)
        now = timezone.now()
        with pytest.raises(SlipNotFound):
            build_slip(network=network, need=None, target_kind="partner_slot",
                       target_id=desk_only.pk, at=now, public=True)  # fmt: skip
        with pytest.raises(SlipNotFound):
            build_slip(network=network, need=None, target_kind="workshop",
                       target_id=draft.pk, at=now, public=True)  # fmt: skip
        slip = build_slip(network=network, need=None, target_kind="partner_slot",
                          target_id=online.pk, at=now, public=True)  # fmt: skip
        assert slip.place_name == "Médiathèque de Lunel"
        assert slip.issuer is None


class TestPage:
    def test_a5_by_default_a4_on_demand_and_the_actions_keep_the_ids(
        self, client, member, structure
    ):
        page = get_slip(client, member, need=TAXES, kind="structure", id=structure.pk).text
        assert '<body class="slip slip--a5">' in page
        assert 'href="/static/aiguillage/orientation/slip.css"' in page
        pdf_link = slip_url(member.network, "slip_pdf", need=TAXES, kind="structure",
                            id=structure.pk, format="a5")  # fmt: skip
        assert f'href="{pdf_link.replace("&", "&amp;")}"' in page
        a4 = get_slip(client, member, need=TAXES, kind="structure", id=structure.pk, format="a4")
        assert '<body class="slip slip--a4">' in a4.text

    def test_no_inline_style_or_script(self, client, member, structure):
        page = get_slip(client, member, need=TAXES, kind="structure", id=structure.pk).text
        assert "<style" not in page and " style=" not in page
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/aiguillage/orientation/slip.js" defer>']
        assert "onclick" not in page


@needs_pdftotext
class TestPdf:
    def test_the_pdf_says_the_name_address_hours_and_documents(
        self, client, member, structure, taxes
    ):
        response = get_pdf(client, member, need=TAXES, kind="structure", id=structure.pk,
                           site="lunel")  # fmt: skip
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="fiche-orientation.pdf"'
        assert "private" in response["Cache-Control"]
        assert response.content.startswith(b"%PDF-")
        text = flat(pdf_text(response.content))
        assert "France services de Lodève" in text
        assert "1 place de la République" in text and "34700 Lodève" in text
        assert f"Du lundi au vendredi : 9 h {DASH} 12 h et 13 h 30 {DASH} 17 h" in text
        assert "Téléphone : 04 67 44 24 60" in text
        for document in taxes.documents:
            assert flat(document) in text
        assert "https://www.impots.gouv.fr" in text
        assert "Imprimer" not in text  # the screen actions are not printed
        pages, size = pdf_pages(response.content)
        assert size == "148 x 210" and pages <= 2  # one A5 sheet, both sides at most

    def test_a4_on_one_page(self, client, member, structure):
        response = get_pdf(client, member, need=TAXES, kind="structure", id=structure.pk,
                           site="lunel", format="a4")  # fmt: skip
        assert pdf_pages(response.content) == (1, "210 x 297")


class TestStaticFetcher:
    def test_it_reads_the_slip_stylesheet_from_disk(self):
        fetcher = StaticFilesFetcher()
        response = fetcher.fetch(f"{settings.SITE_URL}/static/aiguillage/orientation/slip.css")
        assert b"@page" in response.read()
        response.close()

    @pytest.mark.parametrize(
        "url",
        [
            "https://example.org/static/aiguillage/orientation/slip.css",
            "file:///etc/passwd",
            "{site}/media/logos/x.png",
            "{site}/static/../../config/settings.py",
            "{site}/static/aiguillage/orientation/missing.css",
        ],
    )
    def test_it_refuses_anything_else(self, url):
        with pytest.raises(ValueError):
            StaticFilesFetcher().fetch(url.format(site=settings.SITE_URL))


def test_phones_read_the_french_way():
    assert display_phone("+33467442460") == "04 67 44 24 60"
    assert display_phone("+262262123456") == "+262 262 12 34 56"
    assert display_phone("3939") == "3939"
    assert display_phone("") == ""


@needs_pdftotext
class TestOnePage:
    """Every kind of slip fits one sheet, in A5 and in A4, booked or not (issue 14,
    section 5): a slip on two sheets gets its second sheet lost at the desk."""

    @pytest.fixture
    def targets(self, site, structure, taxes, member):
        partner = UpcomingPermanenceFactory(
            site=site, title="Permanence impôts : aide à la déclaration", structure=structure
        )
        partner.needs.set([taxes])
        slots = list(partner.slots.order_by("starts_at")[:2])
        booked = slots[1]
        book_slot(slot=booked, visitor=VISITOR, need=taxes, channel=Channel.DESK,
                  now=timezone.now(), actor=member.user)  # fmt: skip
        staff = UpcomingPermanenceFactory(
            site=site, kind="staff", structure=None, staff=member, title="Rendez-vous numérique"
        )
        workshop = UpcomingWorkshopFactory(
            site=site, title="Déclarer ses revenus en ligne, pas à pas",
            sessions=[timezone.now() + datetime.timedelta(days=d) for d in (7, 14, 21)],
        )  # fmt: skip
        workshop.needs.set([taxes])
        return {
            "structure": {"kind": "structure", "id": structure.pk},
            "online_service": {"kind": "online_service"},
            "partner_slot": {"kind": "partner_slot", "id": slots[0].pk},
            "partner_slot_booked": {"kind": "partner_slot", "id": booked.pk, "booked": "1"},
            "staff_slot": {"kind": "staff_slot", "id": staff.slots.first().pk},
            "workshop": {"kind": "workshop", "id": workshop.pk},
        }

    @pytest.mark.parametrize("paper", ["a5", "a4"])
    @pytest.mark.parametrize(
        "which",
        ["structure", "online_service", "partner_slot", "partner_slot_booked", "staff_slot",
         "workshop"],
    )  # fmt: skip
    def test_one_sheet(self, client, member, targets, which, paper):
        response = get_pdf(client, member, need=TAXES, site="lunel", format=paper,
                           **targets[which])  # fmt: skip
        assert response.status_code == 200
        pages, size = pdf_pages(response.content)
        assert size == ("148 x 210" if paper == "a5" else "210 x 297")
        assert pages == 1, f"{which} on {paper}: {pages} pages"


def test_it_says_telephonez_only_with_a_number_to_call(client, network, taxes):
    quiet_site = SiteFactory(network=network, name="Point lecture", slug="point", phone="")
    member = MembershipFactory(network=network)
    silent = StructureFactory(name="Espace numérique", phone="", covered_needs=[taxes])
    page = flat(
        get_slip(client, member, need=TAXES, kind="structure", id=silent.pk, site="point").text
    )
    assert "téléphonez" not in page.lower()
    assert "repassez à la médiathèque avant d'y aller" in page
    called = StructureFactory(name="France services", phone="+33467442460", covered_needs=[taxes])
    page = flat(get_slip(client, member, need=TAXES, kind="structure", id=called.pk,
                         site=quiet_site.slug).text)  # fmt: skip
    assert "en cas de doute, téléphonez au 04 67 44 24 60." in page


def test_the_english_slip_says_the_catalog_in_english_too(client, member, structure, settings):
    """A slip handed to someone who does not read French: the démarche and what to
    bring are in English, not only the labels around them."""
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = flat(
        client.get(slip_url(member.network, need=TAXES, kind="structure", id=structure.pk)).text
    )
    assert "Declare your income" in page
    assert "Tax number (on the tax notice)" in page
    assert "Déclarer ses revenus" not in page
    assert "Numéro fiscal" not in page
