"""The workshop pages: a full workshop says so and offers its waiting list at the desk;
the démarches a workshop teaches are chosen theme by theme."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Channel
from aiguillage.agenda.services.workshops import register
from aiguillage.catalog.models import Need
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def detail(client, workshop):
    member = MembershipFactory(network=workshop.network)
    client.force_login(member.user)
    return client.get(reverse("agenda:workshop_detail", args=[workshop.network.slug, workshop.pk]))


def fill(workshop, n):
    for k in range(n):
        register(workshop=workshop, visitor=Visitor(first_name=f"P{k}"), channel=Channel.DESK,
                 now=timezone.now())  # fmt: skip


def test_a_full_workshop_offers_its_waiting_list(client):
    workshop = WorkshopFactory(capacity=2, waitlist_capacity=3)
    register_url = reverse("agenda:workshop_register", args=[workshop.network.slug, workshop.pk])
    text = detail(client, workshop).text
    assert 'id="complet"' not in text
    assert f'href="{register_url}">' + "Inscrire quelqu'un" in text
    fill(workshop, 2)
    text = detail(client, workshop).text
    assert "L'atelier est complet. Il reste 3 places en liste d'attente" in text.replace(
        "&#x27;", "'"
    )
    assert f'href="{register_url}">Inscrire en liste d' in text


def test_a_workshop_full_with_its_waiting_list_says_so(client):
    workshop = WorkshopFactory(capacity=1, waitlist_capacity=0)
    fill(workshop, 1)
    text = detail(client, workshop).text.replace("&#x27;", "'")
    assert "L'atelier est complet, et sa liste d'attente aussi" in text
    assert reverse("agenda:workshop_register", args=[workshop.network.slug, workshop.pk]) not in (
        text
    )


def test_the_demarches_taught_are_grouped_by_theme(client):
    member = MembershipFactory(mediator=True)
    client.force_login(member.user)
    text = client.get(reverse("agenda:workshop_new", args=[member.network.slug])).text
    groups = re.findall(
        r'<fieldset class="fieldset fieldset--theme">\s*<legend>(.*?)</legend>(.*?)</fieldset>',
        text,
        re.S,
    )
    needs = Need.objects.active().select_related("theme")
    assert len(groups) == len({need.theme_id for need in needs}) > 1
    boxes = {
        int(value): legend
        for legend, body in groups
        for value in re.findall(r'name="needs" value="(\d+)"', body)
    }
    assert len(boxes) == needs.count()
    assert all(boxes[need.pk] == need.theme.name.replace("'", "&#x27;") for need in needs)


def test_copy_a_workshop_for_a_new_cycle(client):
    from tests.agenda.factories import in_days
    from tests.agenda.test_staff_workshops import session_fields

    taught = Need.objects.active().order_by("pk")[:2]
    source = WorkshopFactory(title="Tablette, premiers pas", capacity=7, waitlist_capacity=2)
    source.needs.set(taught)
    fill(source, 1)
    member = MembershipFactory(network=source.network, mediator=True)
    client.force_login(member.user)
    copy_url = reverse("agenda:workshop_copy", args=[source.network.slug, source.pk])
    detail_url = reverse("agenda:workshop_detail", args=[source.network.slug, source.pk])
    assert copy_url in client.get(detail_url).text
    page = client.get(copy_url).text
    assert "Copier « Tablette, premiers pas »" in page
    assert 'value="Tablette, premiers pas"' in page and 'value="7"' in page
    for need in taught:
        assert re.search(rf'value="{need.pk}"[^>]*checked', page)
    assert not re.search(r'name="seances-0-day"[^>]*value="\d', page)  # dates to enter

    second = in_days(21)
    data = {
        "title": "Tablette, premiers pas",
        "description": source.description,
        "level": source.level,
        "site": source.site_id,
        "animator": "",
        "capacity": "7",
        "waitlist_capacity": "2",
        "desk_registration": "on",
        "public_registration": "on",
        "status": "published",
        "needs": [need.pk for need in taught],
    } | session_fields([(second.isoformat(), "14:00", "16:00"), ("", "", "")])
    response = client.post(copy_url, data)
    assert response.status_code == 302
    copy = source.__class__.objects.exclude(pk=source.pk).get(title="Tablette, premiers pas")
    assert (copy.capacity, copy.confirmed, set(copy.needs.all())) == (7, 0, set(taught))
    assert copy.sessions.get().starts_at.date() == second
    source.refresh_from_db()
    assert (source.confirmed, source.sessions.count()) == (1, 1)


def test_only_editors_copy(client):
    source = WorkshopFactory()
    member = MembershipFactory(network=source.network, volunteer=True)
    client.force_login(member.user)
    copy_url = reverse("agenda:workshop_copy", args=[source.network.slug, source.pk])
    assert client.get(copy_url).status_code == 403
