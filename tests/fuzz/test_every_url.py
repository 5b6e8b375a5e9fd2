"""Every URL of the project, as every role and as a stranger, with generated query
strings and form fields: the pages whose forms have no test of their own (and those
added after this file) are fuzzed too, with the weakest properties that hold for all:
never a server error, and a member of one network never changes a row of the other.

The URL patterns are enumerated (as tests/core/test_tenancy.py does); their parameters
take sample values of the world (ids of both networks, manage links) or anything.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.accounts.models import Role
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import (
    assert_unchanged,
    fingerprint,
    logged_in,
    no_server_error,
    rolled_back,
)
from tests.fuzz.strategies import nasty_number, nasty_text

pytestmark = pytest.mark.django_db

SWEEP = fuzz_settings(1.6)
# PDFs render the same data as their HTML page, slowly (WeasyPrint): the page is fuzzed.
SKIPPED_NAMES = ("_pdf",)
# The portal's pages: anyone acts there for the network named in the URL.
PUBLIC_NAMESPACES = {"public", "privacy_public"}
# Field names the project's forms use: a generated form posts some of them.
FIELD_NAMES = (
    "q", "need", "needs", "site", "commune", "lieu", "demarche", "besoin", "first_name",
    "email", "phone", "title", "name", "reason", "status", "notes", "slot", "structure",
    "rule", "mode", "roles", "outcome", "kind", "id", "format", "token", "file", "date",
    "semaine", "seuil", "statut", "page", "action", "category", "days", "months", "contact",
    "username", "password", "otp_token", "code", "confirm", "query", "from", "to", "limit",
)  # fmt: skip
ID_PARAMS = {
    "permanence_id": "permanence",
    "occurrence_id": "occurrence",
    "slot_id": "slot",
    "appointment_id": "appointment",
    "workshop_id": "workshop",
    "registration_id": "registration",
    "session_id": "session",
    "structure_id": "structure",
    "partnership_id": "partnership",
    "contact_id": "contact",
}


def url_patterns() -> list[tuple[str, frozenset[str]]]:
    """(name, parameter names) of every named URL but the API's (Schemathesis's)."""

    def walk(patterns, namespace, inherited):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                yield from walk(entry.url_patterns, ns, inherited | set(entry.pattern.converters))
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, frozenset(inherited | set(entry.pattern.converters))

    return sorted(
        (name, params)
        for name, params in set(walk(get_resolver().url_patterns, None, frozenset()))
        if not name.startswith("api-") and not any(s in name for s in SKIPPED_NAMES)
    )


@st.composite
def kwargs_for(draw, params: frozenset[str], world) -> dict[str, object]:
    values: dict[str, object] = {}
    for param in sorted(params):
        if param == "network_slug":
            values[param] = draw(st.sampled_from([world.network.slug] * 3 + [world.other.slug]))
        elif param == "site_slug":
            values[param] = draw(st.sampled_from([*world.site_slugs, world.other_site_slug]))
        elif param in ID_PARAMS:
            values[param] = draw(st.sampled_from([pk for pk in world.ids(ID_PARAMS[param])
                                                  if pk >= 0]))  # fmt: skip
        elif param == "token":
            values[param] = draw(st.sampled_from([*world.tokens.values(), "x"]))
        elif param == "slug":  # a catalog need
            values[param] = draw(st.sampled_from(["declarer-ses-revenus", "inconnu"]))
        else:
            values[param] = draw(st.sampled_from(["1", "x"]))
    return values


def _fields() -> st.SearchStrategy[dict[str, object]]:
    value = st.one_of(nasty_text(200), nasty_number(), st.lists(nasty_text(30), max_size=3))
    return st.dictionaries(st.sampled_from(FIELD_NAMES), value, max_size=6)


def test_every_url_as_every_role(world):
    patterns = url_patterns()
    assert len(patterns) > 40  # the walk found the project's pages
    roles = [None, *Role.values, "other"]

    @SWEEP
    @given(
        pattern=st.sampled_from(patterns),
        role=st.sampled_from(roles),
        method=st.sampled_from(["get", "post"]),
        query=_fields(),
        data=st.data(),
    )
    def check(pattern, role, method, query, data):
        name, params = pattern
        kwargs = data.draw(kwargs_for(params, world), label="kwargs")
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:  # a sample value the pattern refuses: a 404 anyway
            return
        if role == "other":
            user = world.other_coordinator.user
        else:
            user = world.user(role) if role else None
        untouched = world.network if role == "other" else world.other
        if name.split(":")[0] in PUBLIC_NAMESPACES and "network_slug" in kwargs:
            # A public page acts for the visitors of the network it names (a manage link
            # of that network cancels its booking, whoever holds it): the other stays.
            addressed = kwargs["network_slug"]
            untouched = world.other if addressed == world.network.slug else world.network
        with rolled_back():
            client = logged_in(user)
            before = fingerprint(network=untouched)
            if method == "get":
                response = client.get(url, query)
            else:
                response = client.post(f"{url}?{urlencode(query, doseq=True)}", query)
            no_server_error(response)
            assert_unchanged(before, fingerprint(network=untouched), f"{role} on {name}")

    check()
