from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.forms import fields
from network.models import ApiToken


class ApiTokenForm(forms.Form):
    """A new access token: what it is for and until when it holds (at most a year)."""

    name = fields.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür der Schlüssel ist, z. B. „Ratsinformationssystem“."),
    )
    expires_on = fields.DateField(
        label=_("Gültig bis"), help_text=_("Höchstens ein Jahr ab heute.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"expires_on": timezone.localdate() + timedelta(days=90)})
        super().__init__(*args, **kwargs)

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on < today:
            raise forms.ValidationError(_("Das Datum liegt in der Vergangenheit."))
        latest = ApiToken.latest_expiry(today)
        if expires_on > latest:
            raise forms.ValidationError(
                _("Ein Zugangsschlüssel gilt höchstens ein Jahr, also bis zum %(latest)s."),
                params={"latest": latest.strftime("%d.%m.%Y")},
            )
        return expires_on
