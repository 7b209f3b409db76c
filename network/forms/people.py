"""Forms for members, departments, roles and invitations of a network."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from network import access
from network.concurrency import VersionedModelForm
from network.forms import fields
from network.forms.base import PortalModelForm
from network.models import Department, Invitation, Membership, Municipality, Role, User

Kind = Role.Kind


class DepartmentForm(VersionedModelForm):
    """Create or rename a department of one municipality (names are unique per municipality)."""

    class Meta:
        model = Department
        fields = ["name", "email"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Department.objects.filter(municipality=self.municipality, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Diesen Fachbereich gibt es in der Kommune schon."))
        return name


class RoleDepartmentForm(VersionedModelForm):
    """Which department a staff member works in (or none). Versioned: two coordinators
    assigning the same person at once must not silently overwrite each other."""

    class Meta:
        model = Role
        fields = ["department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = Department.objects.filter(
            municipality_id=self.instance.membership.municipality_id
        )
        field.empty_label = _("– kein Fachbereich –")
        field.required = False


class MembershipForm(VersionedModelForm):
    """Dates of a membership; a date in `left_on` marks the member as left."""

    class Meta:
        model = Membership
        fields = ["joined_on", "left_on"]
        help_texts = {
            "left_on": _(
                "Nach dem Austritt bleiben die Daten lesbar, können aber nicht mehr "
                "bearbeitet werden."
            )
        }

    def clean(self):
        cleaned = super().clean()
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("Der Austritt kann nicht vor dem Beitritt liegen."))
        return cleaned


class MemberAddForm(PortalModelForm):
    """Add a municipality to the network: an existing one, or a new one described here.

    Offered are only the municipalities the moderator already works with
    (`access.municipalities_to_offer`). A "new" one whose key (AGS) is already in the
    portal is that municipality: `cleaned_data["existing"]` then holds it, and the view
    decides with `access.joins_directly` whether it joins now or after its coordinators'
    consent.
    """

    existing = fields.ModelChoiceField(
        label=_("Vorhandene Kommune"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("– neue Kommune anlegen –"),
        help_text=_(
            "Zur Auswahl stehen die Kommunen der Netzwerke, die Sie moderieren. Für eine "
            "andere Kommune das Feld leer lassen und die Felder unten ausfüllen; ist sie "
            "schon Mitglied eines anderen Netzwerks, fragen wir ihre Koordination um "
            "Zustimmung."
        ),
    )
    joined_on = fields.DateField(label=_("Beigetreten am"))

    class Meta:
        model = Municipality
        fields = ["name", "slug", "kind", "ags", "population", "parent"]

    NEW_FIELDS = ("name", "slug", "kind", "ags")

    def __init__(self, *args, network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["existing"].queryset = access.municipalities_to_offer(user, network).order_by(
            "name"
        )
        self.known = None  # the municipality a "new" one's key belongs to
        self.fields["parent"].queryset = Municipality.objects.filter(
            kind=Municipality.Kind.KREIS
        ).order_by("name")
        for name in self.NEW_FIELDS:
            self.fields[name].required = False
        self.order_fields(["existing", "joined_on"])

    def _post_clean(self):
        # A chosen or known municipality needs no validation of the new fields.
        if self.cleaned_data.get("existing") or self.known:
            return
        super()._post_clean()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing"):
            return cleaned
        if cleaned.get("ags"):
            self.known = Municipality.objects.filter(ags=cleaned["ags"]).first()
        if self.known:
            if self.known.memberships.filter(network=self.network).exists():
                self.add_error("ags", _("Diese Kommune ist schon Mitglied im Netzwerk."))
            else:
                cleaned["existing"] = self.known  # the municipality with this key, not a copy
            return cleaned
        for name in self.NEW_FIELDS:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Bitte ausfüllen, wenn Sie eine neue Kommune anlegen."))
        return cleaned


class InvitationForm(PortalModelForm):
    """Invite a person to the network.

    The moderator may offer any role; a coordinator only staff of the municipalities they
    coordinate. `memberships` is the set the inviting person may choose from.
    """

    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "kind", "membership", "department"]

    def __init__(self, *args, network, memberships, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0].value
        membership_field = self.fields["membership"]
        membership_field.queryset = memberships
        membership_field.empty_label = _("– keine (Rolle für das ganze Netzwerk) –")
        membership_field.label_from_instance = lambda m: m.municipality.name
        membership_field.help_text = _("Nur für Koordination und Mitarbeit.")
        department_field = self.fields["department"]
        department_field.queryset = Department.objects.filter(
            municipality__memberships__in=memberships
        ).select_related("municipality")
        department_field.label_from_instance = lambda d: f"{d.municipality.name}: {d.name}"
        department_field.empty_label = _("– kein Fachbereich –")
        department_field.help_text = _("Optional, nur für Mitarbeit.")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        kind, membership = cleaned.get("kind"), cleaned.get("membership")
        department, email = cleaned.get("department"), cleaned.get("email")
        if kind in Role.MEMBER_KINDS and not membership:
            self.add_error("membership", _("Bitte die Kommune angeben."))
        if kind and kind not in Role.MEMBER_KINDS and membership:
            self.add_error(
                "membership", _("Diese Rolle gilt für das ganze Netzwerk, nicht für eine Kommune.")
            )
        if department and (
            kind != Kind.STAFF
            or not membership
            or department.municipality_id != membership.municipality_id
        ):
            self.add_error(
                "department",
                _("Ein Fachbereich passt nur zur Mitarbeit in der Kommune dieses Fachbereichs."),
            )
        if email and kind and not self.errors:
            role_exists = Role.objects.filter(
                user__email__iexact=email, network=self.network, kind=kind, membership=membership
            ).exists()
            if role_exists:
                self.add_error("email", _("Diese Person hat diese Rolle bereits."))
            elif (
                Invitation.objects.open()
                .filter(network=self.network, email__iexact=email, kind=kind, membership=membership)
                .exists()
            ):
                self.add_error(
                    "email",
                    _(
                        "Für diese Person und Rolle gibt es schon eine offene Einladung. "
                        "Ziehen Sie sie zurück, um neu einzuladen."
                    ),
                )
        return cleaned


def existing_user(email: str):
    return User.objects.filter(email__iexact=email).first()
