"""The treasurer and board groups, and each program's restricted-donation income account."""

from django.db import migrations

GROUPS = ["treasurer", "board"]


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    Account = apps.get_model("ledger", "Account")
    Program = apps.get_model("ledger", "Program")
    parent = Account.objects.filter(name="Income:Donations:Restricted").first()
    if parent is None:
        return
    for program in Program.objects.all():
        Account.objects.get_or_create(
            name=f"Income:Donations:Restricted:{program.account_component}",
            defaults={
                "parent": parent,
                "root_type": "income",
                "normal_side": "C",
                "currency": parent.currency,
                "program": program,
                "opened_on": parent.opened_on,
                "description": f"Gifts restricted to {program.name}",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("treasury", "0001_initial"),
        ("ledger", "0003_standard_chart"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
