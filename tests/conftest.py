"""Suite-wide settings: strict by default, fast where safety costs nothing in tests."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests only need a hash that round-trips."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _fresh_need_index():
    """A rolled-back test fires no signal: start every test with no cached index."""
    from aiguillage.catalog.selectors import clear_need_index

    clear_need_index()
    yield
    clear_need_index()


# --- Parallel runs (pytest-xdist, docs/development.md "Tests") ---------------------------
# `make test` runs the suite on every core (`-n auto --dist loadgroup
# --no-loadscope-reorder`), each worker on its own test database (pytest-django suffixes
# the name with the worker's id: var/test_aiguillage.sqlite3_gw0, test_aiguillage_gw1…).

# The slowest tests besides the browser ones (measured with --durations, docs/benchmarks.md):
# marked ``slow`` so that a local run may leave them out (-m "not slow"); CI runs them.
SLOW = (
    "tests/fuzz/",  # Hypothesis drives pages, forms, the API and the importers
    "tests/agenda/test_http_race.py",  # starts the production server (gunicorn)
    # national-size files (and their rollback: 10-16 s on PostgreSQL)
    "tests/directory/test_import_france_services.py::test_the_real_list_",
    "tests/directory/test_import_warnings.py::test_the_france_services_list_",
    "tests/directory/test_import_communes.py::test_the_national_communes_file_",
)
# Tests that share an expensive module-scoped fixture run on one worker together (with
# --dist loadgroup), rather than each worker paying for it.
GROUPS = {
    "tests/agenda/test_http_race.py": "production-server",  # gunicorn, started once
    "tests/fuzz/test_api_schemathesis.py": "openapi-schema",  # the document, read once
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the slow tests and group those that share a server; put the slow ones first,
    so that no worker is left alone with a long test at the end.

    Runs before pytest-django's own sort (also tryfirst, registered earlier), which is
    stable: the slow tests stay first *within* its order (db tests, then transactional
    ones, then the others). That order must hold in each worker: a transactional test
    flushes the worker's database, the catalog's migrated rows with it. Every worker
    sorts alike, as xdist requires."""
    for item in items:
        path = item.nodeid.split("::")[0]
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
        if path in GROUPS:
            item.add_marker(pytest.mark.xdist_group(GROUPS[path]))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings, django_db_blocker):
    """``--reuse-db`` keeps each worker's test database from one run to the next. A
    transactional test (live server, races) ends with a flush that empties every table,
    the rows the migrations seeded (the national catalog) with them: such a database is
    made anew rather than reused, as when it does not exist. ``--create-db`` forces it."""
    if request.config.getvalue("create_db"):
        return True
    if not request.config.getvalue("reuse_db"):
        return False
    with django_db_blocker.unblock():
        return not _test_database_keeps_its_seeded_rows()


def _test_database_keeps_its_seeded_rows() -> bool:
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    name = connection.creation._get_test_db_name()
    if connection.vendor == "sqlite" and not Path(name).exists():
        return False
    try:
        table = apps.get_model("catalog", "Theme")._meta.db_table
    except LookupError:
        return False
    probe = type(connection)({**connection.settings_dict, "NAME": name}, "reuse_db_probe")
    try:
        with probe.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {probe.ops.quote_name(table)} LIMIT 1")
            return cursor.fetchone() is not None
    except Exception:  # no such database or table: made anew
        return False
    finally:
        probe.close()
