"""Only the retention purge may remove journal entries or move the anchor (PostgreSQL).

0002's trigger let a DELETE through in any transaction that set
``aiguillage.journal_purge``; any session may set a setting of its own, so any role
with DELETE on the table could remove the oldest entries and move the anchor. Now:

- ``privacy_journal_purge(cutoff)`` removes the entries up to the last one written
  before ``cutoff`` (a prefix of the chain) and moves the anchor to it, in one call.
  It is ``SECURITY DEFINER``: it runs as its owner, the role that ran this migration
  and owns the tables, and sets the flag around its own DELETE and UPDATE only. Its search path
  is fixed, and EXECUTE is revoked from PUBLIC: grant it to the application's role.
- The triggers let a DELETE of entries, and a change of the head's anchor, through
  only when the flag is on *and* the current user is the table's owner: inside that
  function, for a role that does not own the tables. The head row is never deleted.
- TRUNCATE of either table is left to the owner (Django's test flush uses it).

A session connected as the owner can still do all this (and disable the triggers):
run the application as another role (docs/journal.md). SQLite has no roles: nothing
changes there. The anchor now also keeps when its entry was written, which
``verify_journal`` checks against the shortest retention.
"""

from django.db import migrations, models

# The current user is the table's owner, and the purge's flag is on: inside
# privacy_journal_purge, for a role that does not own the tables.
INSIDE_THE_PURGE = """
        current_setting('aiguillage.journal_purge', true) = 'on'
        AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
"""

ENTRY_TRIGGER = f"""
CREATE OR REPLACE FUNCTION privacy_journal_append_only() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {INSIDE_THE_PURGE} THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'privacy_journalentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

HEAD_TRIGGER_FUNCTION = f"""
CREATE FUNCTION privacy_journal_head_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- The row written again after a flush: the chain's start, no anchor.
        IF NEW.anchor_seq = 0 AND NEW.anchor_hash = repeat('0', 64)
            AND NEW.anchor_created_at IS NULL THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        -- journal.record() moves the end; the anchor stays.
        IF NEW.id = OLD.id AND NEW.anchor_seq = OLD.anchor_seq
            AND NEW.anchor_hash = OLD.anchor_hash
            AND NEW.anchor_created_at IS NOT DISTINCT FROM OLD.anchor_created_at THEN
            RETURN NEW;
        END IF;
        IF {INSIDE_THE_PURGE} THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION
        'privacy_journalhead: only the journal purge moves the anchor, the row stays (% refused)',
        TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

HEAD_TRIGGER = """
CREATE TRIGGER privacy_journal_head_guard
    BEFORE INSERT OR UPDATE OR DELETE ON privacy_journalhead
    FOR EACH ROW EXECUTE FUNCTION privacy_journal_head_guard()
"""

TRUNCATE_FUNCTION = """
CREATE FUNCTION privacy_journal_truncate_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is emptied by its owner only (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""

TRUNCATE_TRIGGERS = [
    f"""
CREATE TRIGGER privacy_journal_truncate_guard
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION privacy_journal_truncate_guard()
"""
    for table in ("privacy_journalentry", "privacy_journalhead")
]

# Variables are v_*: PL/pgSQL would confuse them with the columns of the same name.
# The flag is set in the body (a SET clause on a setting of our own needs a superuser
# since PostgreSQL 15) and put back as it was before returning; an error undoes it.
PURGE_FUNCTION = """
CREATE FUNCTION privacy_journal_purge(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_flag text := current_setting('aiguillage.journal_purge', true);
    v_end bigint;
    v_seq bigint;
    v_hash varchar(64);
    v_created_at timestamptz;
    v_removed bigint;
BEGIN
    SELECT h.last_seq INTO v_end FROM privacy_journalhead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    SELECT e.seq, e.hash, e.created_at INTO v_seq, v_hash, v_created_at
        FROM privacy_journalentry e
        WHERE e.created_at < cutoff AND e.seq <= v_end
        ORDER BY e.seq DESC
        LIMIT 1;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    PERFORM set_config('aiguillage.journal_purge', 'on', true);
    DELETE FROM privacy_journalentry e WHERE e.seq <= v_seq;
    GET DIAGNOSTICS v_removed = ROW_COUNT;
    UPDATE privacy_journalhead h
        SET anchor_seq = v_seq, anchor_hash = v_hash, anchor_created_at = v_created_at
        WHERE h.id = 1;
    PERFORM set_config('aiguillage.journal_purge', coalesce(v_flag, ''), true);
    RETURN v_removed;
END;
$$
"""

# A SECURITY DEFINER function must not find another role's objects first: the search
# path is pg_catalog, the schema the tables were created in, then pg_temp.
PURGE_SEARCH_PATH = """
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION privacy_journal_purge(timestamptz) SET search_path = pg_catalog, %I, pg_temp',
        current_schema()
    );
END;
$$
"""

FORWARD = [
    ENTRY_TRIGGER,
    HEAD_TRIGGER_FUNCTION,
    HEAD_TRIGGER,
    TRUNCATE_FUNCTION,
    *TRUNCATE_TRIGGERS,
    PURGE_FUNCTION,
    PURGE_SEARCH_PATH,
    "REVOKE ALL ON FUNCTION privacy_journal_purge(timestamptz) FROM PUBLIC",
]

# Back to 0002: the flag alone lets a DELETE through.
BACKWARD = [
    "DROP FUNCTION IF EXISTS privacy_journal_purge(timestamptz)",
    "DROP TRIGGER IF EXISTS privacy_journal_truncate_guard ON privacy_journalentry",
    "DROP TRIGGER IF EXISTS privacy_journal_truncate_guard ON privacy_journalhead",
    "DROP FUNCTION IF EXISTS privacy_journal_truncate_guard()",
    "DROP TRIGGER IF EXISTS privacy_journal_head_guard ON privacy_journalhead",
    "DROP FUNCTION IF EXISTS privacy_journal_head_guard()",
    """
CREATE OR REPLACE FUNCTION privacy_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('aiguillage.journal_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'privacy_journalentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
]


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL only: SQLite has no roles, functions or these triggers.

    Each statement is run as written, without parameters: the '%' are PL/pgSQL's and
    format()'s, not the driver's."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_partner_day_list")]

    operations = [
        migrations.AddField(
            model_name="journalhead",
            name="anchor_created_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        RunSQLOnPostgreSQL(FORWARD, BACKWARD),
    ]
