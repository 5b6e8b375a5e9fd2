"""axe-core checks for the pages the browser tests visit."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(__file__).parent / "artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
_axe = Axe()


def assert_accessible(page) -> None:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; any violation fails."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        name = page.url.replace("://", "_").replace("/", "_")[:120]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not violations, f"axe-core violations on {page.url}:\n{results.generate_report()}"
