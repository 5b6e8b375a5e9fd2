"""Loaded by pytest before Django (``-p config.pytest_plugin``): the suite runs in dev mode.

pytest-django imports the settings before any conftest, so the environment must be
set by an early plugin; production defaults would otherwise demand a SECRET_KEY.
"""

import os

os.environ.setdefault("AIGUILLAGE_ENV", "dev")
