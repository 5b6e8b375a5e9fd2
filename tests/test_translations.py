"""The English translation is complete, never fuzzy, and its compiled .mo is current."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


def po_entries():
    """(msgid, msgid_plural, [msgstr…], flags) of every entry of django.po."""
    entries, current, key = [], None, None
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                current["msgstr"][key] += value
            else:
                current[key] = (current[key] or "") + value
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr"):
                key = int(word[7:-1]) if "[" in word else 0
                current["msgstr"][key] = value
            else:
                key = word
                current[key] = value
    return [e for e in entries if e["msgid"]]


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries()
    assert len(entries) > 200
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert all(entry["msgstr"].values()), f"untranslated: {entry['msgid']!r}"


def test_the_compiled_catalog_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for entry in po_entries():
        if entry["msgid_plural"]:
            assert catalog.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
        else:
            assert catalog.gettext(entry["msgid"]) == entry["msgstr"][0], (
                f"{entry['msgid']!r}: run `make messages` to recompile"
            )
