"""Suite-wide settings: strict by default, fast where safety costs nothing in tests."""

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
