import django_filters
from django.utils.translation import gettext_lazy as _

from network.models import Membership

from .models import BuildingProject, RatingLevel


class ProjectFilter(django_filters.FilterSet):
    membership = django_filters.ModelChoiceFilter(
        label=_("Kommune"), queryset=Membership.objects.none()
    )
    use = django_filters.ChoiceFilter(label=_("Nutzung"), choices=BuildingProject.Use.choices)
    kind = django_filters.ChoiceFilter(
        label=_("Neubau oder Sanierung"), choices=BuildingProject.Kind.choices
    )
    phase = django_filters.ChoiceFilter(
        label=_("Planungsphase (HOAI)"), choices=BuildingProject.PHASES
    )
    rating = django_filters.ChoiceFilter(
        label=_("Bewertungsstufe"), field_name="latest_assessment__rating", choices=()
    )
    legal_status = django_filters.ChoiceFilter(
        label=_("Rechtsstatus"), choices=BuildingProject.LegalStatus.choices
    )

    class Meta:
        model = BuildingProject
        fields = ["membership", "use", "kind", "phase", "rating", "legal_status"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        members = self.filters["membership"]
        members.queryset = Membership.objects.filter(network=network).select_related("municipality")
        members.field.label_from_instance = lambda m: m.municipality.name
        names = (
            RatingLevel.objects.filter(board__network=network)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        self.filters["rating"].extra["choices"] = [(n, n) for n in names]
