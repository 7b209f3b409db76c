"""The contract between `network` and the topic apps (procurement, building, and later
mobility or energy): the hooks a topic app sets on its AppConfig. `network` never imports
a topic app; it asks this module for what the installed apps offer.

    class MobilityConfig(AppConfig):
        name = "mobility"
        nav_links = [("mobility:index", _("Mobilität"))]
        progress_sections = ["mobility.progress.MobilitySection"]
        history_models = ["mobility.history.trips"]
        start_sources = ["mobility.start.MobilityStart"]
        public_sections = ["mobility.public.TripsSection"]
        api_resources = ["mobility.api.Trips"]
        search_sources = ["mobility.search.Trips"]
        case_link_sources = ["mobility.exchange.Trips"]
        case_outcomes = ["mobility.exchange.TripPlanDraft"]
        demo_seeders = ["mobility.demo.seed"]
        scale_generators = ["mobility.scale.generate"]

A system check (network.E010–E012) names a hook that is misspelt, a dotted path that does
not import and a navigation link whose URL does not resolve, so a mistake fails at start-up
instead of silently leaving a section off the dashboard.
"""

import difflib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Hook:
    name: str
    what: str
    paths: bool = True  # a list of dotted paths (else: a list of values as they are)


HOOKS = {
    hook.name: hook
    for hook in [
        Hook(
            "nav_links",
            "(URL name taking the network slug, label) of the app's areas in the network's "
            "navigation",
            paths=False,
        ),
        Hook(
            "progress_sections",
            "ProgressSection classes: key figures and the fragment of one membership for the "
            "dashboards and reports (network.progress)",
        ),
        Hook(
            "start_sources",
            "classes whose items(person), changes(person, limit) and network_counts(person) "
            "give one person's open work, recent changes and moderated networks' key counts "
            "for the personal start page (network.start)",
        ),
        Hook(
            "history_models",
            "HistorySource objects (network.reports.history): a historical model, how its "
            "records find their network, title and page, for „Letzte Änderungen“",
        ),
        Hook(
            "public_sections",
            "PublicSection classes (network.public): what a member may release for the "
            "network's public page and open data, without names of people",
        ),
        Hook(
            "api_resources",
            "network.api.views.NetworkList subclasses (path, name): read-only lists of one "
            "network under /api/netzwerke/<slug>/<path>/, read through network.access",
        ),
        Hook(
            "case_link_sources",
            "CaseLinkSource classes (network.exchange.links): the app's objects a case of the "
            "collegial consultation may link to (kind, id, title, url), listed and resolved "
            "for one person",
        ),
        Hook(
            "case_outcomes",
            "CaseOutcome classes (network.exchange.links): what the moderation may make of a "
            "case's conclusion (label, allowed(access, case), create(case, actor), made(…))",
        ),
        Hook(
            "search_sources",
            "classes whose queryset(searcher) gives the rows one person may read, with the "
            "fields searched and each row's title and page, for the header search "
            "(network.search)",
        ),
        Hook("demo_seeders", "functions(seeded) that add the app's demo data (seed_demo)"),
        Hook(
            "scale_generators",
            "functions that add the app's rows to the national data set (generate_scale_data)",
        ),
    ]
}

# Attributes every AppConfig has; anything else on a project app's config should be a hook.
_APPCONFIG_ATTRIBUTES = {"name", "verbose_name", "label", "path", "default", "default_auto_field"}


def _project_configs():
    """The portal's own apps (a folder beside manage.py), not Django's or a library's."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent == base:
            yield config


def values(hook: str) -> list:
    """Every installed app's entries of `hook`, in app order (dotted paths unimported)."""
    assert hook in HOOKS, hook
    return [entry for config in apps.get_app_configs() for entry in getattr(config, hook, ())]


def objects(hook: str) -> list:
    """The imported objects of a path hook, in app order."""
    assert HOOKS[hook].paths, hook
    return [import_string(path) for path in values(hook)]


def apps_with(hook: str) -> list:
    """The app configs that set `hook`."""
    return [config for config in apps.get_app_configs() if getattr(config, hook, ())]


@checks.register()
def check_hooks(app_configs=None, **kwargs):
    errors = []
    for config in _project_configs():
        own = {
            name
            for klass in type(config).__mro__
            if klass.__module__.split(".")[0] == config.name.split(".")[0]
            for name in vars(klass)
            if not name.startswith("_") and not callable(getattr(klass, name))
        } - _APPCONFIG_ATTRIBUTES
        for name in sorted(own - HOOKS.keys()):
            close = difflib.get_close_matches(name, HOOKS, n=1)
            errors.append(
                checks.Error(
                    f"{config.name}: {name!r} on the AppConfig is no hook of the portal",
                    hint=f"Did you mean {close[0]!r}?" if close else f"Hooks: {', '.join(HOOKS)}",
                    obj=type(config),
                    id="network.E010",
                )
            )
        for name, hook in HOOKS.items():
            for entry in getattr(config, name, ()):
                if hook.paths:
                    try:
                        import_string(entry)
                    except ImportError as error:
                        errors.append(
                            checks.Error(
                                f"{config.name}.{name}: {entry!r} does not import ({error})",
                                obj=type(config),
                                id="network.E011",
                            )
                        )
                else:
                    errors.extend(_check_link(config, entry))
    return errors


def _check_link(config, entry):
    try:
        url_name, _label = entry
        reverse(url_name, args=["probe"])
    except (TypeError, ValueError, NoReverseMatch) as error:
        return [
            checks.Error(
                f"{config.name}.nav_links: {entry!r} is no (URL name taking the network "
                f"slug, label) ({type(error).__name__})",
                obj=type(config),
                id="network.E012",
            )
        ]
    return []
