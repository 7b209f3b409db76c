"""Data stamps: cache what is computed from a network's data until that data changes.

The moderator dashboard works out every member's key figures from many tables (for 60
members about a fifth of a second). It keeps the result in the cache under the network's
*stamp*, the id of the newest `DataChange` row of that network, so it is computed once
per change instead of once per visit, and a cached copy is never stale: after a change
the stamp, and with it the cache key, is new.

That only holds if every write appends a row. So this module listens to saves, deletes and
many-to-many changes of every model of the portal's apps (`network` and every app with
progress sections; a later topic app is covered without code of its own). This is cache
bookkeeping, not business logic, and a signal is the one place no write path can forget.
Writes that bypass signals (`bulk_create`, `QuerySet.update`) call `mark_changed` in the
service that does them.

Why rows in the database and not a counter in the cache: every web process must agree on
the stamp, also with the per-process memory cache of a small installation; inserting rows
takes no lock that concurrent writers would have to wait for; and a rolled-back write
takes its row with it.

Inside a transaction a write appends a row at once (the transaction, and a test, sees its
own change) and, once per network and transaction, one more after commit: a row appended
before commit can have a smaller id than one another transaction committed meanwhile, and
figures computed in between would otherwise be kept under the newer id. A stamp carries a
random token besides the id, so it stays unique where ids come round again (a restored
backup, two installations sharing one Redis).
"""

import functools

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from network.models import DataChange, Network, Report

# Sent after commit, once per changed network, with `network_id` (EVERY_NETWORK: all) and
# its new `stamp`: what was kept for the old stamp is gone and may be computed again.
data_changed = Signal()

# Every network: for changes that cannot be tied to one (a municipality renamed).
EVERY_NETWORK = None
# How far to follow foreign keys to find a row's network (Score → Assessment → Project
# → Membership is three steps).
_MAX_DEPTH = 4
# Writes that change no figure: the stamps themselves, and report jobs (a report reads
# figures; its progress updates would otherwise empty the cache every few seconds).
_NOT_WATCHED = (DataChange, Report)
# Entries of old stamps are never read again; they only have to expire eventually.
CACHE_SECONDS = 6 * 60 * 60


def stamp(network_id: int) -> str:
    """The newest change of this network (or of every network): part of every cache key.

    "<id>.<token>": the random token keeps stamps unique where ids come round again (a
    restored database backup, two installations sharing one Redis).
    """
    newest = (
        DataChange.objects.filter(Q(network_id=network_id) | Q(network_id__isnull=True))
        .order_by("-id")
        .first()
    )
    return _stamp_of(newest)


def _stamp_of(row) -> str:
    return f"{row.pk}.{row.token.hex}" if row else "0"


class NetworkCache:
    """Values computed from one network's data, kept until that data changes.

    Reads the stamp once, so the values one page takes from it belong to the same state.
    """

    def __init__(self, network_id: int):
        self.prefix = f"knn:{network_id}:{stamp(network_id)}"

    def get(self, name: str, compute, *parts):
        """`compute()`, or its result kept from an earlier call at the same stamp.

        `parts` are whatever else the result depends on (the day, the language, a sort
        order); they must come from a small set of values, not from free user input.
        """
        key = ":".join([self.prefix, name, *map(str, parts)])
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, CACHE_SECONDS)
        return value


def mark_changed(network_ids, *, at_once: bool = True) -> None:
    """Record that data of these networks changed (an iterable of ids, or EVERY_NETWORK).

    Inside a transaction a row is appended at once (unless `at_once` is false) and one
    after commit; the after-commit append is registered once per network and transaction,
    however many rows the transaction writes.
    """
    targets = {EVERY_NETWORK} if network_ids is EVERY_NETWORK else set(network_ids)
    if not targets:
        return
    if not connection.in_atomic_block:
        _append(targets)
        return
    if at_once:
        DataChange.objects.bulk_create([DataChange(network_id=n) for n in targets])
    waiting = targets - _registered_after_commit()
    if waiting:
        # robust: the change itself is committed; a failure here must not make it an error.
        transaction.on_commit(_AfterCommit(waiting), robust=True)


class _AfterCommit:
    """The after-commit append of one transaction for some networks."""

    def __init__(self, targets):
        self.targets = frozenset(targets)

    def __call__(self):
        _append(self.targets)


def _registered_after_commit() -> set:
    """Networks whose after-commit append the current transaction already holds.

    Read from the connection's own list of on-commit callbacks, (savepoint ids, callback,
    robust) since Django 4.2, which drops the callbacks of a savepoint rolled back: a
    registration is never assumed that a rollback took away.
    """
    found = set()
    for _savepoint_ids, callback, *_robust in connection.run_on_commit:
        if isinstance(callback, _AfterCommit):
            found |= callback.targets
    return found


def _append(targets) -> None:
    """Append a row per target, drop the rows it makes redundant, tell who listens."""
    for network_id in targets:
        newest = DataChange.objects.create(network_id=network_id)
        DataChange.objects.filter(network_id=network_id, id__lt=newest.pk).delete()
        data_changed.send(sender=DataChange, network_id=network_id, stamp=_stamp_of(newest))


def networks_of(instance, depth: int = 0):
    """Ids of the networks a row belongs to, found along its foreign keys, or EVERY_NETWORK
    when it belongs to none in particular (a municipality, a person)."""
    if isinstance(instance, Network):
        return {instance.pk}
    network_id = getattr(instance, "network_id", None)
    if network_id is not None:
        return {network_id}
    if depth < _MAX_DEPTH:
        for field in _parent_fields(type(instance)):
            if getattr(instance, field.attname) is None:
                continue
            try:
                parent = getattr(instance, field.name)
            except ObjectDoesNotExist:  # deleted in the same cascade
                continue
            found = networks_of(parent, depth + 1)
            if found is not EVERY_NETWORK:
                return found
    return EVERY_NETWORK


@functools.cache
def _parent_fields(model):
    """Foreign keys worth following, the likely ones first; people lead to no network.
    Kept per model: asked on every write."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and f.related_model is not apps.get_model(settings.AUTH_USER_MODEL)
    ]
    return tuple(sorted(fields, key=lambda f: f.name not in ("network", "membership")))


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # logging in changes no figure
    if raw:
        # loaddata: related rows may not be there yet, and the ids of a fixture's own
        # DataChange rows are free only once loaddata has reset the sequences at its end.
        mark_changed(EVERY_NETWORK, at_once=False)
        return
    mark_changed(networks_of(instance))


def _on_delete(sender, instance, **kwargs):
    if isinstance(instance, Network):
        return  # its cached figures are never asked for again
    mark_changed(networks_of(instance))


def _on_m2m(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        mark_changed(networks_of(instance))


def watched_models():
    """The models whose writes change a stamp: those of `network` and of every app that
    contributes progress sections, without their history tables and _NOT_WATCHED."""
    for config in apps.get_app_configs():
        if not getattr(config, "progress_sections", ()):
            continue
        for model in config.get_models():
            if model in _NOT_WATCHED or hasattr(model, "instance_type"):  # history model
                continue
            yield model


def watch() -> None:
    """Connect the receivers; called once from NetworkConfig.ready()."""
    for model in watched_models():
        uid = f"freshness-{model._meta.label_lower}"
        post_save.connect(_on_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
