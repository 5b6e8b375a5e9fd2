"""Public portal fixtures: a network with a public site, a bookable permanence whose
slots start tomorrow, and a workshop in ten days (dates relative to the real clock,
since the pages read it)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aiguillage.agenda.models import Slot
from aiguillage.agenda.services.permanences import materialise
from tests.agenda.factories import PermanenceFactory, WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory

EVERY_DAY = "FREQ=DAILY"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """The rate limit has its own tests; the others must not trip over it."""
    settings.PUBLIC_RATE_LIMIT = 1000


def in_days(days: int, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def ready_permanence(**fields):
    """A permanence materialised from tomorrow, every day 9:00-12:00, 30-minute slots."""
    fields.setdefault("rrule", EVERY_DAY)
    fields.setdefault("starts_on", timezone.localdate() + datetime.timedelta(days=1))
    permanence = PermanenceFactory(**fields)
    materialise(permanence=permanence, today=timezone.localdate(), window_days=30)
    return permanence


def first_slot(permanence) -> Slot:
    return Slot.objects.filter(permanence=permanence).order_by("starts_at").first()


@pytest.fixture
def network():
    return NetworkFactory(name="Médiathèques du Pic", slug="pic", theme_color="#7a1f5c")


@pytest.fixture
def site(network):
    return SiteFactory(
        network=network, name="Médiathèque Émile-Zola", slug="zola", phone="04 67 00 00 00"
    )


@pytest.fixture
def permanence(site):
    return ready_permanence(site=site, title="Permanence CAF")


@pytest.fixture
def workshop(site):
    return WorkshopFactory(
        site=site,
        title="Créer son adresse e-mail",
        starts_at=in_days(10),
        capacity=2,
        waitlist_capacity=2,
    )
