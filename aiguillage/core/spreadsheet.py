"""CSV cells that a spreadsheet never runs as formulas (CSV injection, CWE-1236).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by LibreOffice Calc and Excel when the file is opened; an imported
structure's name could then fetch a URL or run a command on a coordinator's computer.
Such a cell is written with a leading apostrophe, which spreadsheets show as text. A
plain number (a latitude ``-3.5``, an E.164 phone number ``+33467000000``) is left as it
is: it is no formula, and the open-data standards' patterns expect it unchanged.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def safe_cell(value: object) -> str:
    """``value`` as CSV cell text, neutralised when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(row: dict[str, object]) -> dict[str, str]:
    return {key: safe_cell(value) for key, value in row.items()}
