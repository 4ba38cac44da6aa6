"""Load the standard chart of accounts and the first two programs."""

from django.db import migrations

from ledger.chart import install_chart


def load(apps, schema_editor):
    install_chart(apps.get_model("ledger", "Account"), apps.get_model("ledger", "Program"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_triggers")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
