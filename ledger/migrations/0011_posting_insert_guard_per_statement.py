"""On PostgreSQL, a posting's insert is checked once per statement instead of once per row.

The row-level posting guard took the chain-head lock and read the entry once per posting, five
times for a five-line post. ledger_posting_insert_guard (AFTER INSERT ... FOR EACH STATEMENT,
over the statement's new rows) takes the lock once and checks every row in one query, with the
same rules and messages; ledger_posting_guard keeps updates and deletes, row by row. SQLite is
unchanged. Re-installs every ledger trigger from ledger/triggers.py.
"""

from django.db import migrations

from ledger import triggers


def reinstall(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_post_entry_inserts_posted")]
    operations = [migrations.RunPython(reinstall, reinstall)]
