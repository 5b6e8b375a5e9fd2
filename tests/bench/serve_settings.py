"""Settings for the desk throughput benchmark: the project's own, plus one URL module.

``bench_orientation_desk_throughput`` serves the application with ``make serve`` and
``DJANGO_SETTINGS_MODULE`` pointing here, so that a minimal view and the desk page are
answered by the same gunicorn workers in the same run. Nothing else changes: the
middleware, the database and the production defaults are those of ``config.settings``.
Not named ``bench_*.py``: ``make bench`` collects only benchmarks.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.serve_urls"
