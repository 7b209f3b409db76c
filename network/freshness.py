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

import contextlib
import functools
import itertools
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from simple_history.models import HistoricalRecords

from network import plugins
from network.models import (
    ApiToken,
    DataChange,
    MailPreference,
    Network,
    Notification,
    OutboxMail,
    Report,
)

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
# notifications and mails (a change that notifies has moved the stamp already), API tokens
# (a person's key, in no network: its save would mark every network changed).
_NOT_WATCHED = (DataChange, Report, Notification, MailPreference, OutboxMail, ApiToken)
# Entries of old stamps are never read again; they only have to expire eventually.
CACHE_SECONDS = 6 * 60 * 60
# The last value computed of each entry, whatever its stamp: what a visitor is shown,
# marked as being refreshed, while another process computes the new one.
PREVIOUS_SECONDS = 24 * 60 * 60
# How long the process computing an entry holds it (cache.add: atomic in Redis and in the
# memory cache); after that, if it died, the next visitor computes. Far above the
# 0.2–0.5 s a 60-member overview takes.
LOCK_SECONDS = 15
# How long a visitor who may not see the previous value (there is none, or it does not
# hold the visitor's own change) waits for the process computing it, polling the cache,
# before computing it as well.
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.05


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

    After a change one process computes an entry; the others do not compute it at the same
    time (sixteen busy workers recomputing the same overview at once cost each of them ten
    times the page). Who else asks meanwhile waits for it (`WAIT_SECONDS`, then computes
    itself) — or, with `previous=True`, is served the entry's last computed value at once
    and `refreshing` becomes true, so the page can say „wird aktualisiert“. Never to the
    person who made the change: their own request waits and sees it. With `refresh` (a
    callable that hands the computation to a worker, network.tasks.refresh_overview), the
    first visitor after a change is served the previous value too, and the worker computes.
    """

    def __init__(self, network_id: int, *, previous: bool = False, refresh=None):
        self.network_id = network_id
        self.stamp = stamp(network_id)
        self.prefix = f"knn:{network_id}:{self.stamp}"
        self.previous = previous
        self.refresh = refresh
        self.refreshing = False  # a previous value was served
        self._refresh_sent = False
        # The newest change the person asking made themselves: a value computed before it
        # is not shown to them.
        self._own_change = _own_change(network_id) if previous else 0

    def key(self, name: str, *parts) -> str:
        return ":".join([self.prefix, name, *map(str, parts)])

    def get(self, name: str, compute, *parts):
        """`compute()`, or its result kept from an earlier call at the same stamp.

        `parts` are whatever else the result depends on (the day, the language, a sort
        order); they must come from a small set of values, not from free user input.
        """
        key = self.key(name, *parts)
        value = cache.get(key)
        if value is not None:
            return value
        if getattr(_local, "refreshing", False):
            return self._compute(key, name, parts, compute)  # the worker the task went to
        lock = f"{key}:lock"
        previous = self._previous(name, parts)
        if previous is not None and self.refresh is not None:
            if cache.add(lock, "worker", LOCK_SECONDS) and not self._hand_over():
                return self._compute_holding(lock, key, name, parts, compute)
            return self._serve(previous)
        if cache.add(lock, "web", LOCK_SECONDS):
            return self._compute_holding(lock, key, name, parts, compute)
        if previous is not None:
            return self._serve(previous)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            value = cache.get(key)
            if value is not None:
                return value
        # The process holding it is slow or gone: compute it here as well.
        return self._compute(key, name, parts, compute)

    def _previous_key(self, name, parts) -> str:
        return ":".join([f"knn:{self.network_id}:previous", name, *map(str, parts)])

    def _previous(self, name, parts):
        """The last value computed of this entry, if this visitor may be shown it."""
        if not self.previous:
            return None
        kept = cache.get(self._previous_key(name, parts))
        if kept is None:
            return None
        computed_at, value = kept
        return value if computed_at >= self._own_change else None

    def _serve(self, value):
        self.refreshing = True
        return value

    def _hand_over(self) -> bool:
        """Send the computation to a worker (once per page); False if it could not go."""
        if not self._refresh_sent:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - broker unreachable: computed here
                return False
            self._refresh_sent = True
        return True

    def _compute_holding(self, lock, key, name, parts, compute):
        try:
            return self._compute(key, name, parts, compute)
        finally:
            cache.delete(lock)

    def _compute(self, key, name, parts, compute):
        value = compute()
        if self.refreshing:
            # This page was served a previous value already, and what is computed now may be
            # computed from it (the table's markup from the figures): not kept as fresh.
            return value
        cache.set(key, value, CACHE_SECONDS)
        previous_key = self._previous_key(name, parts)
        computed_at = _stamp_id(self.stamp)
        kept = cache.get(previous_key)
        if kept is None or kept[0] <= computed_at:  # a slower, older computation loses
            cache.set(previous_key, (computed_at, value), PREVIOUS_SECONDS)
        return value


@contextlib.contextmanager
def refreshing():
    """Inside: NetworkCache computes what is missing without asking for the lock — the
    refresh task a visitor handed the computation to (it holds the lock for the task)."""
    _local.refreshing = True
    try:
        yield
    finally:
        _local.refreshing = False


def _stamp_id(value: str) -> int:
    return int(value.split(".", 1)[0])


def _current_user_id():
    """The person whose request this is, from the request django-simple-history's
    middleware keeps for the history rows ("who"); None outside a request."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _own_change_key(network_id, user_id) -> str:
    return f"knn:{network_id}:changed-by:{user_id}"


def _mark_own_change(rows) -> None:
    """Note the newest change the person whose request this is made of each network: their
    next visit is not shown values computed before it (NetworkCache, previous=True)."""
    user_id = _current_user_id()
    if user_id is None:
        return
    for row in rows:
        if row.pk is not None:  # bulk_create gives ids on PostgreSQL and SQLite
            key = _own_change_key(row.network_id, user_id)
            if cache.get(key, 0) < row.pk:
                cache.set(key, row.pk, PREVIOUS_SECONDS)


def _own_change(network_id) -> int:
    """Id of the newest change (of this network or of every network) the person asking
    made: 0 if none, or outside a request."""
    user_id = _current_user_id()
    if user_id is None:
        return 0
    keys = [_own_change_key(network_id, user_id), _own_change_key(EVERY_NETWORK, user_id)]
    return max(cache.get_many(keys).values(), default=0)


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
        rows = DataChange.objects.bulk_create([DataChange(network_id=n) for n in targets])
        # A value computed at this row's stamp or later was computed after the commit (the
        # row is seen only then), so it holds the change: what the writer may be shown.
        _mark_own_change(rows)
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
        _mark_own_change([newest])
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
    # A foreign key or a one-to-one key (a network's Publication) named "network".
    if any(
        f.name == "network" and (f.many_to_one or f.one_to_one) for f in model._meta.concrete_fields
    ):
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
