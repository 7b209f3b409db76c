"""Requesting a report."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.forms import fields
from network.models import Membership, Report
from network.models.reports import INTRO_MAX_LENGTH
from network.progress import Period


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art des Berichts"), choices=Report.Kind.choices)
    membership = fields.ModelChoiceField(
        label=_("Kommune"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("Nur für einen Fortschrittsbericht."),
    )
    year = fields.YearField(
        label=_("Jahr"),
        help_text=_("Ein Fortschrittsbericht reicht vom Jahresbeginn bis heute."),
    )
    intro = fields.TextField(
        label=Report._meta.get_field("intro").verbose_name,
        help_text=Report._meta.get_field("intro").help_text,
        required=False,
        max_length=INTRO_MAX_LENGTH,
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        members = Membership.objects.filter(network=access.network).select_related("municipality")
        if not access.is_moderator:
            members = members.filter(pk__in=access.own_membership_ids)
            self.fields["kind"].choices = [
                (Report.Kind.MUNICIPALITY, Report.Kind.MUNICIPALITY.label)
            ]
        self.fields["membership"].queryset = members.order_by("municipality__name")
        self.fields["membership"].label_from_instance = lambda m: m.municipality.name
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        first = self.access.network.started_on.year
        last = timezone.localdate().year
        if not first <= year <= last:
            raise forms.ValidationError(
                _("Bitte ein Jahr von %(first)s bis %(last)s angeben.")
                % {"first": first, "last": last}
            )
        return year

    def clean(self):
        data = super().clean()
        kind, membership = data.get("kind"), data.get("membership")
        if kind == Report.Kind.MUNICIPALITY and membership is None:
            self.add_error("membership", _("Bitte die Kommune auswählen."))
        elif kind == Report.Kind.MUNICIPALITY and not self.access.can_request_report(membership):
            self.add_error(
                "membership", _("Für diese Kommune dürfen Sie keinen Bericht anfordern.")
            )
        if kind == Report.Kind.ANNUAL:
            data["membership"] = None
        return data

    def period(self) -> Period:
        year = self.cleaned_data["year"]
        if self.cleaned_data["kind"] == Report.Kind.ANNUAL:
            return Period.year(year)
        today = timezone.localdate()
        end = today if year == today.year else date(year, 12, 31)
        return Period(date(year, 1, 1), end)
