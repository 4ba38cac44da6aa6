"""Site operations: what the people who run the installation do to it, not what the venue does.

For now, backing the whole database up and restoring it (`ops.backup`, the `backup` and
`restore` management commands). The app has no models and no URLs; it reads the ledger to
say what a backup holds and runs `ledger.verification.verify_ledger` after a restore.
"""
