"""PostgreSQL posts the usual entry in one call: ledger_post_entry (see ledger/functions.py).

Nothing on SQLite, which posts in two steps.
"""

from django.db import migrations

from ledger import functions


def install(apps, schema_editor):
    functions.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    functions.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_drop_covered_indexes")]
    operations = [migrations.RunPython(install, uninstall)]
