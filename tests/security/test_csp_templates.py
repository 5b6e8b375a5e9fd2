"""No template writes what the Content-Security-Policy refuses.

The browser tests fail on any violation of the pages they visit; this reads every HTML
template, visited or not: no inline script, no ``style`` attribute, no ``on…=``
handler, no ``javascript:`` URL, no htmx ``hx-on``, and an inline ``<style>`` only with
the page's nonce. Scripts go in static files (docs/security.md, "Adding a script").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path for path in (ROOT / "aiguillage").rglob("templates/**/*.html") if path.is_file()
)

REFUSED = {
    "inline <script> (put it in a static .js file)": re.compile(
        r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE
    ),
    "style attribute (use a class of a static .css file)": re.compile(
        r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE
    ),
    "inline event handler (addEventListener in a static .js file)": re.compile(
        r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE
    ),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx hx-on handler": re.compile(r"\bhx-on", re.IGNORECASE),
    "<style> without the page's nonce": re.compile(
        r'<style\b(?![^>]*\bnonce="{{ CSP_NONCE }}")[^>]*>', re.IGNORECASE
    ),
}


COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)


def without_comments(text: str) -> str:
    """Django comments never reach the page: blanked, lines kept for the numbers."""
    return COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def test_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_the_policy_refuses(path):
    text = without_comments(path.read_text())
    problems = [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {what}: {match.group(0)[:80]}"
        for what, pattern in REFUSED.items()
        for match in pattern.finditer(text)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<p style="color: red">', "style attribute"),
        ('<button type="button" onclick="go()">', "inline event handler"),
        ('<a href="javascript:go()">', "javascript: URL"),
        ('<button hx-on:click="go()">', "htmx hx-on handler"),
        ("<style>p { color: red }</style>", "<style> without"),
    ],
)
def test_the_search_finds_each_kind(snippet, what):
    assert any(
        pattern.search(snippet) for name, pattern in REFUSED.items() if name.startswith(what)
    )


def test_what_is_allowed_is_not_flagged():
    fine = (
        '<script src="/static/x.js" defer></script>'
        '<style nonce="{{ CSP_NONCE }}">:root { --brand: #000; }</style>'
        '<button type="button" class="online" data-on="1">x</button>'
    )
    assert not any(pattern.search(fine) for pattern in REFUSED.values())
