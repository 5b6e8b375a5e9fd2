"""The command, the API and the desk give the same answers: one engine, one wording."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aiguillage.catalog.models import Need
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import UpcomingPermanenceFactory, UpcomingWorkshopFactory
from tests.core.factories import SiteFactory
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db
LAT, LON = 43.7317, 3.3194


@pytest.fixture
def territory():
    site = SiteFactory(latitude=LAT, longitude=LON)
    rsa = Need.objects.get(slug="demander-rsa")
    for index, km in enumerate((1.5, 4.0, 30.0)):
        StructureFactory(
            name=f"Lieu {index}", latitude=LAT + km * 0.009, longitude=LON, covered_needs=[rsa]
        )
    UpcomingPermanenceFactory(site=site, title="Permanence CAF").needs.set([rsa])
    workshop = UpcomingWorkshopFactory(site=site, title="Créer son adresse e-mail")
    workshop.needs.set([Need.objects.get(slug="creer-adresse-email")])
    mediator = MembershipFactory(network=site.network, mediator=True)
    return site, mediator


def command_answer(*args: str) -> dict:
    out = io.StringIO()
    call_command("orient", *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_desk_shows_what_the_command_answers_for_the_same_member(client, territory):
    site, mediator = territory
    at = timezone.now().replace(microsecond=0)
    answer = command_answer(
        "--need", "demander-rsa", "--site", site.slug, "--network", site.network.slug,
        "--lacks", "email", "--staff", mediator.user.email, "--at", at.isoformat(),
    )  # fmt: skip
    client.force_login(mediator.user)
    page = client.post(
        reverse("orientation:desk", args=[site.network.slug]),
        {"need": "demander-rsa", "site": site.slug, "lacks": ["email"]},
    ).text

    titles = re.findall(r'<h4 class="card__title" id="rec-\d+">([^<]+)</h4>', page)
    modes = re.findall(r'<p class="desk__mode">([^<]+)</p>', page)
    expected = [r["title"].replace("'", "&#x27;") for r in answer["recommendations"]]
    assert titles == expected
    assert modes == [
        r["mode_label"][:1].upper() + r["mode_label"][1:] for r in answer["recommendations"]
    ]
    assert len(titles) >= 4  # places, the partner slot, the workshop, the online service


def test_the_api_answers_what_the_command_answers_for_the_public(client, territory):
    site, _mediator = territory
    at = timezone.now().replace(microsecond=0)
    answer = command_answer(
        "--need", "demander-rsa", "--site", site.slug, "--network", site.network.slug,
        "--public", "--at", at.isoformat(),
    )  # fmt: skip
    response = client.get(
        "/api/v1/orientation",
        {"need": "demander-rsa", "site": site.slug, "network": site.network.slug,
         "at": at.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == answer
