from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from network.concurrency import VersionedModelForm
from network.documents import DocumentField
from network.forms import fields
from network.forms.base import PortalModelForm
from network.forms.widgets import GroupedCheckboxSelectMultiple

from . import indicators
from .models import (
    BoardCriterion,
    BuildingProject,
    BuildingSettings,
    CarrierDefault,
    CriteriaGroup,
    EnergyUse,
    Guideline,
    RatingLevel,
    ScoringBoard,
    Variant,
)
from .presets import PRESET_CHOICES


class ProjectForm(VersionedModelForm):
    class Meta:
        model = BuildingProject
        fields = [
            "membership",
            "name",
            "address",
            "use",
            "kind",
            "phase",
            "gross_floor_area_m2",
            "roof_area_m2",
            "roof_renewal",
            "solar_area_m2",
            "pv_peak_kw",
            "in_new_development_area",
            "application_date",
            "construction_start",
            "heating",
            "heating_replaced",
            "renewable_heat_share_pct",
            "budget_eur",
            "publicly_owned",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    # The sections of the form, each a fieldset with its legend.
    SECTIONS = [
        (
            _("Stammdaten"),
            [
                "membership",
                "name",
                "address",
                "use",
                "kind",
                "phase",
                "publicly_owned",
                "budget_eur",
                "description",
            ],
        ),
        (
            _("Gebäude"),
            ["gross_floor_area_m2", "roof_area_m2", "roof_renewal", "in_new_development_area"],
        ),
        (
            _("Energie"),
            [
                "heating",
                "heating_replaced",
                "renewable_heat_share_pct",
                "solar_area_m2",
                "pv_peak_kw",
            ],
        ),
        # not the meetings area („Termine“ → "Meetings"), the project's dates
        (
            pgettext_lazy("Abschnitt des Bauvorhabens", "Termine"),
            ["application_date", "construction_start"],
        ),
    ]

    def __init__(self, *args, memberships=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["membership"]  # a project stays with its member
        else:
            self.fields["membership"].queryset = memberships
            self.fields["membership"].label_from_instance = lambda m: m.municipality.name
            if len(memberships) == 1:
                self.fields["membership"].initial = memberships[0].pk
        for name in BuildingProject.LEGAL_FIELDS:
            field = self.fields[name]
            # In the help text, so that it is read with the field (aria-describedby).
            field.help_text = format_html(
                '<span class="badge text-bg-info legal-badge">{}</span> {}',
                _("für Rechtsprüfung"),
                field.help_text,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False  # form_page.html has the form, its buttons and token
        self.helper.layout = Layout(
            *(
                Fieldset(legend, *[n for n in names if n in self.fields], css_class="mb-4")
                for legend, names in self.SECTIONS
            ),
            "loaded_version",
        )


class SettingsForm(VersionedModelForm):
    class Meta:
        model = BuildingSettings
        fields = [
            "discount_rate_pct",
            "period_years",
            "co2_price_eur_per_t",
            "co2_price_escalation_pct",
            "co2_price_source",
            "co2_price_as_of",
        ]


class CarrierDefaultForm(PortalModelForm):
    """The network's default values for one carrier, shown on the settings page below the
    SettingsForm, one form per carrier (prefix: the carrier)."""

    class Meta:
        model = CarrierDefault
        fields = [
            "price_eur_per_kwh",
            "escalation_pct",
            "price_source",
            "price_as_of",
            "emission_kg_per_kwh",
            "emission_source",
            "emission_as_of",
        ]


class BoardCreateForm(forms.Form):
    preset = forms.ChoiceField(label=_("Vorlage"), choices=PRESET_CHOICES, required=False)
    name = fields.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leer lassen, um den Namen der Vorlage zu übernehmen."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("preset") and not data.get("name"):
            raise ValidationError({"name": _("Bitte einen Namen für das leere Raster angeben.")})
        return data


class BoardForm(VersionedModelForm):
    class Meta:
        model = ScoringBoard
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GroupForm(VersionedModelForm):
    class Meta:
        model = CriteriaGroup
        fields = ["code", "name", "weight_pct", "in_group_minimums", "position"]


class CriterionForm(VersionedModelForm):
    class Meta:
        model = BoardCriterion
        fields = [
            "group",
            "code",
            "name",
            "factor",
            "description",
            "unit",
            "source",
            "threshold_value",
            "reference_value",
            "target_value",
            "threshold",
            "reference",
            "target",
            "minimum_points",
            "position",
        ]
        widgets = {
            n: forms.Textarea(attrs={"rows": 2})
            for n in ("description", "target", "reference", "threshold")
        }
        help_texts = {
            "threshold_value": _(
                "Für ein gemessenes Kriterium: Einheit und alle drei Werte angeben. Steigend "
                "(Grenzwert < Referenzwert < Zielwert): mehr ist besser; fallend: weniger ist "
                "besser. Dazwischen linear, jenseits des Grenzwerts 0, höchstens 100 Punkte."
            ),
        }

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = board.groups.all()
        self.fields["source"].required = False  # not given: typed at the assessment

    def clean_source(self):
        return self.cleaned_data.get("source") or indicators.Source.MANUAL


class LevelForm(VersionedModelForm):
    class Meta:
        model = RatingLevel
        fields = ["name", "min_total_pct", "min_group_pct"]

    def clean_min_total_pct(self):
        value = self.cleaned_data.get("min_total_pct")
        if value is None:
            raise ValidationError(
                _(
                    "Bitte einen Mindest-Gesamterfüllungsgrad angeben: eine Stufe ohne Schwelle "
                    "kann nicht vergeben werden."
                )
            )
        return value


class ScoreForm(forms.Form):
    """Points, justification and evidence for every criterion of the board at once."""

    loaded_version = fields.VersionField(required=True)

    def __init__(self, *args, criteria, scores, sourced=None, **kwargs):
        """`sourced` maps the ids of criteria whose value is read from the project
        (BoardCriterion.is_sourced) to that value (None: not known yet)."""
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.sourced = sourced or {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            if criterion.is_measured:
                # Measured: the points follow from the value by the BNB rule.
                self.fields[f"value_{criterion.pk}"] = fields.DecimalField(
                    label=format_lazy(_("Messwert ({unit})"), unit=criterion.unit),
                    max_digits=14,
                    decimal_places=3,
                    required=False,
                    disabled=criterion.is_sourced,
                    initial=self.sourced.get(criterion.pk)
                    if criterion.is_sourced
                    else (score.measured_value if score else None),
                )
            self.fields[f"points_{criterion.pk}"] = fields.IntegerField(
                label=_("Punkte (0–100)"),
                min_value=0,
                max_value=100,
                required=False,
                initial=score.points if score else None,
                error_messages={
                    "min_value": _("Bitte 0 bis 100 Punkte vergeben."),
                    "max_value": _("Bitte 0 bis 100 Punkte vergeben."),
                    "invalid": _("Bitte eine ganze Zahl von 0 bis 100 eingeben."),
                },
            )
            self.fields[f"justification_{criterion.pk}"] = fields.TextField(
                label=_("Begründung"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.justification if score else "",
            )
            self.fields[f"evidence_{criterion.pk}"] = DocumentField(
                label=_("Nachweis hochladen"), required=False
            )
            if criterion.is_measured:  # computed, not typed
                del self.fields[f"points_{criterion.pk}"]

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if criterion.is_measured:
                value = (
                    self.sourced.get(criterion.pk)
                    if criterion.is_sourced
                    else data.get(f"value_{criterion.pk}")
                )
                data[f"value_{criterion.pk}"] = value
                data[f"points_{criterion.pk}"] = indicators.whole_points(
                    criterion.points_for(value)
                )
            # The evidence field itself checks the file (network.documents).
            if data.get(f"evidence_{criterion.pk}") and data.get(f"points_{criterion.pk}") is None:
                if criterion.is_measured:
                    self.add_error(
                        f"value_{criterion.pk}" if not criterion.is_sourced else None,
                        _("Ein Nachweis gehört zu einem Messwert: bitte den Messwert angeben.")
                        if not criterion.is_sourced
                        else _(
                            "Ein Nachweis gehört zu einem Messwert, und für „%(name)s“ fehlt "
                            "er in den Angaben des Vorhabens oder im Variantenvergleich."
                        )
                        % {"name": criterion},
                    )
                else:
                    self.add_error(
                        f"points_{criterion.pk}",
                        _("Ein Nachweis gehört zu einem Punktwert: bitte Punkte vergeben."),
                    )
        return data

    def entries(self):
        """criterion id → (points, justification, measured value or None)."""
        return {
            c.pk: (
                self.cleaned_data.get(f"points_{c.pk}"),
                self.cleaned_data.get(f"justification_{c.pk}", "").strip(),
                self.cleaned_data.get(f"value_{c.pk}") if c.is_measured else None,
            )
            for c in self.criteria
        }

    def evidence(self):
        return {
            c.pk: [self.cleaned_data[f"evidence_{c.pk}"]]
            for c in self.criteria
            if self.cleaned_data.get(f"evidence_{c.pk}")
        }


class VariantForm(VersionedModelForm):
    class Meta:
        model = Variant
        fields = [
            "name",
            "is_reference",
            "is_chosen",
            "investment_eur",
            "lifetime_years",
            "maintenance_eur_per_year",
            "maintenance_escalation_pct",
            "grant_eur",
            "grant_programme",
        ]

    def clean_grant_eur(self):
        # Optional: no grant is a grant of 0 €.
        value = self.cleaned_data["grant_eur"]
        return Decimal(0) if value is None else value

    def clean_is_reference(self):
        value = self.cleaned_data["is_reference"]
        project = self.instance.project
        if (
            value
            and project.variants.filter(is_reference=True).exclude(pk=self.instance.pk).exists()
        ):
            raise ValidationError(_("Das Vorhaben hat schon eine Referenzvariante."))
        return value

    def clean_is_chosen(self):
        # The reference may be the chosen one too: then the project avoids nothing.
        value = self.cleaned_data["is_chosen"]
        project = self.instance.project
        if value and project.variants.filter(is_chosen=True).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _(
                    "Das Vorhaben hat schon eine gewählte Variante. Bitte wählen Sie diese "
                    "zuerst ab."
                )
            )
        return value


class EnergyUseForm(PortalModelForm):
    """One carrier of a variant. Price, escalation and emission factor left empty take the
    network's default for the carrier (`defaults`, from BuildingSettings.
    defaults_by_carrier), copied into the row when it is saved."""

    class Meta:
        model = EnergyUse
        fields = [
            "carrier",
            "kwh_per_year",
            "price_eur_per_kwh",
            "escalation_pct",
            "emission_kg_per_kwh",
        ]

    def __init__(self, *args, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        self.defaults = defaults
        carrier = self.instance.carrier if self.instance.pk else None
        for name in CarrierDefault.VALUE_FIELDS:
            field = self.fields[name]
            field.required = False
            field.help_text = _("Leer lassen: die Vorgabe des Netzwerks wird übernommen.")
            if carrier in defaults:
                field.widget.attrs["placeholder"] = number_format(
                    getattr(defaults[carrier], name), use_l10n=True, force_grouping=True
                )
            else:
                field.widget.attrs["placeholder"] = _("Vorgabe des Netzwerks")
        if not self.instance.pk:
            # A new row starts empty, i.e. on the defaults; a stored row shows its values.
            for name in CarrierDefault.VALUE_FIELDS:
                self.initial.pop(name, None)

    def has_changed(self):
        # A new row with neither carrier nor consumption is the blank row at the end of
        # the list, whatever an older page sent for its other fields (it used to show 0).
        if not self.instance.pk and not any(
            self.data.get(self.add_prefix(name)) for name in ("carrier", "kwh_per_year")
        ):
            return False
        return super().has_changed()

    def clean(self):
        data = super().clean()
        default = self.defaults.get(data.get("carrier"))
        if default is not None:
            for name in CarrierDefault.VALUE_FIELDS:
                data[name] = default.value_for(name, data.get(name))
        return data


EnergyUseFormSet = inlineformset_factory(
    Variant, EnergyUse, form=EnergyUseForm, extra=2, can_delete=True, max_num=10
)


class GuidelineForm(VersionedModelForm):
    class Meta:
        model = Guideline
        fields = ["title", "summary", "body", "status", "criteria"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "criteria": GroupedCheckboxSelectMultiple(
                group_by=lambda c: f"{c.group.board} – {c.group.code} {c.group.name}",
                filter_label=_("Kriterien filtern"),
                filter_help=_("Sucht in Raster, Kriteriengruppe und Kriterium."),
            ),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        open_boards = Q(
            group__board__status__in=[ScoringBoard.Status.ACTIVE, ScoringBoard.Status.DRAFT]
        )
        if self.instance.pk:  # links to retired versions stay (unticked they would be lost)
            open_boards |= Q(guidelines=self.instance)
        self.fields["criteria"].queryset = (
            BoardCriterion.objects.filter(open_boards, group__board__network=network)
            .distinct()
            .select_related("group__board")
            .order_by("group__board__name", "group__board__revision", "group__position", "position")
        )
        self.fields["criteria"].label_from_instance = str
        self._previous_status = self.instance.status if self.instance.pk else None

    def save_checked(self, commit=True):
        instance = self.instance
        if instance.pk:
            instance.revision += 1
        if instance.status == Guideline.Status.PUBLISHED and (
            self._previous_status != Guideline.Status.PUBLISHED or instance.published_at is None
        ):
            instance.published_at = timezone.now()
        return super().save_checked(commit=commit)
