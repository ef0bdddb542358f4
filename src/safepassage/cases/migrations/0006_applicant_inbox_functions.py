# The intake tier's only way to read cases (PostgreSQL): two SECURITY DEFINER functions
# owned by the migrating (owner) role.  Given a receipt's lookup hash they return that
# one web contact's public key, or its latest sealed messages; nothing else, so a role
# holding only EXECUTE cannot list cases, contacts or messages.  The search path is
# pinned so a caller cannot slip its own objects in.  EXECUTE is revoked from PUBLIC
# and granted to the intake role by `safepassage db grant` (see safepassage/db/grants.py).
# SQLite has no roles or functions: nothing to do there.

from django.db import migrations

MAX_MESSAGES = 100

FUNCTIONS = """
CREATE OR REPLACE FUNCTION safepassage_inbox_key(p_lookup_hash text)
RETURNS bytea
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, {schema}, pg_temp
AS $$
    SELECT c.applicant_public_key FROM {schema}.cases_contact AS c
    WHERE c.channel = 'web' AND c.receipt_lookup_hash = p_lookup_hash
      AND c.applicant_public_key IS NOT NULL
    ORDER BY c.id LIMIT 1
$$;

CREATE OR REPLACE FUNCTION safepassage_inbox_messages(p_lookup_hash text, p_limit integer)
RETURNS TABLE (inbound boolean, body bytea, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, {schema}, pg_temp
AS $$
    SELECT m.direction = 'in', m.body, m.created_at FROM {schema}.cases_message AS m
    WHERE m.contact_id = (
        SELECT c.id FROM {schema}.cases_contact AS c
        WHERE c.channel = 'web' AND c.receipt_lookup_hash = p_lookup_hash
          AND c.applicant_public_key IS NOT NULL
        ORDER BY c.id LIMIT 1)
    ORDER BY m.created_at DESC, m.id DESC
    LIMIT least(greatest(p_limit, 0), {limit})
$$;

REVOKE ALL ON FUNCTION safepassage_inbox_key(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION safepassage_inbox_messages(text, integer) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION IF EXISTS safepassage_inbox_key(text);
DROP FUNCTION IF EXISTS safepassage_inbox_messages(text, integer);
"""


def create_functions(_apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
        cursor.execute(FUNCTIONS.format(schema=schema, limit=MAX_MESSAGES))


def drop_functions(_apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_envelope_moved"),
    ]

    operations = [
        migrations.RunPython(create_functions, drop_functions),
    ]
