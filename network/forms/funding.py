"""The form of the funding register (network.models.funding)."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.models import FundingProgramme

Kind = FundingProgramme.Kind


class FundingProgrammeForm(VersionedModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Was gefördert wird"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte angeben, was das Programm fördert.")},
    )
    # Only web links: a `javascript:` or `file:` link would run or open something else in
    # the browser of whoever clicks it; ftp is no page to read a programme on.
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("Bitte einen Link angeben, der mit http:// oder https:// beginnt."),
            )
        ],
        error_messages={
            "invalid": _("Bitte einen Link angeben, der mit http:// oder https:// beginnt.")
        },
    )

    class Meta:
        model = FundingProgramme
        fields = [
            "name",
            "provider",
            "url",
            "kinds",
            "building_type",
            "conditions",
            "grant_rate_pct",
            "grant_amount_eur",
            "valid_from",
            "valid_to",
            "last_checked",
            "example_data",
        ]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked on the form with a message that names the bounds; the model's own
        # validators (for other writers) stay as they are.
        rate = _("Die Förderquote liegt zwischen 0 und 100 Prozent.")
        self.fields["grant_rate_pct"].validators += [
            MinValueValidator(0, message=rate),
            MaxValueValidator(100, message=rate),
        ]
        self.fields["grant_amount_eur"].validators.append(
            MinValueValidator(0, message=_("Der Förderbetrag kann nicht negativ sein."))
        )

    def clean_kinds(self):
        chosen = set(self.cleaned_data["kinds"])
        return [kind for kind in Kind.values if kind in chosen]
