"""The topic apps' contract (network.plugins): the hooks are read in one place, and the
system check names a misspelt hook, a path that does not import and a link that does not
resolve."""

import pytest
from django.apps import apps

from network import plugins


@pytest.fixture
def procurement_config():
    return apps.get_app_config("procurement")


def codes(errors):
    return [error.id for error in errors]


def test_the_installed_apps_pass_the_check():
    assert plugins.check_hooks() == []


def test_every_hook_is_read_through_the_module():
    assert ("procurement:index", "Beschaffung") in [
        (name, str(label)) for name, label in plugins.values("nav_links")
    ]
    keys = [section().key for section in plugins.objects("progress_sections")]
    assert keys[:1] == ["meetings"] and {"procurement", "building"} <= set(keys)
    assert {c.name for c in plugins.apps_with("demo_seeders")} == {"procurement", "building"}


def test_a_misspelt_hook_is_named_with_a_suggestion(procurement_config, monkeypatch):
    monkeypatch.setattr(type(procurement_config), "progres_sections", ["x.y"], raising=False)
    errors = plugins.check_hooks()
    assert codes(errors) == ["network.E010"]
    assert "'progres_sections'" in errors[0].msg
    assert errors[0].hint == "Did you mean 'progress_sections'?"


def test_a_path_that_does_not_import_is_an_error(procurement_config, monkeypatch):
    monkeypatch.setattr(
        procurement_config, "progress_sections", ["procurement.progress.NoSuchSection"]
    )
    errors = plugins.check_hooks()
    assert codes(errors) == ["network.E011"]
    assert "NoSuchSection" in errors[0].msg


def test_a_navigation_link_that_does_not_resolve_is_an_error(procurement_config, monkeypatch):
    monkeypatch.setattr(procurement_config, "nav_links", [("procurement:nowhere", "Nirgends")])
    assert codes(plugins.check_hooks()) == ["network.E012"]


def test_no_module_reads_a_hook_by_itself():
    """The five getattr(config, …) loops are gone; a new one fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = [
        path.relative_to(root).as_posix()
        for app in ("network", "procurement", "building")
        for path in (root / app).rglob("*.py")
        if path.name != "plugins.py"
        and any(
            f'getattr(config, "{hook}"' in path.read_text(encoding="utf-8")
            for hook in plugins.HOOKS
        )
    ]
    assert readers == []


def test_the_start_page_sources_are_read_through_the_module(procurement_config, monkeypatch):
    from network.start import sources

    assert plugins.values("start_sources") == [
        "procurement.start.ProcurementStart",
        "building.start.BuildingStart",
    ]
    assert [type(source).__name__ for source in sources()] == ["ProcurementStart", "BuildingStart"]
    monkeypatch.setattr(procurement_config, "start_sources", ["procurement.start.Nothing"])
    assert codes(plugins.check_hooks()) == ["network.E011"]
