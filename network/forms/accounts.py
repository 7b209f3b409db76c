from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from network.forms import fields
from network.forms.base import PortalModelForm
from network.models import User


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


class ProfileForm(PortalModelForm):
    """Name and e-mail address of the logged-in person.

    The address is the login and where password resets go. A new one therefore asks for the
    current password (an unattended open session is not enough) and takes effect only once
    the link mailed to it is opened (network.services.accounts.email_change_request). The
    form checks nothing but the format and the password, never whether an address is taken:
    its answer must not tell who has an account.
    """

    # Not a model field of the form: saving the form must never write the address.
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Eine neue Adresse gilt erst, wenn Sie den Link öffnen, den wir an sie schicken. "
            "Bis dahin melden Sie sich mit der bisherigen Adresse an."
        ),
    )
    current_password = forms.CharField(
        label=_("Aktuelles Passwort"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Nur nötig, wenn Sie Ihre E-Mail-Adresse ändern."),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        changed = email and email != self.instance.email.lower()
        if changed and not self.instance.check_password(cleaned.get("current_password") or ""):
            self.add_error(
                "current_password",
                _("Zum Ändern der E-Mail-Adresse bitte Ihr aktuelles Passwort eingeben."),
            )
        return cleaned


class InvitationAcceptForm(forms.Form):
    """A new account from an invitation: name and a password that passes the validators."""

    first_name = fields.CharField(label=_("Vorname"), max_length=150)
    last_name = fields.CharField(label=_("Nachname"), max_length=150)
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif password1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
