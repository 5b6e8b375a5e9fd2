"""Production settings are safe by default and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_config

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra):
    dev_only = ("AIGUILLAGE_ENV", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dev_only}
    env.pop("DATABASE_URL", None)
    env.update(
        SECRET_KEY="x" * 20 + "-production-secret-for-the-check-deploy-test-0123456789",
        ALLOWED_HOSTS="aiguillage.example.org",
        AIGUILLAGE_VAR_DIR=str(ROOT / "var" / "test-production"),
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_under_production_settings_has_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = production_env()
    env.pop("ALLOWED_HOSTS")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_sqlite_gets_wal_busy_timeout_and_immediate_transactions(tmp_path):
    config = database_config(None, default_sqlite_path=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "foreign_keys=ON" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["timeout"] >= 5
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_selects_postgresql():
    config = database_config(
        "postgres://user:secret@db.example:5433/aiguillage", default_sqlite_path=Path("/x")
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        5433,
        "aiguillage",
        "user",
    )


def test_an_unknown_database_scheme_is_refused_clearly():
    with pytest.raises(ImproperlyConfigured):
        database_config("mysql://u:p@h/db", default_sqlite_path=Path("/x"))


def test_the_live_connection_enforces_integrity(db):
    """Foreign keys on and a busy timeout on SQLite; PostgreSQL 15 or later otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
        else:
            assert connection.vendor == "postgresql"
            assert connection.pg_version >= 150000
