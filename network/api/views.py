"""The base of every API list and the core's own resources.

A resource is a `NetworkList` subclass with `path` (the URL segment under
/api/netzwerke/<slug>/) and `name` (the URL name in the "api" namespace); the topic apps
offer theirs through the `api_resources` hook. Every list reads through network.access
(404 outside the network) and answers a page with a fixed number of queries: the token
(1, plus 1 when its last use is noted), the access (1), the count (1), the rows (1) and one
per prefetched relation.
"""

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from network import access, timeseries
from network.models import Meeting, Membership, Network

from .auth import MISSING


class ApiView(generics.ListAPIView):
    """Read-only, token only; a request without a key gets 401 with a German hint."""

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(MISSING)
        super().permission_denied(request, message, code)


class NetworkList(ApiView):
    """One network's rows as the token's person may read them."""

    path: str
    name: str

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permission, throttle
        self.access = access.get_access(request.user, kwargs["network_slug"])

    def get_queryset(self):
        return self.rows(self.access)

    def rows(self, access):
        raise NotImplementedError


# --- networks and members ---------------------------------------------------------------


class NetworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Network
        fields = ["slug", "name", "started_on", "moderating_organisation", "description"]


class Networks(ApiView):
    """The networks in which the token's person holds a role."""

    serializer_class = NetworkSerializer

    def get_queryset(self):
        return access.networks_for(self.request.user).order_by("name", "pk")


class MembershipSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.name")
    municipality_slug = serializers.CharField(source="municipality.slug")
    municipality_kind = serializers.CharField(source="municipality.kind")
    ags = serializers.CharField(source="municipality.ags")
    population = serializers.IntegerField(source="municipality.population", allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "municipality",
            "municipality_slug",
            "municipality_kind",
            "ags",
            "population",
            "joined_on",
            "left_on",
        ]


class Members(NetworkList):
    """The network's members, also those that left (`left_on`)."""

    path = "mitglieder"
    name = "members"
    serializer_class = MembershipSerializer

    def rows(self, access):
        return (
            Membership.objects.filter(network=access.network)
            .select_related("municipality")
            .order_by("municipality__name", "pk")
        )


# --- meetings -----------------------------------------------------------------------------


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "kind",
            "status",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
        ]


class Meetings(NetworkList):
    """Network meetings and workshops, the newest first."""

    path = "termine"
    name = "meetings"
    serializer_class = MeetingSerializer

    def rows(self, access):
        return Meeting.objects.filter(network=access.network).order_by("-starts_at", "-pk")


# --- key figures (network.timeseries) ------------------------------------------------------


class PointSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    values = serializers.DictField(
        child=serializers.FloatField(),
        help_text=_("Wert je Mitglied: Schlüssel ist die id aus …/mitglieder/."),
    )


class SeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    section = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    points = PointSerializer(many=True)


class Figures(NetworkList):
    """The quarterly key-figure series of all members (network.timeseries.series_for), the
    same the dashboards and reports draw; one query whatever the number of members. Not
    paginated: one entry per key figure."""

    path = "kennzahlen"
    name = "figures"
    serializer_class = SeriesSerializer
    pagination_class = None

    def rows(self, access):
        memberships = Membership.objects.filter(network=access.network)
        return list(timeseries.series_for(memberships).values())

    def list(self, request, *args, **kwargs):
        series = [
            {
                "key": one.key,
                "section": one.section,
                "label": one.label,
                "unit": one.unit,
                "points": [
                    {"period_end": point.period_end, "values": dict(point.values)}
                    for point in one.points
                ],
            }
            for one in self.get_queryset()
        ]
        return Response(SeriesSerializer(series, many=True).data)


CORE_RESOURCES = [Members, Meetings, Figures]


# --- documentation --------------------------------------------------------------------------


def endpoints(schema: dict) -> list[dict]:
    """The operations of an OpenAPI schema as rows for the reference page: method, path,
    summary, and the parameters with whether they are required."""
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary") or operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter.get("name", ""),
                            "where": parameter.get("in", ""),
                            "required": bool(parameter.get("required")),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                }
            )
    return rows


class Docs(TemplateView):
    """The API's reference as a plain, accessible page generated from the OpenAPI schema
    (no script: BITV holds for it as for every page). Swagger UI, a third-party tool whose
    markup axe does not pass, is offered beside it on a page of its own (DocsInteractive).
    Without forms, so it sets no cookie."""

    template_name = "network/api/reference.html"

    def get_context_data(self, **kwargs):
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator().get_schema(request=None, public=True)
        return {**super().get_context_data(**kwargs), "endpoints": endpoints(schema)}


class DocsInteractive(TemplateView):
    """Swagger UI from the portal's own static files (static/vendor/swagger-ui/), started
    by static/js/api-docs.js: no CDN, no inline script. A plain Django page without forms,
    so it sets no cookie."""

    template_name = "network/api/docs.html"
