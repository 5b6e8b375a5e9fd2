"""The journal's head row, and on PostgreSQL a trigger that refuses UPDATE and DELETE.

The trigger lets a DELETE through only inside a transaction that set
``aiguillage.journal_purge`` (the retention purge of the oldest entries, which moves
the chain's anchor): anything else, raw SQL included, is refused by the database.
SQLite has no such guard here; the hash chain still shows any change there. TRUNCATE
is left to the database owner (Django's test flush uses it); it empties the journal
while the head row still names its last entry, which ``verify_journal`` reports.
"""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION privacy_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('aiguillage.journal_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'privacy_journalentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_journal_append_only
    BEFORE UPDATE OR DELETE ON privacy_journalentry
    FOR EACH ROW EXECUTE FUNCTION privacy_journal_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_journal_append_only ON privacy_journalentry;
DROP FUNCTION IF EXISTS privacy_journal_append_only();
"""


def _run(schema_editor, sql):
    # No parameters: the function's '%' placeholders are PL/pgSQL's, not the driver's.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def create_trigger(apps, schema_editor):
    _run(schema_editor, TRIGGER)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, DROP)


def create_head(apps, schema_editor):
    apps.get_model("privacy", "JournalHead").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_journal_and_settings")]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
