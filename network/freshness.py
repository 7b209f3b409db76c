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
Writes that bypass signals (`QuerySet.update`, `bulk_create`, `bulk_update`) mark the
networks of their rows in `WatchedQuerySet`, the QuerySet every watched model uses.

Why rows in the database and not a counter in the cache: every web process must agree on
the stamp, also with the per-process memory cache of a small installation; inserting rows
takes no lock that concurrent writers would have to wait for; and a rolled-back write
takes its row with it.

Inside a transaction a write appends a row at once (the transaction, and a test, sees its
own change) and, once per network and transaction, one more after commit: a row appended
before commit can have a smaller id than one another transaction committed meanwhile, and
figures computed in between would otherwise be kept under the newer id. Every write
registers its after-commit append; when they run, an append already made on this thread
since a registration covers it (see _AfterCommit), so a transaction of thirty writes
appends once per network. A stamp carries a
random token besides the id, so it stays unique where ids come round again (a restored
backup, two installations sharing one Redis).
"""

import functools
import itertools
import threading

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from network import plugins
from network.models import DataChange, MailPreference, Network, Notification, OutboxMail, Report

# Sent after commit, once per changed network, with `network_id` (EVERY_NETWORK: all) and
# its new `stamp`: what was kept for the old stamp is gone and may be computed again.
data_changed = Signal()

# Every network: for changes that cannot be tied to one (a municipality renamed).
EVERY_NETWORK = None
# How far to follow foreign keys to find a row's network (Score → Assessment → Project
# → Membership is three steps).
_MAX_DEPTH = 4
# Writes that change no figure: the stamps themselves, report jobs (a report reads
# figures; its progress updates would otherwise empty the cache every few seconds), and
# notifications and mails (a change that notifies has moved the stamp already).
_NOT_WATCHED = (DataChange, Report, Notification, MailPreference, OutboxMail)
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
    after commit; of the after-commit appends one per network runs, however many rows the
    transaction writes.
    """
    targets = {EVERY_NETWORK} if network_ids is EVERY_NETWORK else set(network_ids)
    if not targets:
        return
    if not connection.in_atomic_block:
        _append(targets)
        return
    if at_once:
        DataChange.objects.bulk_create([DataChange(network_id=n) for n in targets])
    # robust: the change itself is committed; a failure here must not make it an error.
    transaction.on_commit(_AfterCommit(targets), robust=True)


# Per thread: a running number, and for each network the number of its last append.
_local = threading.local()


def _tick() -> int:
    if not hasattr(_local, "counter"):
        _local.counter, _local.appended = itertools.count(1), {}
    return next(_local.counter)


class _AfterCommit:
    """The after-commit append a write registered, numbered on its thread.

    When it runs, its transaction has committed. An append made on this thread after the
    registration was made after that commit too — a thread holds one transaction at a
    time, and callbacks only run after it ends — so it already gives the network a row
    newer than everything the transaction wrote, and this one is skipped. A savepoint
    rolled back drops its callbacks (Django's rule), so nothing is assumed that a rollback
    took away.
    """

    def __init__(self, targets):
        self.targets = frozenset(targets)
        self.registered = _tick()

    def __call__(self):
        done = _local.appended
        _append({n for n in self.targets if done.get(n, 0) < self.registered})


def _append(targets) -> None:
    """Append a row per target, drop the rows it makes redundant, tell who listens."""
    for network_id in targets:
        newest = DataChange.objects.create(network_id=network_id)
        _local.appended[network_id] = _tick()
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


@functools.cache
def _network_path(model) -> str | None:
    """The lookup from `model` to its network's id ("assessment__project__membership__
    network"), along the first foreign keys that lead to one (as networks_of goes), or
    None for models that belong to no network in particular."""
    if model is Network:
        return "pk"
    if any(f.name == "network" and f.many_to_one for f in model._meta.concrete_fields):
        return "network"
    return _path_below(model, 0)


def _path_below(model, depth):
    if depth >= _MAX_DEPTH:
        return None
    # Required keys first: a path through an empty foreign key finds no network.
    for field in sorted(_parent_fields(model), key=lambda f: f.null):
        parent = field.related_model
        if parent is Network:
            return field.name
        if any(f.name == "network" and f.many_to_one for f in parent._meta.concrete_fields):
            return f"{field.name}__network"
        below = _path_below(parent, depth + 1)
        if below is not None:
            return f"{field.name}__{below}"
    return None


def networks_of_rows(queryset):
    """Network ids of the rows of `queryset` (one query), for a bulk update."""
    path = _network_path(queryset.model)
    if path is None:
        return EVERY_NETWORK
    ids = set(queryset.order_by().values_list(path, flat=True).distinct())
    # A row whose path has a gap (an empty foreign key) could belong to any network.
    return EVERY_NETWORK if None in ids else ids


def networks_of_objects(model, objs):
    """Network ids of unsaved or bulk-written rows: from their foreign keys, with one query
    per thousand distinct parents, for bulk_create and bulk_update."""
    path = _network_path(model)
    if path is None:
        return EVERY_NETWORK
    if path == "pk":
        return {obj.pk for obj in objs}
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    parents = {getattr(obj, field.attname) for obj in objs}
    if None in parents:
        return EVERY_NETWORK
    if not rest:
        return parents
    found = set()
    parents = sorted(parents)
    for start in range(0, len(parents), 1000):
        found |= set(
            field.related_model._base_manager.filter(pk__in=parents[start : start + 1000])
            .values_list(rest, flat=True)
            .distinct()
        )
    return EVERY_NETWORK if None in found else found


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "language"}:
        return  # logging in or choosing a language changes no figure
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
    for config in plugins.apps_with("progress_sections"):
        for model in config.get_models():
            if model in _NOT_WATCHED or hasattr(model, "instance_type"):  # history model
                continue
            yield model


def unwatched_managers():
    """(model, manager) pairs of watched models whose bulk writes would escape the stamp:
    the manager's QuerySet is not a WatchedQuerySet. Must be empty (a test says so)."""
    from network.querysets import WatchedQuerySet

    for model in watched_models():
        for manager in model._meta.managers:
            if not isinstance(manager.get_queryset(), WatchedQuerySet):
                yield model, manager


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
