"""The English translation is complete, never fuzzy, and its compiled .mo is current."""

import ast
import gettext
from pathlib import Path

import pytest

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


def _eager_translations_at_import(path: Path) -> list[int]:
    """Lines where ``path`` calls a non-lazy gettext outside any function: that runs at
    import, in the language of whatever request imported the module first."""
    tree = ast.parse(path.read_text())
    eager = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in {"gettext", "ngettext", "pgettext", "npgettext"}
    }
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue  # runs when called, in the caller's language
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in eager
            ):
                found.append(child.lineno)
            visit(child)

    if eager:
        visit(tree)
    return found


def test_no_module_translates_at_import_time():
    """Module and class bodies use gettext_lazy (issue 16: the register's legal basis
    stayed in the first request's language)."""
    root = Path(__file__).resolve().parent.parent / "aiguillage"
    offenders = {
        str(path.relative_to(root)): lines
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts and (lines := _eager_translations_at_import(path))
    }
    assert offenders == {}


@pytest.mark.django_db
def test_the_register_speaks_the_readers_language():
    from django.utils import translation

    from aiguillage.compliance.register import build_register
    from tests.core.factories import NetworkFactory

    network = NetworkFactory()
    with translation.override("fr"):
        french = {str(p.legal_basis) for p in build_register(network).processings}
    with translation.override("en"):
        english = {str(p.legal_basis) for p in build_register(network).processings}
    assert any("Mission d'intérêt public" in basis for basis in french)
    assert any("public interest" in basis.lower() for basis in english)
    assert not any("Mission d'intérêt public" in basis for basis in english)
