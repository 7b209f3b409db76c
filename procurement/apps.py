from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Nachhaltige Beschaffung")
    nav_links = [("procurement:index", _("Beschaffung"))]
    progress_sections = ["procurement.progress.ProcurementSection"]
    start_sources = ["procurement.start.ProcurementStart"]
    public_sections = [
        "procurement.public.RoadmapSection",
        "procurement.public.CriteriaSection",
        "procurement.public.TendersSection",
    ]
    history_models = [
        "procurement.history.criteria",
        "procurement.history.adoptions",
        "procurement.history.approvals",
        "procurement.history.tenders",
        "procurement.history.milestones",
    ]
    api_resources = [
        "procurement.api.Roadmaps",
        "procurement.api.Criteria",
        "procurement.api.Tenders",
    ]
    search_sources = ["procurement.search.Criteria"]
    case_link_sources = ["procurement.exchange.Criteria", "procurement.exchange.Milestones"]
    demo_seeders = ["procurement.demo.seed"]
    scale_generators = ["procurement.scale.generate"]
