"""No double booking at the database level (see pos/rentals/overlap.py)."""

from django.db import migrations

from pos.rentals import overlap


def install(apps, schema_editor):
    overlap.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    overlap.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("rentals", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
