"""The catalog's texts in the language of the request.

The catalog is French reference data, loaded by migrations. Its names, descriptions and
lists of documents are also in the translation catalog (``catalog_strings``), so that a
slip handed to someone who does not read French is entirely in English: what is shown
goes through ``catalog_text``. A text the catalog does not know (a need added by hand)
stays as it was written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext


def catalog_text(text: str) -> str:
    return gettext(text) if text else text


def catalog_texts(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(catalog_text(text) for text in texts)
