"""The rate limit's counters, moved from the public portal (its migration 0002 renamed
the table): this only takes the model into core's state; the database is unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_network_time_zone"),
        ("public", "0002_rate_limit_counter_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="RateLimitCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("bucket", models.CharField(max_length=100, verbose_name="compteur")),
                        (
                            "window_start",
                            models.BigIntegerField(verbose_name="début de la période"),
                        ),
                        ("hits", models.PositiveIntegerField(default=0, verbose_name="demandes")),
                    ],
                    options={
                        "verbose_name": "compteur de demandes",
                        "verbose_name_plural": "compteurs de demandes",
                        "indexes": [
                            models.Index(fields=["window_start"], name="public_rate_limit_window")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("bucket", "window_start"),
                                name="public_rate_limit_one_per_window",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("hits__gte", 0)),
                                name="public_rate_limit_hits",
                            ),
                        ],
                    },
                )
            ],
        )
    ]
