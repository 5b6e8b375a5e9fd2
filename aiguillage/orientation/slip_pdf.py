"""The slip as a PDF: WeasyPrint renders the very HTML of the printable page.

WeasyPrint would fetch whatever the document links to. Here it may read only the
project's own static files (the slip's stylesheet), straight from the disk: no request
to the network, not even to this server, and a missing file stops the rendering
instead of giving an unstyled slip. The QR codes are inline SVG, nothing to fetch.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


def base_url() -> str:
    """The address the slip is rendered "at": only used to resolve its relative links."""
    return f"{settings.SITE_URL.rstrip('/')}/"


def static_file(name: str) -> Path | None:
    """The file behind a static name: collected (hashed names in production) first,
    then the apps' own static folders (development, tests)."""
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts or name.startswith("/"):
        return None
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a storage without local files
        pass
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


class StaticFilesFetcher(URLFetcher):
    """Answers WeasyPrint from the static files on disk; refuses every other URL."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        base = urlsplit(base_url())
        parts = urlsplit(url)
        static_prefix = urlsplit(settings.STATIC_URL).path
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
            static_prefix
        ):
            raise ValueError(f"The slip may only use the project's static files, not {url!r}.")
        path = static_file(unquote(parts.path.removeprefix(static_prefix)))
        if path is None:
            raise ValueError(f"No static file at {url!r}.")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


def render_pdf(html: str) -> bytes:
    """The PDF of a standalone slip document (its stylesheet linked with ``static``)."""
    fetcher = StaticFilesFetcher(fail_on_errors=True)
    return HTML(string=html, base_url=base_url(), url_fetcher=fetcher).write_pdf()


# Denser and denser type, until the slip fits one sheet: a second sheet gets lost.
DENSITIES = ("", "dense", "denser")


def render_one_sheet(render_html: Callable[[str], str]) -> bytes:
    """The PDF of the slip on one sheet: ``render_html(density)`` is rendered at each
    density in turn (``slip--dense``…) until it fits; the densest otherwise."""
    fetcher = StaticFilesFetcher(fail_on_errors=True)
    document = None
    for density in DENSITIES:
        html = HTML(string=render_html(density), base_url=base_url(), url_fetcher=fetcher)
        document = html.render()
        if len(document.pages) <= 1:
            break
    return document.write_pdf()
