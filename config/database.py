"""Build Django's DATABASES entry from ``DATABASE_URL``.

SQLite gets the settings that make it a dependable embedded engine under several
server processes: WAL journal, a busy timeout instead of "database is locked",
``BEGIN IMMEDIATE`` transactions so that a write never has to upgrade a read lock,
and foreign keys (which Django's SQLite backend turns on itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SQLITE_BUSY_TIMEOUT_SECONDS = 20
SQLITE_INIT = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"


def database_config(url: str | None, *, default_sqlite_path: Path) -> dict[str, Any]:
    if not url:
        url = f"sqlite:///{default_sqlite_path}"
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name not in ("", ":memory:"):
            path = Path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Tests use a file beside it, not memory: the live server and the
            # multi-process tests then open real, independent connections.
            config["TEST"] = {"NAME": str(path.with_name(f"test_{path.name}"))}
        config["OPTIONS"] = {
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_INIT,
        }
    elif engine == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"Unsupported database engine {engine}: use sqlite:// or postgres:// URLs."
        )
    return config
