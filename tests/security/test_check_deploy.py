"""``manage.py check --deploy`` is clean under production settings, and those settings
are the hardened ones (run in subprocesses: the suite itself runs in dev mode).

Nothing is silenced (SILENCED_SYSTEM_CHECKS stays empty): a warning is fixed, or the
setting it is about is explained in docs/security.md.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    dev_only = ("AIGUILLAGE_ENV", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in dev_only and not k.startswith("AXES")}
    env.update(
        AIGUILLAGE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),  # 67 random characters
        ALLOWED_HOSTS="aiguillage.mediatheques.example",
        AIGUILLAGE_VAR_DIR=str(ROOT / "var" / "test-production"),
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_has_no_warning_at_all():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


SHOW = """
import json
from django.conf import settings as s
print(json.dumps(default=str, obj={
    "DEBUG": s.DEBUG,
    "SILENCED": s.SILENCED_SYSTEM_CHECKS,
    "MIDDLEWARE": s.MIDDLEWARE,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "HSTS": s.SECURE_HSTS_SECONDS,
    "SSL": s.SECURE_SSL_REDIRECT,
    "COOKIES": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],
    "FRAME": s.X_FRAME_OPTIONS,
    "NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "REFERRER": s.SECURE_REFERRER_POLICY,
    "COOP": s.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    "API": [s.API_RATE_LIMIT, s.API_WRITE_RATE_LIMIT],
    "IMPORT": s.IMPORT_MAX_BYTES,
}))
"""


def test_the_production_settings_are_the_hardened_ones():
    result = manage("shell", "--no-imports", "-c", SHOW, env=production_env())
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["DEBUG"] is False
    assert found["SILENCED"] == []
    middleware = found["MIDDLEWARE"]
    for name in (
        "django.middleware.security.SecurityMiddleware",
        "csp.middleware.CSPMiddleware",
        "aiguillage.core.middleware.PermissionsPolicyMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert name in middleware
    # The headers come before anything that may answer early (WhiteNoise's files too).
    assert middleware.index("csp.middleware.CSPMiddleware") < middleware.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )
    csp = found["CSP"]
    flat = json.dumps(csp)
    assert "unsafe" not in flat and "http" not in flat and "*" not in flat
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert found["HSTS"] >= 31_536_000 and found["SSL"] is True
    assert found["COOKIES"] == [True, True, True]
    assert found["FRAME"] == "DENY" and found["NOSNIFF"] is True
    assert found["REFERRER"] == "same-origin" and found["COOP"] == "same-origin"
    assert all(limit > 0 for limit in found["API"])
    assert 0 < found["IMPORT"] <= 50 * 1024 * 1024
