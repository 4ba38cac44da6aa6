"""Drop three foreign-key indexes that every post paid for and no read needs.

- ledger_posting.account_id: ledger_posting_account_idx (account_id, effective_date) starts with
  the account, so it serves every lookup by account alone (balances, the FK check on delete).
- ledger_journalentry.period_id and created_by_id: nothing reads entries by period or author;
  only deleting a period or a user (both PROTECT) scans for them, rarely.

Only the state changes through AlterField: on SQLite AlterField would rebuild the table, which
drops its triggers; DROP INDEX leaves the table and its triggers alone, on both vendors.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (index, table, column) as Django named them in 0001_initial, the same on both vendors.
INDEXES = [
    ("ledger_journalentry_created_by_id_90be368c", "ledger_journalentry", "created_by_id"),
    ("ledger_journalentry_period_id_e1ba7ab5", "ledger_journalentry", "period_id"),
    ("ledger_posting_account_id_964f801d", "ledger_posting", "account_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_chain_head_follows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for index, table, column in INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="journalentry",
                    name="period",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="ledger.period",
                    ),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="ledger.account",
                    ),
                ),
            ],
        )
    ]
