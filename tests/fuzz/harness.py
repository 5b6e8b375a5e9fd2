"""What every fuzz test needs: one savepoint per example, a fingerprint of the database
(to prove a refused form wrote nothing and another network was never touched), and
HTTP calls that fail the example on any server error.

Fingerprints hash every row of every table (the demo database holds about a thousand
rows, so a fingerprint costs a few milliseconds), leaving out what a request writes
whatever it does: sessions, the rate limit's counters, login throttling, the task
queue, and the journal (an entry for reading contact data is not a write of the form;
the journal of the other network is checked apart).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core import mail
from django.db import models, transaction
from django.test import Client, TestCase

from aiguillage.core.models import Network

# Tables a request may write whatever its form says.
BOOKKEEPING_APPS = {"sessions", "axes", "django_tasks_database", "contenttypes", "auth", "otp_totp",
                    "otp_static", "django_otp"}  # fmt: skip
BOOKKEEPING_MODELS = {"public.ratelimitcounter", "privacy.journalentry", "privacy.journalhead"}
# Columns a request may touch whatever its form says (activity tracking).
ACTIVITY_FIELD = re.compile(r"^last_(login|seen|activity|active|request)(_at|_on)?$")
JOURNAL = "privacy.journalentry"


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


@cache
def _models() -> tuple[type[models.Model], ...]:
    return tuple(
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in BOOKKEEPING_APPS and model._meta.managed
    )


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not ACTIVITY_FIELD.match(f.attname)]


@cache
def network_path(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its network (``network``, ``permanence__network``…),
    following foreign keys; None for shared rows (catalog, directory, communes, users)."""
    if _label(model) == JOURNAL:
        return "network_id"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _depth in range(4):
        following = []
        for current, prefix in frontier:
            for f in current._meta.concrete_fields:
                if not f.is_relation or f.related_model is None:
                    continue
                if f.related_model is Network:
                    return f"{prefix}{f.name}"
                following.append((f.related_model, f"{prefix}{f.name}__"))
        frontier = following
    return None


def _digest(queryset, columns: list[str]) -> str:
    rows = queryset.order_by("pk").values_list(*columns)
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def fingerprint(*, network: Network | None = None) -> dict[str, str]:
    """A hash of every table (``network``: only that network's rows, journal included)."""
    found = {}
    for model in _models():
        label = _label(model)
        queryset = model._base_manager.all()
        if network is not None:
            path = network_path(model)
            if path is None:
                continue
            value = network.pk if path == "network_id" else network
            queryset = queryset.filter(**{path: value})
        elif label in BOOKKEEPING_MODELS:
            continue
        found[label] = _digest(queryset, _columns(model))
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {
        label for label in before.keys() | after.keys() if before.get(label) != after.get(label)
    }


def assert_unchanged(before: dict[str, str], after: dict[str, str], what: str) -> None:
    assert not changed(before, after), f"{what} changed tables {sorted(changed(before, after))}"


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example: a savepoint rolled back at the end, whatever happened; what the
    request left to do after the commit (notifications) runs before the rollback, so
    that sending them is fuzzed too."""
    mail.outbox = []
    with transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Baseline:
    """The database before any example of a test: every example starts from it (each
    one is rolled back), so it is taken once per test rather than once per example."""

    full: dict[str, str]
    other: dict[str, str]
    other_network: Network

    @classmethod
    def take(cls, other_network: Network) -> Baseline:
        return cls(fingerprint(), fingerprint(network=other_network), other_network)

    def changed_tables(self) -> set[str]:
        """The tables changed since, after checking that the other network's rows are
        not among the changes."""
        diff = changed(self.full, fingerprint())
        if diff:
            assert_unchanged(
                self.other, fingerprint(network=self.other_network), "the other network"
            )
        return diff


@contextmanager
def guarded(other: Network) -> Iterator[None]:
    """The other network's rows are the same after the block as before it."""
    before = fingerprint(network=other)
    yield
    assert_unchanged(before, fingerprint(network=other), "the other network")


def logged_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def is_redirect(response) -> bool:
    return response.status_code in (301, 302, 303)


def no_server_error(response) -> None:
    assert response.status_code < 500, f"{response.status_code} from {response.request}"


def holds_nul(value) -> bool:
    """Whether generated data holds a NUL character anywhere (such a request is refused
    with a 400 before any view: aiguillage/core/nul_bytes.py)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    return False


def leaks_nothing(response, *texts: str) -> None:
    """None of ``texts`` (another network's names) is in the page."""
    body = response.content
    for text in texts:
        assert text.encode() not in body, f"{text!r} leaked"
