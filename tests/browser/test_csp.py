"""The Content-Security-Policy in a real browser: the pages obey it, and the watch that
fails every browser test on a violation (conftest.watch_csp) does hear one."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_csp
from tests.core.factories import NetworkFactory

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_PAGE = """<!doctype html><html lang="fr"><head><title>x</title>
<style>body { color: red; }</style></head>
<body><p style="color: blue">inline style</p>
<script>document.title = "ran";</script>
<button type="button" onclick="document.title = 'clicked'">b</button>
<img src="https://example.org/pixel.png" alt="">
</body></html>"""


def test_the_watch_hears_every_kind_of_violation_under_our_policy(browser, live_server):
    """A page served with the application's own header, full of what the policy
    refuses: the watch reports each, and the browser ran none of it."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    try:
        policy = page.request.get("/comptes/connexion/").headers["content-security-policy"]
        page.route(
            "**/csp-self-test/",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": policy},
                body=BROKEN_PAGE,
            ),
        )
        violations = watch_csp(page)
        page.route("https://example.org/**", lambda route: route.abort())
        page.goto("/csp-self-test/")
        page.get_by_role("button").click()
        page.wait_for_timeout(200)  # let the last reports reach the console
        assert page.title() == "x"  # neither the script nor the handler ran
        expect(page.get_by_text("inline style")).not_to_have_css("color", "rgb(0, 0, 255)")
        text = "\n".join(violations)
        for directive in ("style-src-elem", "style-src-attr", "script-src-elem", "img-src"):
            assert f"CSP violation: {directive}" in text, text
        assert "script-src-attr" in text or "inline event handler" in text, text
    finally:
        context.close()


def test_the_network_colour_comes_through_the_nonce(page, live_server):
    """The public page's header takes the network's colour from the one nonce'd
    <style>; nothing else inline, and no violation (the page fixture checks)."""
    NetworkFactory(slug="couleurs", theme_color="#7a1f5c")
    response = page.goto("/p/couleurs/")
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert nonce and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert page.locator("style").count() == 1
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(122, 31, 92)")
