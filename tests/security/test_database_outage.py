"""A database that fails mid-request never costs a visitor their seat, message or link.

The fault (issue 16, section 2): the booking commits, then the request went on reading
the database (the manage link's network slug) and queueing the confirmation. When the
database failed in between (a PostgreSQL restart, a failing queue insert), the visitor
got a 500 while the seat was held, with no confirmation and no manage link, and a retry
said "already booked", at all four doors (API appointment and registration, portal
booking and registration). Now everything the answer needs is read before the commit,
the confirmation is queued in the same transaction (the database queue, as in
production), and an outage answers 503 with Retry-After, never 500.

These tests commit for real (``transaction=True``) and make the database fail:
- after the booking's transaction has committed: the answer is the full success
  (manage link included) and the confirmation is already queued;
- on the queue's insert, inside the transaction: 503, nothing kept, and the retry books.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from aiguillage.agenda.models import Appointment, Registration
from aiguillage.core.outage import RETRY_AFTER_SECONDS
from tests.agenda.factories import WorkshopFactory
from tests.core.factories import NetworkFactory, SiteFactory
from tests.public.conftest import in_days, ready_permanence

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
VISITOR = {"first_name": "Rose", "email": "rose.martin@exemple.fr"}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.TASKS = DATABASE_QUEUE  # the queue is a table, as in production
    settings.PUBLIC_RATE_LIMIT = 1000
    settings.API_RATE_LIMIT = settings.API_WRITE_RATE_LIMIT = 1000
    settings.SITE_URL = "https://agenda.example.org"


@pytest.fixture
def world():
    network = NetworkFactory(name="Médiathèques du Pic", slug="pic")
    site = SiteFactory(network=network, name="Médiathèque Émile-Zola", slug="zola")
    permanence = ready_permanence(site=site, title="Permanence CAF")
    workshop = WorkshopFactory(site=site, title="Atelier tablette", starts_at=in_days(10))
    slot = permanence.slots.order_by("starts_at").first()
    return {"network": network, "slot": slot, "workshop": workshop}


@contextlib.contextmanager
def database_fails(*, after_commit_of: str | None = None, on_insert_into: str | None = None):
    """Every query fails once the transaction that wrote into ``after_commit_of`` has
    committed (a restart right after the commit), or the first insert into
    ``on_insert_into`` fails (a failing queue insert)."""
    state = {"written": False, "failed": 0}

    def wrapper(execute, sql, params, many, context):
        lowered = sql.lower()
        inserting = on_insert_into and lowered.startswith("insert") and on_insert_into in lowered
        if inserting and not state["failed"]:
            state["failed"] += 1
            raise OperationalError("server closed the connection unexpectedly")
        if after_commit_of and state["written"] and not connection.in_atomic_block:
            state["failed"] += 1
            raise OperationalError("server closed the connection unexpectedly")
        result = execute(sql, params, many, context)
        if after_commit_of and lowered.startswith("insert") and after_commit_of in lowered:
            state["written"] = True
        return result

    with connection.execute_wrapper(wrapper):
        yield state


def _portal_book(client, world):
    path = reverse("public:book", args=[world["network"].slug, world["slot"].pk])
    return client.post(path, VISITOR)


def _portal_register(client, world):
    path = reverse("public:workshop", args=[world["network"].slug, world["workshop"].pk])
    return client.post(path, VISITOR)


def _api_book(client, world):
    body = {**VISITOR, "slot": world["slot"].pk}
    return client.post("/api/v1/appointments", json.dumps(body), content_type="application/json")


def _api_register(client, world):
    path = f"/api/v1/workshops/{world['workshop'].pk}/registrations"
    return client.post(path, json.dumps(VISITOR), content_type="application/json")


DOORS = {
    "portal booking": (_portal_book, Appointment, "agenda_appointment"),
    "portal registration": (_portal_register, Registration, "agenda_registration"),
    "API appointment": (_api_book, Appointment, "agenda_appointment"),
    "API registration": (_api_register, Registration, "agenda_registration"),
}


def _manage_link_of(response) -> str:
    if response.status_code == 302:
        return response["Location"]
    assert response.status_code == 201, response.content
    return response.json()["manage_url"]


@pytest.mark.parametrize("door", DOORS)
def test_a_failure_after_the_commit_still_answers_with_the_link(world, door):
    act, model, table = DOORS[door]
    client = Client(raise_request_exception=False)
    with database_fails(after_commit_of=table) as state:
        response = act(client, world)
    made = model.objects.get()
    link = _manage_link_of(response)
    assert "/gerer/" in link  # the visitor leaves with their manage link
    assert state["failed"] == 0, "the answer read the database after the commit"
    # The confirmation was queued with the booking: the worker will send it.
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["pk"] == made.pk
    assert queued.task_path == "aiguillage.agenda.tasks.send_notification"


@pytest.mark.parametrize("door", DOORS)
def test_a_failing_queue_insert_keeps_nothing_and_the_retry_books(world, door):
    act, model, _table = DOORS[door]
    client = Client(raise_request_exception=False)
    with database_fails(on_insert_into="django_tasks_database_dbtaskresult") as state:
        response = act(client, world)
    assert state["failed"] == 1
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert not model.objects.exists()  # no seat held without its message
    assert not DBTaskResult.objects.exists()
    retried = act(client, world)  # a minute later: the same request books
    assert "/gerer/" in _manage_link_of(retried)
    assert model.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_an_outage_on_a_portal_page_is_a_503_page_without_the_database(world):
    client = Client(raise_request_exception=False)
    path = reverse("public:workshop", args=[world["network"].slug, world["workshop"].pk])

    def down(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(down):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert "momentanément indisponible" in response.text


def test_an_outage_in_the_api_is_a_503_with_retry_after(world):
    client = Client(raise_request_exception=False)

    def down(execute, sql, params, many, context):
        raise OperationalError("database is locked")

    with connection.execute_wrapper(down):
        response = client.get("/api/v1/workshops")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "indisponible" in response.json()["detail"]


def test_a_bug_is_still_a_500(world, monkeypatch):
    """Only the database's unavailability is a 503: a programming error stays a 500."""
    client = Client(raise_request_exception=False)

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr("aiguillage.public.views.booking.get_public_workshop", broken)
    path = reverse("public:workshop", args=[world["network"].slug, world["workshop"].pk])
    response = client.get(path)
    assert response.status_code == 500
    assert "Retry-After" not in response
