"""The QuerySet that keeps the data stamps of network.freshness right for bulk writes.

Its own module, with nothing but Django above it, so that every model module (and the
abstract VersionedModel) can use it without an import cycle.
"""

from django.db import models


class WatchedQuerySet(models.QuerySet):
    """The QuerySet of every model whose writes move a network's data stamp.

    Saves, deletes and many-to-many changes of single rows reach network.freshness through
    signals; the bulk writes send none, so they mark the networks of their rows here, and
    no service has to remember to. A test fails for a watched model whose managers do not
    use this class (tests/network/test_freshness.py).
    """

    def update(self, **kwargs):
        from network import freshness

        networks = freshness.networks_of_rows(self)  # before: the rows may move away
        updated = super().update(**kwargs)
        if updated:
            freshness.mark_changed(networks)
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from network import freshness

        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            freshness.mark_changed(freshness.networks_of_objects(self.model, created))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        from network import freshness

        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if updated:
            freshness.mark_changed(freshness.networks_of_objects(self.model, objs))
        return updated


# For models without a QuerySet of their own.
WatchedManager = models.Manager.from_queryset(WatchedQuerySet)
