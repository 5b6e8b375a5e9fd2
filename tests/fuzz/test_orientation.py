"""The orientation parameters: the engine itself (``orient``), ``GET /api/v1/orientation``
and the ``orient`` command, with any combination of need, query, site, commune,
autonomy, lacks, support, deadline, moment, staff member and public answer.

Properties: never an error (the engine raises only for a missing site and commune; the
API answers a documented status with JSON; the command succeeds or says what is wrong);
answers are well formed (at most 8 recommendations, modes among the five, the public
answer never shows what only the desk sees, targets of the asking network only); the
same question asked twice gets the same answer.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from aiguillage.accounts.models import Membership
from aiguillage.agenda.models import Slot, Workshop
from aiguillage.catalog.models import Need
from aiguillage.catalog.selectors import MAX_QUERY_LENGTH
from aiguillage.core.models import Site
from aiguillage.directory.models import Commune
from aiguillage.orientation.engine import MAX_RECOMMENDATIONS, TargetKind, orient
from aiguillage.orientation.models import Mode
from aiguillage.orientation.serialize import orientation_to_dict
from aiguillage.orientation.situation import Autonomy, Lack, Situation, Support
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import Baseline, logged_in, no_server_error, rolled_back
from tests.fuzz.strategies import NASTY_DATES, french_text, nasty_text

pytestmark = pytest.mark.django_db

ENGINE = fuzz_settings(0.8)
DESK_ONLY = {TargetKind.STAFF_SLOT, TargetKind.DESK}
QUERIES = ("impots", "caf rsa", "carte grise", "ameli", "retraite", "e-mail", "xqzw", "")


def _query() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(QUERIES),
        french_text(MAX_QUERY_LENGTH),
        nasty_text(MAX_QUERY_LENGTH).map(lambda t: t.replace("\x00", "")),
    )


def _moment() -> st.SearchStrategy[datetime.datetime]:
    return st.datetimes(
        datetime.datetime(2000, 1, 1),
        datetime.datetime(2100, 12, 31),
        timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=14))]),
    )


def _situation() -> st.SearchStrategy[Situation]:
    return st.builds(
        Situation,
        autonomy=st.sampled_from(["", *Autonomy.values]),
        lacks=st.frozensets(st.sampled_from(list(Lack.values))),
        support=st.frozensets(st.sampled_from(list(Support.values))),
        french_not_mastered=st.booleans(),
        deadline=st.one_of(st.none(), st.dates()),
        first_time=st.booleans(),
    )


def check_answer(answer: dict, *, public: bool, network, allowed: set[tuple[str, int]]) -> None:
    """An answer as the API, the command and the desk give it."""
    json.dumps(answer)  # plain JSON data
    recommendations = answer["recommendations"]
    assert len(recommendations) <= MAX_RECOMMENDATIONS
    for recommendation in recommendations:
        assert recommendation["mode"] in Mode.values
        target = recommendation["target"]
        if public:
            assert target["kind"] not in DESK_ONLY
        if target["kind"] in (TargetKind.PARTNER_SLOT, TargetKind.STAFF_SLOT):
            assert ("slot", target["id"]) in allowed
        if target["kind"] == TargetKind.WORKSHOP:
            assert ("workshop", target["id"]) in allowed
    assert answer["unmet"] == (not recommendations)


def _allowed(network) -> set[tuple[str, int]]:
    """The slots and workshops of ``network``: the only ones an answer may propose."""
    slots = Slot.objects.filter(network=network).values_list("pk", flat=True)
    workshops = Workshop.objects.filter(network=network).values_list("pk", flat=True)
    return {("slot", pk) for pk in slots} | {("workshop", pk) for pk in workshops}


def test_engine(world):
    network = world.network
    needs = list(Need.objects.for_search().order_by("pk")[:12])
    sites = list(Site.objects.filter(network=network).order_by("pk"))
    communes = list(Commune.objects.located().order_by("pk")[:8])
    members = list(Membership.objects.filter(network=network).order_by("pk"))
    allowed = _allowed(network)

    @ENGINE
    @given(
        need=st.one_of(st.none(), st.sampled_from(needs)),
        query=_query(),
        where=st.one_of(
            st.tuples(st.just("site"), st.sampled_from(sites)),
            st.tuples(st.just("commune"), st.sampled_from(communes)),
        ),
        situation=_situation(),
        at=st.one_of(st.none(), _moment()),
        member=st.one_of(st.none(), st.sampled_from(members)),
        public=st.booleans(),
    )
    def check(need, query, where, situation, at, member, public):
        kind, place = where
        question = {
            "network": network,
            "need": need,
            "query": query,
            "situation": situation,
            "site": place if kind == "site" else None,
            "commune": place if kind == "commune" else None,
            "at": at or datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
            "membership": None if public else member,
            "public": public,
        }
        with rolled_back():
            first = orientation_to_dict(orient(**question))
            second = orientation_to_dict(orient(**question))
        assert first == second
        check_answer(first, public=public, network=network, allowed=allowed)

    check()


def _api_params(world) -> st.SearchStrategy[dict[str, str]]:
    needs = ["declarer-ses-revenus", "demander-la-prime-d-activite", "inconnu"]
    value = {
        "need": st.sampled_from(["", *needs]),
        "query": st.sampled_from(QUERIES),
        "site": st.sampled_from(["", *world.site_slugs, world.other_site_slug]),
        "commune": st.sampled_from(["", *world.commune_codes, "00000"]),
        "network": st.sampled_from(["", world.network.slug, world.other.slug, "aucun"]),
        "autonomy": st.sampled_from(["", *Autonomy.values, "autonome,autonome"]),
        "lacks": st.sampled_from(["", "email", "email,device", "scanner,,", "rien"]),
        "support": st.sampled_from(["", "surdite", "illettrisme,handicap_moteur", "x"]),
        "french_not_mastered": st.sampled_from(["", "true", "0", "peut-être"]),
        "first_time": st.sampled_from(["", "1", "false", "oui"]),
        "deadline": st.one_of(st.just(""), st.dates().map(datetime.date.isoformat)),
        "at": st.one_of(
            st.just("2026-12-01T10:00+01:00"),
            _moment().map(datetime.datetime.isoformat),
            st.sampled_from(NASTY_DATES),
        ),
    }
    nasty = st.one_of(nasty_text(300), st.just("x" * 2000))
    return st.fixed_dictionaries(
        {}, optional={name: st.one_of(strategy, nasty) for name, strategy in value.items()}
    )


def test_api(world):
    """Any query string: a documented status, JSON, the same answer twice."""
    client = logged_in(None)
    url = "/api/v1/orientation"
    allowed = _allowed(world.network) | _allowed(world.other)
    base = Baseline.take(world.other)

    @ENGINE
    @given(params=_api_params(world), staff=st.booleans())
    def check(params, staff):
        if staff:
            params["staff"] = "someone@example.org"
        with rolled_back():
            first = client.get(url, params)
            no_server_error(first)
            assert first.status_code in (200, 400, 404, 429), first.status_code
            assert first["Content-Type"].startswith("application/json")
            body = first.json()
            if first.status_code == 200:
                check_answer(body, public=True, network=None, allowed=allowed)
                if params.get("at"):
                    assert client.get(url, params).json() == body
            elif first.status_code == 400:  # field errors ("detail" too for a NUL)
                assert set(body) <= {"errors", "detail"}
                assert all(isinstance(m, list) for m in body["errors"].values())
            else:
                assert "detail" in body
            assert not base.changed_tables()

    check()


def test_command(world):
    """The command: an answer (printed JSON the API's shape) or a CommandError."""
    members = list(Membership.objects.filter(network=world.network).select_related("user"))

    @fuzz_settings(0.6)
    @given(
        what=st.one_of(
            st.tuples(st.just("--need"), st.sampled_from(["declarer-ses-revenus", "x", ""])),
            st.tuples(st.just("--query"), _query()),
        ),
        where=st.one_of(
            st.tuples(st.just("--site"), st.sampled_from([*world.site_slugs, "nulle"])),
            st.tuples(st.just("--commune"), st.sampled_from([*world.commune_codes, "2A"])),
        ),
        options=st.lists(
            st.one_of(
                st.tuples(st.just("--network"), st.sampled_from([world.network.slug, "x"])),
                st.tuples(st.just("--autonomy"), st.sampled_from([*Autonomy.values, "?"])),
                st.tuples(st.just("--lacks"), st.sampled_from(["email,device", "email,", "z"])),
                st.tuples(st.just("--support"), st.sampled_from(["surdite", "y"])),
                st.tuples(st.just("--deadline"), st.sampled_from(["2026-12-31", *NASTY_DATES])),
                st.tuples(st.just("--at"), st.sampled_from(["2026-12-01T10:00", *NASTY_DATES])),
                st.tuples(
                    st.just("--staff"),
                    st.sampled_from([m.user.email for m in members] + ["x@example.org"]),
                ),
                st.tuples(st.sampled_from(["--public", "--first-time", "--french-not-mastered"])),
            ),
            max_size=4,
        ),
    )
    def check(what, where, options):
        args = [*what, *where, *(part for option in options for part in option), "--json"]
        out, err = io.StringIO(), io.StringIO()
        with rolled_back():
            try:
                call_command("orient", *args, stdout=out, stderr=err)
            except CommandError as error:
                assert str(error)
                return
        answer = json.loads(out.getvalue())
        public = "--public" in args
        check_answer(answer, public=public, network=world.network, allowed=_allowed(world.network))

    check()
