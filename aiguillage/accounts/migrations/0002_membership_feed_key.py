import secrets

from django.db import migrations, models

import aiguillage.accounts.models


def draw_one_key_per_membership(apps, schema_editor):
    """AddField gives every existing row the same default: draw each its own."""
    Membership = apps.get_model("accounts", "Membership")
    for membership in Membership.objects.only("pk"):
        Membership.objects.filter(pk=membership.pk).update(feed_key=secrets.token_hex(16))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="feed_key",
            field=models.CharField(
                default=aiguillage.accounts.models.new_feed_key,
                editable=False,
                max_length=32,
                verbose_name="clé du lien d'agenda",
            ),
        ),
        migrations.RunPython(draw_one_key_per_membership, migrations.RunPython.noop),
    ]
