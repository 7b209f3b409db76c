"""Forms of what a meeting produces: its minutes, its decisions (with the vote) and the
action items that come out of them."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.forms import fields
from network.models import ActionItem, Decision, Meeting, Membership, Role, User


def action_item_owners(network, current=None, membership=None):
    """Who may own an action item: the people of the network who may update it, i.e. the
    moderation, experts, and coordinators and staff of members that have not left
    (observers only read). With a `membership`, only its own people beside moderation and
    experts: whoever owns a municipality's task works for it. The current owner stays
    selectable, so an old item still shows them (ActionItemForm.clean decides)."""
    Kind = Role.Kind
    members = Membership.objects.active()
    if membership is not None:
        members = members.filter(pk=getattr(membership, "pk", membership))
    may_write = Q(roles__network=network, roles__kind__in=[Kind.MODERATOR, Kind.EXPERT]) | Q(
        roles__network=network,
        roles__kind__in=Role.MEMBER_KINDS,
        roles__membership__in=members,
    )
    if current is not None:
        may_write |= Q(pk=current)
    return User.objects.filter(may_write).distinct().order_by("last_name", "email")


class MinutesForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 16})}


def _vote_field(label, help_text=""):
    return fields.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=100_000,
        error_messages={
            "invalid": _("Bitte geben Sie die Stimmen als ganze Zahl an."),
            "min_value": _("Die Zahl der Stimmen kann nicht negativ sein."),
            "max_value": _("Bitte prüfen Sie die Zahl: höchstens 100.000 Stimmen."),
        },
    )


class DecisionForm(VersionedModelForm):
    """The decision's text and, when votes were counted, the result. A result is all three
    numbers or none: a box left empty next to a filled one counts as 0, so „5 Ja“ alone is
    read as 5 : 0 : 0, which is what a minute-taker means by it."""

    votes_yes = _vote_field(_("Ja-Stimmen"), _("Leer lassen, wenn nicht abgestimmt wurde."))
    votes_no = _vote_field(_("Nein-Stimmen"))
    votes_abstained = _vote_field(_("Enthaltungen"))

    VOTES = ("votes_yes", "votes_no", "votes_abstained")

    class Meta:
        model = Decision
        fields = ["text", "votes_yes", "votes_no", "votes_abstained"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        votes = [cleaned.get(name) for name in self.VOTES]
        if any(self.has_error(name) for name in self.VOTES):
            return cleaned
        if any(v is not None for v in votes):
            for name in self.VOTES:
                cleaned[name] = cleaned.get(name) or 0
            if not any(cleaned[name] for name in self.VOTES):
                self.add_error(
                    "votes_yes",
                    _(
                        "Mindestens eine Stimme muss gezählt sein – oder lassen Sie alle "
                        "drei Felder leer, wenn nicht abgestimmt wurde."
                    ),
                )
        return cleaned


class ActionItemForm(VersionedModelForm):
    """The whole action item. Its owner must work for the item's municipality or be of
    the moderation or an expert; the owner choices follow the municipality chosen (the
    page refreshes them with htmx, or with a button without JavaScript)."""

    class Meta:
        model = ActionItem
        fields = ["title", "membership", "owner", "due_on", "status"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["membership"].queryset = (
            Membership.objects.filter(network=network)
            .select_related("municipality")
            .order_by("municipality__name")
        )
        self.fields["membership"].label_from_instance = lambda m: m.municipality.name
        refresh = reverse("network:action_item_owner_choices", args=[network.slug])
        if self.instance.pk:
            refresh += f"?item={self.instance.pk}"
        # htmx swaps in the owners of the municipality chosen; without JavaScript the
        # button „Verantwortliche aktualisieren“ (action_item_form.html) does the same.
        self.fields["membership"].widget.attrs.update(
            {
                "hx-get": refresh,
                "hx-trigger": "change",
                "hx-target": "#div_id_owner",
                "hx-swap": "outerHTML",
                "hx-include": "[name='owner']",
                "aria-controls": "id_owner",
            }
        )
        self.fields["owner"].label_from_instance = lambda u: str(u)
        owner = self.fields["owner"]
        owner.queryset = action_item_owners(
            network, self.instance.owner_id, self.chosen_membership()
        )
        owner.error_messages["invalid_choice"] = _(
            "Diese Person kann die Aufgabe nicht übernehmen. Verantwortlich für eine Aufgabe "
            "einer Kommune sind ihre Koordination und Mitarbeitende oder Moderation und "
            "Expertinnen/Experten."
        )

    def chosen_membership(self):
        """The municipality the form is about: posted, else initial, else the item's."""
        name = self.add_prefix("membership")
        if self.is_bound:
            value = self.data.get(name)
        else:
            value = self.initial.get("membership", self.instance.membership_id)
        value = getattr(value, "pk", value)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        cleaned = super().clean()
        owner, membership = cleaned.get("owner"), cleaned.get("membership")
        if owner is None or membership is None:
            return cleaned
        unchanged = (
            self.instance.pk
            and owner.pk == self.instance.owner_id
            and membership.pk == self.instance.membership_id
        )
        allowed = action_item_owners(self.network, membership=membership).filter(pk=owner.pk)
        # An old item whose owner has since left may still be saved as it was.
        if not unchanged and not allowed.exists():
            self.add_error(
                "owner",
                _(
                    "%(person)s arbeitet nicht für %(municipality)s. Verantwortlich für eine "
                    "Aufgabe der Kommune sind ihre Koordination und Mitarbeitende oder "
                    "Moderation und Expertinnen/Experten."
                )
                % {"person": owner, "municipality": membership.municipality.name},
            )
        return cleaned


class ActionItemStatusForm(VersionedModelForm):
    """What the owner of an action item may change: its status, nothing else. Other fields
    in the POST are not fields of this form, so they are ignored."""

    class Meta:
        model = ActionItem
        fields = ["status"]
