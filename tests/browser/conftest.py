"""Browser tests: Playwright driving Debian's Chromium, axe-core on every page.

They run whenever /usr/bin/chromium exists, and always under CI (where a missing
browser is a failure, not a skip). Playwright never downloads a browser here.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the test thread's own
# database access (fixtures) is synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        return  # the fixture fails loudly: CI must run the browser tests
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for browser tests under CI: {CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Every Content-Security-Policy violation a page reports, said on the console where
# watch_csp hears it: a page that breaks the policy fails its test (docs/security.md).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watch_csp(page) -> list[str]:
    """The CSP violations of ``page`` from now on: the event, and Chromium's own console
    message (which also tells of those no event reports, like a refused inline handler)."""
    violations: list[str] = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)

    def heard(message) -> None:
        if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", heard)
    return violations


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def catalog(transactional_db):
    """The national catalog, reloaded after the flush that ends each live-server test.

    Django's serialized rollback cannot help here: once Playwright's event loop runs
    in the test thread, Django hands that thread a fresh connection object, which
    lacks the serialized copy of the migrated data. So the catalog migration's own
    loader puts the same rows back.
    """
    from django.apps import apps

    from aiguillage.catalog.models import Theme

    if not Theme.objects.exists():
        migration = importlib.import_module("aiguillage.catalog.migrations.0002_seed_catalog")
        migration.load_catalog(apps, None)
        # The catalog's later data migrations, in order (online-only démarches, the
        # first-time variant).
        later = importlib.import_module(
            "aiguillage.catalog.migrations.0003_online_only_and_first_time"
        )
        later.load(apps, None)
