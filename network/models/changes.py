"""Marks that data behind a network's figures changed (see network.freshness)."""

import uuid

from django.db import models


class DataChange(models.Model):
    """Appended on every write to a network's data; the newest row is the network's stamp.

    Not domain data, so without history; rows are pruned once a newer one exists.
    `network_id` is a plain number, not a foreign key: a row appended while its network is
    being deleted must not stop the deletion. Empty means every network (a person or a
    municipality changed).
    """

    id = models.BigAutoField(primary_key=True)
    network_id = models.BigIntegerField(null=True)
    # Part of the stamp, so that a stamp is unique even where ids come round again.
    token = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        indexes = [models.Index(fields=["network_id", "id"], name="datachange_network_id")]

    def __str__(self):
        return f"{self.network_id or '*'}@{self.pk}"
