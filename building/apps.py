from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingConfig(AppConfig):
    name = "building"
    verbose_name = _("Nachhaltiges Bauen")
    nav_links = [("building:project_list", _("Bauen"))]
    progress_sections = ["building.progress.BuildingSection"]
    start_sources = ["building.start.BuildingStart"]
    public_sections = ["building.public.ProjectsSection"]
    history_models = [
        "building.history.projects",
        "building.history.assessments",
        "building.history.boards",
        "building.history.guidelines",
    ]
    api_resources = ["building.api.Projects"]
    search_sources = ["building.search.Guidelines", "building.search.Projects"]
    case_link_sources = ["building.exchange.Projects", "building.exchange.Guidelines"]
    case_outcomes = ["building.exchange.GuidelineDraft"]
    demo_seeders = ["building.demo.seed"]
    scale_generators = ["building.scale.generate"]
