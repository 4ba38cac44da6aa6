"""Install the ledger's invariants as SQLite or PostgreSQL triggers (see ledger/triggers.py)."""

from django.db import migrations

from ledger import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
