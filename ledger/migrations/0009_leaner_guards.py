"""PostgreSQL's ledger guards do the same checks in fewer statements.

Posting an entry checks its postings in one pass (count, balance, accounts, dates) and reads the
last posted entry once for both seq and prev_hash. The rules and their messages are
unchanged. Re-installs every ledger trigger from ledger/triggers.py.
"""

from django.db import migrations

from ledger import triggers


def reinstall(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_post_entry_reads_content_json")]
    operations = [migrations.RunPython(reinstall, reinstall)]
