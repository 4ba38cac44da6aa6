"""The first answer to each POST, kept by its Idempotency-Key, so a retry gets the same answer."""

from django.db import models


class IdempotencyRecord(models.Model):
    key = models.CharField(max_length=255)
    principal = models.CharField(max_length=80, help_text="Who sent it: device and staff.")
    endpoint = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(name="pos_idempotency_key_once", fields=["principal", "key"])
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
