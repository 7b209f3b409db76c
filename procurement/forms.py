import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.forms import fields
from network.forms.widgets import GroupedCheckboxSelectMultiple
from network.models import ActionItem, Department

from .models import Adoption, Criterion, Level, Milestone, ProductGroup, Stage, Tender

CPV_PATTERN = re.compile(r"^\d{8}$")

# Criteria in a picker: by product group, then as the catalogue lists them.
PICKER_ORDER = ("product_group__position", "product_group__name", "stage", "title", "revision")


def criterion_choice_label(criterion) -> str:
    """A criterion in a picker: its title, stage and level (titles repeat across stages),
    and a note where it is no longer what the catalogue offers."""
    label = f"{criterion.title} ({criterion.get_stage_display()}, {criterion.get_level_display()})"
    if criterion.status == Criterion.Status.RETIRED:
        label += " – " + str(_("zurückgezogen"))
    elif not criterion.is_current:
        label += " – " + str(_("Fassung %(n)d, nicht mehr aktuell") % {"n": criterion.revision})
    return label


def criteria_picker(**kwargs) -> GroupedCheckboxSelectMultiple:
    """The picker for criteria: grouped by product group, with a filter."""
    return GroupedCheckboxSelectMultiple(
        group_by=lambda c: c.product_group.name,
        group_key=lambda c: c.product_group_id,
        filter_label=_("Kriterien filtern"),
        filter_help=_("Sucht in Titel, Vergabestufe, Anspruchsniveau und Warengruppe."),
        **kwargs,
    )


class ProductGroupForm(VersionedModelForm):
    cpv_text = fields.CharField(
        label=_("CPV-Codes"),
        required=False,
        help_text=_("Achtstellige Codes, durch Komma oder Leerzeichen getrennt."),
    )

    class Meta:
        model = ProductGroup
        fields = ["name", "cpv_text", "gpp_document", "position"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.instance.network = network
        self.fields["cpv_text"].initial = " ".join(self.instance.cpv_codes or [])
        self.fields["position"].required = False

    def clean_position(self):
        return self.cleaned_data.get("position") or 0

    def clean_cpv_text(self):
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["cpv_text"]) if c]
        bad = [c for c in codes if not CPV_PATTERN.match(c.split("-")[0])]
        if bad:
            raise forms.ValidationError(
                _("Kein gültiger CPV-Code: %(codes)s") % {"codes": ", ".join(bad)}
            )
        return [c.split("-")[0] for c in codes]

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = ProductGroup.objects.filter(network=self.network, name=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("Diese Warengruppe gibt es schon."))
        return name

    def clean(self):
        # On the instance before it is validated and saved: save_checked() (edits) does not
        # go through this form's save(), so an override there lost the codes of an edit.
        data = super().clean()
        if "cpv_text" in data:
            self.instance.cpv_codes = data["cpv_text"]
        return data


CRITERION_EDIT_FIELDS = [
    "product_group",
    "title",
    "description",
    "stage",
    "level",
    "impact",
    "verification",
    "legal_basis",
]


class CriterionForm(VersionedModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_EDIT_FIELDS

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.network = network
        self.fields["product_group"].queryset = ProductGroup.objects.filter(network=network)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Datei mit EU-GPP-Kriterien (JSON)"),
        help_text=_("Format wie eu-gpp-criteria.json; ein erneuter Import ändert nichts."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        return upload


class CriterionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    product_group = django_filters.ModelChoiceFilter(
        label=_("Warengruppe"), queryset=ProductGroup.objects.none(), empty_label=_("alle")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Vergabestufe"), choices=Stage.choices, empty_label=_("alle")
    )
    level = django_filters.ChoiceFilter(
        label=_("Anspruchsniveau"), choices=Level.choices, empty_label=_("alle")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Criterion.Status.choices, empty_label=_("alle")
    )
    source = django_filters.ChoiceFilter(
        label=_("Quelle"), choices=Criterion.Source.choices, empty_label=_("alle")
    )

    class Meta:
        model = Criterion
        fields = ["q", "product_group", "stage", "level", "status", "source"]

    def __init__(self, *args, network, sees_drafts=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["product_group"].queryset = ProductGroup.objects.filter(network=network)
        if not sees_drafts:  # drafts are the moderation's working set (procurement.access)
            self.filters["status"].extra["choices"] = [
                c for c in Criterion.Status.choices if c[0] != Criterion.Status.DRAFT
            ]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(gpp_id__iexact=word)
                | Q(verification__icontains=word)
                | Q(legal_basis__icontains=word)
            )
        return queryset


class AdoptionForm(VersionedModelForm):
    class Meta:
        model = Adoption
        fields = ["target_date", "department", "add_milestone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            municipality_id=self.instance.membership.municipality_id
        )


class DepartmentsForm(forms.Form):
    departments = fields.ModelMultipleChoiceField(
        label=_("Fachbereiche um Zustimmung bitten"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens einen Fachbereich.")},
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(municipality=municipality)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("agree", _("Zustimmen")), ("object", _("Einwand erheben"))],
        widget=forms.RadioSelect,
    )
    comment = fields.TextField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "object" and not data.get("comment", "").strip():
            self.add_error("comment", _("Bitte begründen Sie den Einwand."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Neuer Status"),
        choices=[
            (Adoption.Status.ADOPTED, _("übernommen")),
            (Adoption.Status.APPLIED, _("angewendet")),
            (Adoption.Status.DECLINED, _("abgelehnt")),
            (Adoption.Status.OPEN, _("wieder öffnen")),
        ],
    )
    reason = fields.TextField(
        label=_("Begründung (bei Ablehnung)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Adoption.Status.DECLINED and not data.get("reason", "").strip():
            self.add_error("reason", _("Bitte begründen Sie die Ablehnung."))
        return data


class BulkForm(forms.Form):
    ACTIONS = [
        ("start", _("Übernahme beginnen")),
        ("request", _("Fachbereiche um Zustimmung bitten")),
        ("adopted", _("als übernommen markieren")),
        ("applied", _("als angewendet markieren")),
        ("target", _("Zieldatum setzen")),
    ]
    criteria = fields.ModelMultipleChoiceField(
        label=_("Kriterien"),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens ein Kriterium.")},
    )
    action = forms.ChoiceField(label=_("Aktion"), choices=ACTIONS)
    departments = fields.ModelMultipleChoiceField(
        label=_("Fachbereiche"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_date = fields.DateField(label=_("Zieldatum"), required=False)

    def __init__(self, *args, membership, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria
        self.fields["departments"].queryset = Department.objects.filter(
            municipality_id=membership.municipality_id
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "request" and not data.get("departments"):
            self.add_error("departments", _("Bitte wählen Sie mindestens einen Fachbereich."))
        if data.get("action") == "target" and not data.get("target_date"):
            self.add_error("target_date", _("Bitte geben Sie ein Zieldatum an."))
        return data


class TenderForm(VersionedModelForm):
    class Meta:
        model = Tender
        fields = [
            "title",
            "reference",
            "product_group",
            "estimated_value",
            "procedure",
            "published_on",
            "applied_criteria",
            "evidence_received",
        ]
        # Only the group picked as the tender's product group is shown (picker.js); without
        # JavaScript every group is, and clean() refuses criteria of another group.
        widgets = {"applied_criteria": criteria_picker(follows="id_product_group")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        network_id = self.instance.membership.network_id
        self.fields["product_group"].queryset = ProductGroup.objects.filter(network_id=network_id)
        agreed = Adoption.objects.filter(
            membership=self.instance.membership, status__in=Adoption.AGREED_OR_LATER
        )
        offered = Q(pk__in=agreed.values("criterion_id"))
        if self.instance.pk:  # what it applied stays, even if the agreement was withdrawn
            offered |= Q(pk__in=self.instance.applied_criteria.values("pk"))
        self.fields["applied_criteria"].queryset = (
            Criterion.objects.filter(offered, network_id=network_id)
            .select_related("product_group")
            .order_by(*PICKER_ORDER)
        )
        self.fields["applied_criteria"].label_from_instance = criterion_choice_label
        self.fields["applied_criteria"].help_text = _(
            "Die Kriterien der gewählten Warengruppe, denen die Kommune zugestimmt hat."
        )

    def clean(self):
        data = super().clean()
        group = data.get("product_group")
        wrong = [
            c
            for c in data.get("applied_criteria") or []
            if group and c.product_group_id != group.pk
        ]
        if wrong:
            self.add_error(
                "applied_criteria",
                _("Diese Kriterien gehören nicht zur Warengruppe: %(titles)s")
                % {"titles": ", ".join(c.title for c in wrong)},
            )
        return data


def _meeting_of(item):
    if not item.decision_id:
        return _("Aufgaben ohne Treffen")
    meeting = item.decision.meeting
    return f"{meeting.title} ({timezone.localtime(meeting.starts_at).strftime('%d.%m.%Y')})"


def _action_item_label(item) -> str:
    if item.due_on:
        return _("%(title)s (fällig am %(due)s, %(status)s)") % {
            "title": item.title,
            "due": item.due_on.strftime("%d.%m.%Y"),
            "status": item.get_status_display(),
        }
    return f"{item.title} ({item.get_status_display()})"


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = Milestone
        fields = [
            "position",
            "title",
            "description",
            "due_on",
            "status",
            "completed_on",
            "department",
            "criteria",
            "action_items",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria": criteria_picker(),
            "action_items": GroupedCheckboxSelectMultiple(
                group_by=_meeting_of,
                filter_label=_("Aufgaben filtern"),
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roadmap = self.instance.roadmap
        membership = roadmap.membership
        if membership is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = Department.objects.filter(
                municipality_id=membership.municipality_id
            )
        # What the network agreed (drafts are the moderation's working set); links the
        # milestone already has stay offered, ticked, even to criteria no longer offered —
        # unticked they would be lost on saving.
        network_criteria = Criterion.objects.filter(network_id=roadmap.network_id)
        offered = Q(pk__in=network_criteria.released().agreed().values("pk"))
        items = ActionItem.objects.filter(network_id=roadmap.network_id)
        if membership is not None:
            items = items.filter(Q(membership=membership) | Q(membership__isnull=True))
        linked_items = Q(pk__in=items.values("pk"))
        if self.instance.pk:
            offered |= Q(pk__in=self.instance.criteria.values("pk"))
            linked_items |= Q(pk__in=self.instance.action_items.values("pk"))
        self.fields["criteria"].queryset = (
            network_criteria.filter(offered).select_related("product_group").order_by(*PICKER_ORDER)
        )
        self.fields["criteria"].label_from_instance = criterion_choice_label
        self.fields["action_items"].queryset = (
            ActionItem.objects.filter(linked_items, network_id=roadmap.network_id)
            .select_related("decision__meeting")
            .order_by("-decision__meeting__starts_at", "decision__meeting", "title", "pk")
        )
        self.fields["action_items"].label_from_instance = _action_item_label
