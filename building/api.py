"""Building's resource of the read-only API (offered through the `api_resources` hook on
BuildingConfig; network/api/urls.py serves it under /api/netzwerke/<slug>/bauvorhaben/)."""

from rest_framework import serializers

from network.api.views import NetworkList

from .models import Assessment, BuildingProject


class AssessmentSerializer(serializers.ModelSerializer):
    board = serializers.CharField(source="board.name")
    board_revision = serializers.IntegerField(source="board.revision")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "board",
            "board_revision",
            "status",
            "total_pct",
            "completeness_pct",
            "rating",
            "provisional_rating",
            "eligible",
            "finalised_at",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    assessment = AssessmentSerializer(
        source="latest_assessment",
        allow_null=True,
        help_text="The project's current assessment (on the newest board it was scored on)",
    )

    class Meta:
        model = BuildingProject
        fields = [
            "id",
            "membership_id",
            "name",
            "address",
            "use",
            "kind",
            "phase",
            "gross_floor_area_m2",
            "application_date",
            "construction_start",
            "heating",
            "heating_replaced",
            "renewable_heat_share_pct",
            "pv_peak_kw",
            "budget_eur",
            "publicly_owned",
            "legal_status",
            "assessment",
        ]


class Projects(NetworkList):
    """The members' building projects with their current assessment."""

    path = "bauvorhaben"
    name = "projects"
    serializer_class = ProjectSerializer

    def rows(self, access):
        return (
            BuildingProject.objects.of_network(access.network)
            .select_related("latest_assessment__board")
            .order_by("membership__municipality__name", "name", "pk")
        )
