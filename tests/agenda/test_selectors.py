"""The next free slots: scoped to the network, earliest first, filtered as asked."""

import datetime

import pytest

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Occurrence, Slot
from aiguillage.agenda.recurrence import PARIS
from aiguillage.agenda.selectors import free_slots
from aiguillage.agenda.services.appointments import book_slot
from aiguillage.agenda.services.permanences import cancel_occurrence, materialise
from aiguillage.catalog.models import Need
from tests.agenda.factories import PermanenceFactory
from tests.core.factories import SiteFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 10, 0, tzinfo=PARIS)


def ready(**fields):
    permanence = PermanenceFactory(**fields)
    materialise(permanence=permanence, today=TODAY, window_days=31)
    return permanence


def test_earliest_first_and_never_another_networks():
    mine = ready()
    ready()  # another network's permanence, same days
    found = free_slots(network=mine.network, after=NOW, limit=5)
    assert [s.permanence_id for s in found] == [mine.pk] * 5
    assert [s.starts_at for s in found] == sorted(s.starts_at for s in found)
    assert found[0].starts_at == datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)


def test_full_and_cancelled_slots_are_not_offered():
    permanence = ready(seats_per_slot=1)
    first = Slot.objects.filter(permanence=permanence).order_by("starts_at").first()
    book_slot(
        slot=first, visitor=Visitor(first_name="Awa", email="awa@exemple.fr"), need=None,
        channel="desk", now=NOW,
    )  # fmt: skip
    second_day = Occurrence.objects.filter(permanence=permanence).order_by("starts_at")[1]
    cancel_occurrence(occurrence=second_day, reason="", now=NOW)
    found = free_slots(network=permanence.network, after=NOW, limit=100)
    assert first.pk not in {s.pk for s in found}
    assert not {s.occurrence_id for s in found} & {second_day.pk}
    assert len(found) == 24 - 1 - 6


def test_filters_by_need_site_public_and_period():
    caf, taxes = Need.objects.all()[:2]
    handles_caf = ready()
    handles_caf.needs.set([caf])
    other_site = SiteFactory(network=handles_caf.network)
    desk_only = ready(site=other_site, bookable_by="desk")
    network = handles_caf.network
    assert {s.permanence_id for s in free_slots(network=network, after=NOW, need=caf)} == {
        handles_caf.pk
    }
    assert free_slots(network=network, after=NOW, need=taxes) == []
    assert {s.site_id for s in free_slots(network=network, after=NOW, site=other_site)} == {
        other_site.pk
    }
    public = free_slots(network=network, after=NOW, public_only=True, limit=100)
    assert desk_only.pk not in {s.permanence_id for s in public}
    december_8 = datetime.datetime(2026, 12, 8, tzinfo=PARIS)
    early = free_slots(network=network, after=NOW, before=december_8, limit=100)
    assert early and all(s.starts_at < december_8 for s in early)
