"""Every text of the catalog data is marked for translation in ``catalog_strings``, so an
English page never shows a démarche, its description or what to bring in French because
the module fell behind the data. Reads the very file the data migration loads."""

import ast
import importlib
import json
from pathlib import Path

from aiguillage.catalog import catalog_strings

SEED = importlib.import_module("aiguillage.catalog.migrations.0002_seed_catalog")


def data_texts() -> list[str]:
    """Theme names, need names, descriptions and documents of the migration's data file."""
    data = json.loads(Path(SEED.DATA_FILE).read_text(encoding="utf-8"))
    texts = [theme["name"] for theme in data["themes"]]
    for need in data["needs"]:
        texts += [need["name"], need["description"], *need["documents"]]
    return texts


def marked_texts() -> list[str]:
    """The literal arguments of ``gettext_noop(...)`` calls, as ``makemessages`` reads them."""
    tree = ast.parse(Path(catalog_strings.__file__).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "gettext_noop"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
    ]


def test_the_data_file_is_the_one_the_migration_loads():
    assert Path(SEED.DATA_FILE).resolve() in [p.resolve() for p in catalog_strings.DATA_FILES]
    assert len(data_texts()) > 400


def test_every_text_of_the_catalog_is_marked_for_translation():
    marked = set(marked_texts())
    missing = [text for text in dict.fromkeys(data_texts()) if text not in marked]
    assert not missing, (
        f"{len(missing)} catalog texts are not in catalog_strings.py, first {missing[0]!r}: "
        "run `.venv/bin/python -m aiguillage.catalog.catalog_strings`, then `make messages`"
    )


def test_each_text_is_marked_once_and_the_module_lists_what_it_marks():
    marked = marked_texts()
    assert len(marked) == len(set(marked))
    assert list(catalog_strings.CATALOG_STRINGS) == marked


def test_synonyms_and_operators_stay_untranslated():
    data = json.loads(Path(SEED.DATA_FILE).read_text(encoding="utf-8"))
    translatable = set(data_texts())
    marked = set(marked_texts())
    for operator in data["operators"]:
        for text in [operator["name"], *operator["aliases"]]:
            assert text not in marked or text in translatable, text
    for need in data["needs"]:
        for synonym in need["synonyms"]:
            assert synonym not in marked or synonym in translatable, synonym
