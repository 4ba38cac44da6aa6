"""ledger_post_entry takes the entry's lines inside its canonical content JSON.

The five arrays it took before cost the client more to send than the rest of the post (see
ledger/functions.py). Drops the function of 0007, whichever signature it has, and installs the
current one.
"""

from django.db import migrations

from ledger import functions


def reinstall(apps, schema_editor):
    functions.uninstall(schema_editor.connection)
    functions.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_post_entry_function")]
    operations = [migrations.RunPython(reinstall, reinstall)]
