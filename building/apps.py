from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingConfig(AppConfig):
    name = "building"
    verbose_name = _("Nachhaltiges Bauen")
