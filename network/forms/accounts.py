from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-Mail-Adresse oder Passwort sind falsch. Bitte achten Sie auf Groß- und "
            "Kleinschreibung beim Passwort."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }
