"""The privacy settings, the notices and the contact proofs move to the compliance app.

Here their tables take compliance's names (the contact proofs' index its explicit name)
and the models leave privacy's state; compliance's 0001 takes them into its state
without touching the database. No row is lost; privacy keeps the guard and the journal.
"""

from django.db import migrations

MOVED = ["privacysettings", "inactivitynotice", "habilitationnotice", "contactproof"]


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_journal_purge_definer")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RenameIndex(
                    model_name="contactproof",
                    old_name="privacy_con_network_7b6091_idx",
                    new_name="contact_proof_lookup",
                ),
                *(
                    migrations.AlterModelTable(name=name, table=f"compliance_{name}")
                    for name in MOVED
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="ContactProof"),
                migrations.DeleteModel(name="HabilitationNotice"),
                migrations.DeleteModel(name="InactivityNotice"),
                migrations.DeleteModel(name="PrivacySettings"),
            ],
        )
    ]
