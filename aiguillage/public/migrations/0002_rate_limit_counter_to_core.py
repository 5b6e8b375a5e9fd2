"""The rate limit's counters move to core (the staff login and the API use them too).

The table is renamed to core's name here and the model leaves this app's state; core's
migration 0005 takes it into its state without touching the database. No row is lost.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="ratelimitcounter", table="core_ratelimitcounter")
            ],
            state_operations=[migrations.DeleteModel(name="RateLimitCounter")],
        )
    ]
