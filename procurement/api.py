"""Procurement's resources of the read-only API (offered through the `api_resources` hook
on ProcurementConfig; network/api/urls.py serves them under /api/netzwerke/<slug>/).

The rows are those the person reads on the site: criteria through `visible_criteria`
(drafts only for the moderation and the experts), everything else of every member, since
every role of a network reads all of it.
"""

from django.db.models import Prefetch, Q
from rest_framework import serializers

from network.api.views import NetworkList

from .access import visible_criteria
from .models import Adoption, Criterion, Milestone, Roadmap, Tender


class MilestoneSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    criterion_ids = serializers.PrimaryKeyRelatedField(source="criteria", many=True, read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "position",
            "title",
            "description",
            "status",
            "due_on",
            "completed_on",
            "department",
            "criterion_ids",
        ]


class RoadmapSerializer(serializers.ModelSerializer):
    membership_id = serializers.IntegerField(
        allow_null=True, help_text="None: the network's template roadmap"
    )
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = Roadmap
        fields = ["id", "membership_id", "title", "milestones"]


class Roadmaps(NetworkList):
    """The members' roadmaps (and the network's template) with their milestones."""

    path = "fahrplaene"
    name = "roadmaps"
    serializer_class = RoadmapSerializer

    def rows(self, access):
        milestones = Milestone.objects.select_related("department").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.only("pk"))
        )
        return (
            Roadmap.objects.filter(network=access.network)
            .prefetch_related(Prefetch("milestones", queryset=milestones))
            .order_by("membership__municipality__name", "pk")
        )


class AdoptionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", allow_null=True, default=None)

    class Meta:
        model = Adoption
        fields = ["id", "membership_id", "status", "target_date", "agreed_on", "department"]


class CriterionSerializer(serializers.ModelSerializer):
    product_group = serializers.CharField(source="product_group.name")
    adoptions = AdoptionSerializer(many=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "family",
            "revision",
            "is_current",
            "status",
            "title",
            "description",
            "product_group",
            "stage",
            "level",
            "impact",
            "verification",
            "legal_basis",
            "cpv_codes",
            "adoptions",
        ]


class Criteria(NetworkList):
    """The catalogue as the person sees it: for each criterion the revision in force (and,
    for the moderation and the experts, the current drafts), with every member's adoption
    of that revision."""

    path = "kriterien"
    name = "criteria"
    serializer_class = CriterionSerializer

    def rows(self, access):
        network_criteria = Criterion.objects.filter(network=access.network)
        released = network_criteria.released()
        shown = network_criteria.filter(Q(is_current=True) | Q(pk__in=released.values("pk")))
        adoptions = Adoption.objects.select_related("department").order_by("membership_id")
        return (
            visible_criteria(access, shown)
            .select_related("product_group")
            .prefetch_related(Prefetch("adoptions", queryset=adoptions))
            .order_by("product_group__position", "product_group__name", "title", "pk")
        )


class TenderSerializer(serializers.ModelSerializer):
    product_group = serializers.CharField(source="product_group.name")
    applied_criterion_ids = serializers.PrimaryKeyRelatedField(
        source="applied_criteria", many=True, read_only=True
    )

    class Meta:
        model = Tender
        fields = [
            "id",
            "membership_id",
            "title",
            "reference",
            "product_group",
            "estimated_value",
            "procedure",
            "published_on",
            "evidence_received",
            "applied_criterion_ids",
        ]


class Tenders(NetworkList):
    """The members' tender register, the newest first."""

    path = "ausschreibungen"
    name = "tenders"
    serializer_class = TenderSerializer

    def rows(self, access):
        return (
            Tender.objects.filter(membership__network=access.network)
            .select_related("product_group")
            .prefetch_related(Prefetch("applied_criteria", queryset=Criterion.objects.only("pk")))
            .order_by("-published_on", "title", "pk")
        )
