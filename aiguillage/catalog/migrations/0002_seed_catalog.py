"""Load the national needs catalog shipped in ``data/catalog_0002.json``.

That file belongs to this migration and is never edited: later catalog changes
come as new migrations with their own data files, so every database replays the
same history.
"""

import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "catalog_0002.json"

NEED_FIELDS = (
    "name",
    "description",
    "online_service_url",
    "sensitivity",
    "requires_email",
    "requires_franceconnect",
    "requires_scan",
    "documents",
    "di_thematiques",
    "lieux_services",
    "coop_thematique",
    "coop_subtheme",
    "synonyms",
    "popularity",
)


def load_catalog(apps, schema_editor):
    Theme = apps.get_model("catalog", "Theme")
    Operator = apps.get_model("catalog", "Operator")
    Need = apps.get_model("catalog", "Need")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    themes = {}
    for row in data["themes"]:
        themes[row["slug"]], _ = Theme.objects.update_or_create(
            slug=row["slug"],
            defaults={k: row[k] for k in ("name", "family", "position", "coop_subtheme")},
        )
    operators = {}
    for row in data["operators"]:
        operators[row["slug"]], _ = Operator.objects.update_or_create(
            slug=row["slug"],
            defaults={
                k: row[k] for k in ("name", "short_name", "website", "reseau_porteur", "aliases")
            },
        )
    for row in data["needs"]:
        need, _ = Need.objects.update_or_create(
            slug=row["slug"],
            defaults={"theme": themes[row["theme"]], **{k: row[k] for k in NEED_FIELDS}},
        )
        need.operators.set([operators[slug] for slug in row["operators"]])


def unload_catalog(apps, schema_editor):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    apps.get_model("catalog", "Need").objects.filter(
        slug__in=[row["slug"] for row in data["needs"]]
    ).delete()
    apps.get_model("catalog", "Operator").objects.filter(
        slug__in=[row["slug"] for row in data["operators"]]
    ).delete()
    apps.get_model("catalog", "Theme").objects.filter(
        slug__in=[row["slug"] for row in data["themes"]]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(load_catalog, unload_catalog)]
