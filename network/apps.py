from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerke")
    # Entries of the network's area navigation: (URL name taking the network slug, label).
    # Topic apps list theirs on their own AppConfig in the same way.
    nav_links = [
        ("network:meeting_list", _("Termine")),
        ("network:case_list", _("Fallberatung")),
        ("network:report_list", _("Berichte")),
        ("network:people", _("Personen")),
    ]
    # The network's own progress section (meeting attendance); see network.progress.
    progress_sections = ["network.sections.AttendanceSection"]

    def ready(self):
        from network import (
            freshness,
            legal,  # noqa: F401  registers the deploy check of the legal pages
            plugins,  # noqa: F401  registers the check of the topic apps' hooks
            tasks,
        )

        freshness.watch()
        freshness.data_changed.connect(tasks.refresh_overview_soon, dispatch_uid="overview")
