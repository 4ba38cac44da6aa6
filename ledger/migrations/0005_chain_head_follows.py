"""The database advances the chain head when an entry is posted (ledger_chain_head_follows).

Re-installs every ledger trigger from ledger/triggers.py, which now includes it.
"""

from django.db import migrations

from ledger import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def drop_head_trigger(apps, schema_editor):
    on_table = " ON ledger_journalentry" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_chain_head_follows{on_table}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_drafts_index")]
    operations = [migrations.RunPython(install, drop_head_trigger)]
