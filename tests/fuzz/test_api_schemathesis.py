"""The JSON API fuzzed against its own OpenAPI document (Schemathesis 4).

The document is read from the WSGI application (``config.wsgi``) as a client would,
and every operation is called with generated input, valid (positive) and invalid
(negative), in-process through the same WSGI application, with the demo network
loaded so that the reads find slots, workshops and structures and the writes book
real slots. Checks: never a server error; the status code is one the document
declares for the operation; the content type and the body conform to the declared
response; declared headers are present. Each example runs in its own savepoint.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import Baseline, rolled_back

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
OPENAPI = "/api/v1/openapi.json"
# A negative case is an invalid input: an operation without parameters has none, and
# one taking any string (a manage token) has few; Hypothesis says so, it is no failure.
API = settings(fuzz_settings(0.6), suppress_health_check=[*HealthCheck])


@pytest.fixture(scope="module")
def api_schema(world):
    """The document, read through the WSGI application; requests through it keep the
    test's connection (as Django's test client does: a request that ends closes the
    connection otherwise, and the test's transaction with it)."""
    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(OPENAPI, application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_lists_every_route(api_schema):
    """The fuzzing below covers what the document declares: every route is there."""
    paths = {operation.path for operation in _operations(api_schema)}
    for path in ("/needs", "/sites", "/structures", "/slots", "/workshops", "/orientation"):
        assert any(p.endswith(path) for p in paths), path


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_conforms(world, api_schema, mode):
    base = Baseline.take(world.other)
    generation = (
        schemathesis.GenerationMode.POSITIVE
        if mode == "positive"
        else schemathesis.GenerationMode.NEGATIVE
    )
    failures = []
    for operation in _operations(api_schema):

        @API
        @given(case=operation.as_strategy(generation_mode=generation))
        def check(case):
            with rolled_back():
                case.call_and_validate(checks=CHECKS)
                # A public API never writes a row of the other network.
                base.changed_tables()

        try:
            check()
        except Unsatisfiable:
            assert mode == "negative", f"no valid input for {operation.path}"
        except Exception as error:  # every operation is tried, all failures told
            failures.append(f"{operation.method.upper()} {operation.path}:\n{error}")
    assert not failures, "\n\n".join(failures)
