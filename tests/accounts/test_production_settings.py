"""The authentication settings of a production instance, read in a fresh interpreter
from nothing but the required variables: secure cookies, HSTS, lockout, second factor,
idle timeout, Argon2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ_SETTINGS = """
import json
from django.conf import settings
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "AIGUILLAGE_REQUIRE_2FA", "SESSION_IDLE_TIMEOUT_MINUTES", "AXES_FAILURE_LIMIT",
    "AXES_LOCKOUT_PARAMETERS", "AXES_RESET_ON_SUCCESS", "AXES_HTTP_RESPONSE_CODE",
    "AUTHENTICATION_BACKENDS", "PASSWORD_HASHERS", "MIDDLEWARE", "INSTALLED_APPS",
    "PASSWORD_RESET_TIMEOUT",
]
values = {name: getattr(settings, name) for name in names}
values["AXES_COOLOFF_SECONDS"] = settings.AXES_COOLOFF_TIME.total_seconds()
print(json.dumps(values))
"""

# Whatever the test run has in its environment that a production server would not.
NOT_IN_PRODUCTION = {
    "AIGUILLAGE_ENV",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "AIGUILLAGE_REQUIRE_2FA",
    "SESSION_IDLE_TIMEOUT_MINUTES",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
}


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="p" * 20 + "-a-production-secret-for-the-settings-test-0123456789",
        ALLOWED_HOSTS="aiguillage.example.org",
        AIGUILLAGE_VAR_DIR=str(ROOT / "var" / "test-production"),
    )
    env.update(extra)
    return env


def read_settings(**extra: str) -> dict:
    code = "import django; django.setup()\n" + READ_SETTINGS
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_hsts_is_on():
    values = read_settings()
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_production_authentication_defaults():
    values = read_settings()
    assert values["AIGUILLAGE_REQUIRE_2FA"] is True
    assert values["SESSION_IDLE_TIMEOUT_MINUTES"] == 30
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_COOLOFF_SECONDS"] == 30 * 60
    assert values["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert values["AXES_RESET_ON_SUCCESS"] is True
    assert values["AXES_HTTP_RESPONSE_CODE"] == 429
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert values["PASSWORD_RESET_TIMEOUT"] <= 3600
    middleware = values["MIDDLEWARE"]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    otp = middleware.index("django_otp.middleware.OTPMiddleware")
    messages = middleware.index("django.contrib.messages.middleware.MessageMiddleware")
    idle = middleware.index("aiguillage.accounts.middleware.IdleTimeoutMiddleware")
    second = middleware.index("aiguillage.accounts.middleware.TwoFactorMiddleware")
    assert auth < otp < second and messages < idle < second
    for app in ("axes", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"):
        assert app in values["INSTALLED_APPS"]


def test_the_second_factor_is_required_by_default_in_development_too():
    """Only an explicit setting turns it off (make run, the test suite)."""
    assert read_settings(AIGUILLAGE_ENV="dev")["AIGUILLAGE_REQUIRE_2FA"] is True
    assert read_settings(AIGUILLAGE_REQUIRE_2FA="false")["AIGUILLAGE_REQUIRE_2FA"] is False


def test_check_deploy_warns_when_the_second_factor_is_turned_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment(AIGUILLAGE_REQUIRE_2FA="false"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "aiguillage.accounts.W001" in result.stdout + result.stderr
