"""The public pages show only what is public, and only the network of the URL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Slot, WorkshopStatus
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import cancel_occurrence
from aiguillage.catalog.models import Need
from tests.agenda.factories import StaffPermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import first_slot, in_days, ready_permanence

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


class TestNetworkPage:
    def test_lists_the_public_offer_of_each_public_site(
        self, client, network, site, permanence, workshop
    ):
        response = client.get("/p/pic/")
        assert response.status_code == 200
        page = text(response)
        assert "Médiathèque Émile-Zola" in page
        assert f'href="/p/pic/ateliers/{workshop.pk}/"' in page
        assert "Il reste 2 places." in page
        assert f'href="/p/pic/permanences/{permanence.pk}/"' in page
        slots = list(Slot.objects.filter(permanence=permanence).order_by("starts_at")[:4])
        for slot in slots[:3]:
            assert f'href="/p/pic/creneaux/{slot.pk}/reserver/"' in page
        assert f"/creneaux/{slots[3].pk}/" not in page  # three per permanence
        # The network's colour and name, as on the staff pages; no staff navigation.
        assert "--brand: #7a1f5c" in page
        assert "<title>Ateliers et rendez-vous · Médiathèques du Pic</title>" in page
        assert "/annuaire/" not in page and "Se déconnecter" not in page

    def test_leaves_out_everything_not_public(self, client, network, site):
        hidden = SiteFactory(network=network, name="Réserve", is_public=False)
        other_network_site = SiteFactory(name="Ailleurs")
        hidden_workshop = WorkshopFactory(site=hidden, title="Atelier caché", starts_at=in_days(5))
        WorkshopFactory(site=other_network_site, title="Atelier voisin", starts_at=in_days(5))
        WorkshopFactory(site=site, title="Brouillon", status=WorkshopStatus.DRAFT)
        WorkshopFactory(site=site, title="À l'accueil", public_registration=False)
        WorkshopFactory(site=site, title="Plein", capacity=1, confirmed=1, waitlist_capacity=0)
        WorkshopFactory(site=site, title="Passé", starts_at=in_days(-2))
        ready_permanence(site=site, title="Guichet seulement", bookable_by="desk")
        ready_permanence(site=site, title="Permanence arrêtée", is_active=False)
        ready_permanence(site=hidden, title="Permanence cachée")
        ready_permanence(site=other_network_site, title="Permanence voisine")
        ready_permanence(site=site, title="Sans rendez-vous", slot_minutes=None)
        page = text(client.get("/p/pic/"))
        for name in [
            "Réserve",
            "Ailleurs",
            "Atelier caché",
            "Atelier voisin",
            "Brouillon",
            "À l&#x27;accueil",
            "Plein",
            "Passé",
            "Guichet seulement",
            "Permanence arrêtée",
            "Permanence cachée",
            "Permanence voisine",
            "Sans rendez-vous",
        ]:
            assert name not in page, name
        assert "Médiathèque Émile-Zola" in page
        assert client.get(f"/p/pic/ateliers/{hidden_workshop.pk}/").status_code == 404

    def test_a_full_workshop_with_a_waiting_list_is_still_offered(self, client, site):
        WorkshopFactory(
            site=site, title="Presque plein", capacity=1, confirmed=1, starts_at=in_days(3)
        )
        page = text(client.get("/p/pic/"))
        assert "Presque plein" in page
        assert "Complet. Vous pouvez vous mettre sur la liste d'attente." in page

    def test_slots_inside_the_online_cut_off_are_not_offered(self, client, site):
        soon = ready_permanence(
            site=site, booking_cutoff_hours=24 * 40, starts_on=timezone.localdate()
        )
        page = text(client.get("/p/pic/"))
        assert soon.title in page
        assert "Pas de rendez-vous libre pour le moment." in page
        assert "/creneaux/" not in page

    @pytest.mark.parametrize("slug", ["inconnu", "endormi"])
    def test_an_unknown_or_inactive_network_is_a_404(self, client, slug):
        NetworkFactory(slug="endormi", is_active=False)
        assert client.get(f"/p/{slug}/").status_code == 404

    def test_query_count_does_not_grow_with_sites_workshops_and_permanences(
        self, client, network, site, permanence, workshop
    ):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/p/pic/").status_code == 200
            return len(queries)

        few = count()
        for n in range(3):
            more = SiteFactory(network=network)
            ready_permanence(site=more, title=f"Permanence {n}")
            WorkshopFactory(site=more, starts_at=in_days(4 + n))
        assert count() == few


class TestSitePage:
    def test_address_hours_and_offer_of_the_site(self, client, site, permanence, workshop):
        site.opening_hours = "Mo-Sa 08:00-20:00"  # closed on Sundays
        site.save(update_fields=["opening_hours"])
        response = client.get("/p/pic/sites/zola/")
        assert response.status_code == 200
        page = text(response)
        assert "<h1>Médiathèque Émile-Zola</h1>" in page
        assert "1 place de la Mairie, 34400 Lunel" in page
        assert 'href="tel:04 67 00 00 00"' in page
        assert "<caption>Les 7 prochains jours</caption>" in page
        assert "de 8 h à 20 h" in page  # Mo-Sa 08:00-20:00, read aloud
        assert "Fermé" in page  # and the day it is closed
        assert workshop.title in page and permanence.title in page
        assert 'href="/p/pic/sites/zola/agenda.ics"' in page

    def test_only_public_sites_of_this_network(self, client, network, site):
        SiteFactory(network=network, slug="cachee", is_public=False)
        SiteFactory(network=network, slug="fermee", is_active=False)
        SiteFactory(slug="voisine")
        for slug in ["cachee", "fermee", "voisine", "nulle-part"]:
            assert client.get(f"/p/pic/sites/{slug}/").status_code == 404, slug


class TestWorkshopPage:
    def test_description_level_sessions_and_seats(self, client, site):
        start = in_days(7)
        workshop = WorkshopFactory(
            site=site,
            starts_at=start,
            capacity=8,
            confirmed=3,
            sessions=[start, start + datetime.timedelta(days=7)],
        )
        page = text(client.get(f"/p/pic/ateliers/{workshop.pk}/"))
        assert workshop.description.replace("'", "&#x27;") in page
        assert "débutant" in page
        assert "Les 2 séances" in page
        assert "Vous vous inscrivez à toutes les séances." in page
        assert "Il reste 5 places." in page
        assert 'name="first_name"' in page

    def test_another_networks_or_a_non_public_workshop_is_a_404(self, client, site):
        foreign = WorkshopFactory(starts_at=in_days(5))  # another network, published, public
        draft = WorkshopFactory(site=site, status=WorkshopStatus.DRAFT)
        desk_only = WorkshopFactory(site=site, public_registration=False)
        for workshop in (foreign, draft, desk_only):
            assert client.get(f"/p/pic/ateliers/{workshop.pk}/").status_code == 404
        assert client.get(f"/p/{foreign.network.slug}/ateliers/{foreign.pk}/").status_code == 200

    def test_a_started_or_full_workshop_has_no_form(self, client, site):
        started = WorkshopFactory(site=site, starts_at=in_days(-1))
        full = WorkshopFactory(
            site=site, capacity=1, confirmed=1, waitlist_capacity=1, waitlisted=1
        )
        page = text(client.get(f"/p/pic/ateliers/{started.pk}/"))
        assert "Cet atelier a déjà commencé." in page and 'name="first_name"' not in page
        page = text(client.get(f"/p/pic/ateliers/{full.pk}/"))
        assert "Il n'y a plus de place." in page and 'name="first_name"' not in page


class TestPermanencePage:
    def test_free_slots_of_the_week_by_day_and_the_next_weeks(self, client, permanence):
        response = client.get(f"/p/pic/permanences/{permanence.pk}/?semaine=1")
        page = text(response)
        assert response.status_code == 200
        monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
        week = Slot.objects.filter(
            permanence=permanence,
            starts_at__date__gte=monday,
            starts_at__date__lt=monday + datetime.timedelta(days=7),
        )
        assert week.count() == 7 * 6
        for slot in week:
            assert f"/p/pic/creneaux/{slot.pk}/reserver/" in page
        assert 'href="?semaine=0"' in page and 'href="?semaine=2"' in page
        assert page.count("<h3>") == 7

    def test_a_full_or_cancelled_slot_is_not_offered(self, client, permanence):
        first = first_slot(permanence)
        book_slot(
            slot=first,
            visitor=Visitor(first_name="Awa", email="awa@exemple.fr"),
            need=None,
            channel="desk",
            now=timezone.now(),
        )
        cancelled_day = Slot.objects.filter(permanence=permanence).order_by("starts_at")[6]
        cancel_occurrence(occurrence=cancelled_day.occurrence, reason="", now=timezone.now())
        page = text(client.get(f"/p/pic/permanences/{permanence.pk}/"))
        page += text(client.get(f"/p/pic/permanences/{permanence.pk}/?semaine=1"))
        assert f"/creneaux/{first.pk}/" not in page
        assert f"/creneaux/{cancelled_day.pk}/" not in page
        assert f"/creneaux/{first.pk + 1}/" in page

    def test_an_empty_week_points_to_the_next_free_slot(self, client, site):
        later = ready_permanence(
            site=site, starts_on=timezone.localdate() + datetime.timedelta(days=15)
        )
        page = text(client.get(f"/p/pic/permanences/{later.pk}/"))
        assert "Pas de rendez-vous libre cette semaine." in page
        assert "Le prochain est le" in page

    def test_the_chosen_need_is_carried_to_the_booking_form(self, client, permanence):
        caf, taxes, other = Need.objects.order_by("pk")[:3]
        permanence.needs.set([caf, taxes])
        page = text(client.get(f"/p/pic/permanences/{permanence.pk}/?demarche={taxes.pk}"))
        assert escape(caf.name) in page and escape(taxes.name) in page
        assert f"?demarche={taxes.pk}" in page
        assert f'href="?semaine=1&amp;demarche={taxes.pk}"' in page
        slot = first_slot(permanence)
        booking_page = text(client.get(f"/p/pic/creneaux/{slot.pk}/reserver/?demarche={taxes.pk}"))
        assert f'<option value="{taxes.pk}" selected>' in booking_page
        assert f'<option value="{other.pk}"' not in booking_page
        # A need the permanence does not handle is ignored, not an error.
        page = text(client.get(f"/p/pic/permanences/{permanence.pk}/?demarche={other.pk}"))
        assert "reserver/?demarche=" not in page

    def test_a_desk_only_or_another_networks_permanence_is_not_bookable(self, client, site):
        desk_only = ready_permanence(site=site, bookable_by="desk")
        foreign = ready_permanence()
        for permanence in (desk_only, foreign):
            assert client.get(f"/p/pic/permanences/{permanence.pk}/").status_code == 404
            slot = first_slot(permanence)
            assert client.get(f"/p/pic/creneaux/{slot.pk}/reserver/").status_code == 404
            response = client.post(
                f"/p/pic/creneaux/{slot.pk}/reserver/",
                {"first_name": "Awa", "email": "awa@exemple.fr"},
            )
            assert response.status_code == 404
        assert not slot.appointments.exists()

    def test_a_staff_members_public_permanence_is_bookable_too(self, client, site):
        staff_permanence = StaffPermanenceFactory(
            site=site, rrule="FREQ=DAILY", starts_on=timezone.localdate()
        )
        from aiguillage.agenda.services.permanences import materialise

        materialise(permanence=staff_permanence, today=timezone.localdate(), window_days=10)
        assert client.get(f"/p/pic/permanences/{staff_permanence.pk}/").status_code == 200
