"""The workshop's staff page says who came to each session: the first names of the
confirmed people marked present or absent, session by session."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.agenda.contact import Visitor
from aiguillage.agenda.models import Channel
from aiguillage.agenda.services.workshops import (
    cancel_registration,
    record_session_attendance,
    register,
)
from tests.accounts.factories import MembershipFactory
from tests.agenda.factories import WorkshopFactory, in_days
from tests.agenda.test_staff_workshops import at

pytestmark = pytest.mark.django_db


def test_who_came_to_each_session(client, time_machine):
    first, second = at(in_days(7), 14), at(in_days(14), 14)
    workshop = WorkshopFactory(title="Atelier tablette", capacity=3, starts_at=first,
                               sessions=[first, second])  # fmt: skip
    people = {
        name: register(
            workshop=workshop,
            visitor=Visitor(first_name=name),
            channel=Channel.DESK,
            now=timezone.now(),
        )
        for name in ("Bea", "Chloé", "Marc", "Wassim")  # Wassim waits: 3 seats
    }
    session = workshop.sessions.get(starts_at=first)
    time_machine.move_to(first + datetime.timedelta(minutes=5), tick=False)
    record_session_attendance(
        session=session, present={people["Bea"].pk, people["Marc"].pk}, now=timezone.now()
    )
    cancel_registration(registration=people["Marc"], cancelled_by="staff", now=timezone.now())
    # Marc left the cycle after the first session: Wassim took his seat, never marked.
    member = MembershipFactory(network=workshop.network, volunteer=True)
    client.force_login(member.user)
    text = client.get(reverse("agenda:workshop_detail", args=[workshop.network.slug, workshop.pk]))
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", text.text, re.S)
    marked = [re.sub(r"<[^>]+>", "|", row) for row in rows if "14:00" in row]
    assert len(marked) == 2
    cells = [[cell.strip() for cell in row.split("|") if cell.strip()] for row in marked]
    assert cells[0][1:] == ["Bea", "Chloé"]  # present, absent (Marc no longer confirmed)
    assert cells[1][1:] == ["Présences pas encore relevées."]
