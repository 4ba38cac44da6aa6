"""On PostgreSQL, ledger_post_entry inserts the postings first and then the entry, posted.

The draft-then-flip of the two-step path writes the entry row twice: every index entry of it
twice, and a dead row for autovacuum; at 100,000 entries the one-call post ran at a third of the
plain-SQL rate. The guards now accept an entry inserted as posted when its postings are already
in place, with every check of posting; the chain head moves inside the entry guard (the
separate ledger_chain_head_follows trigger is dropped), and the deferred draft check at commit
runs only for drafts. SQLite keeps the draft-then-flip. Re-installs the triggers and the function.
"""

from django.db import migrations

from ledger import functions, triggers


def reinstall(apps, schema_editor):
    triggers.install(schema_editor.connection)
    functions.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_leaner_guards")]
    operations = [migrations.RunPython(reinstall, reinstall)]
