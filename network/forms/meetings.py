"""Forms of the meetings area: meetings, agenda, attendance, minutes, decisions, action
items. The upload form of documents is network.documents.DocumentForm."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.forms import fields
from network.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Role,
    User,
)


def action_item_owners(network, current=None):
    """Who may own an action item: the people of the network who may update it, i.e. the
    moderation, experts, and coordinators and staff of members that have not left
    (observers only read). The current owner stays selectable, so an old item still saves."""
    Kind = Role.Kind
    may_write = Q(roles__network=network, roles__kind__in=[Kind.MODERATOR, Kind.EXPERT]) | Q(
        roles__network=network,
        roles__kind__in=Role.MEMBER_KINDS,
        roles__membership__in=Membership.objects.active(),
    )
    if current is not None:
        may_write |= Q(pk=current)
    return User.objects.filter(may_write).distinct().order_by("last_name", "email")


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle Arten")), *Meeting.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("jeder Status")), *Meeting.Status.choices],
    )


class MeetingForm(VersionedModelForm):
    online_url = forms.URLField(
        label=_("Link zur Videokonferenz"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "participants",
            "description",
            "status",
        ]
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(network=network)
        if self.instance.pk:
            # A member that left stays selectable in a meeting it took part in: editing an
            # old workshop must neither fail on it nor drop it.
            members = members.filter(
                Q(pk__in=Membership.objects.active().values("pk")) | Q(meetings=self.instance)
            ).distinct()
        else:
            members = members.active()
        self.fields["participants"].queryset = members.select_related("municipality").order_by(
            "municipality__name"
        )
        # Cancelling is its own action (a button with a confirmation), not a form value.
        status = self.fields["status"]
        status.choices = [c for c in status.choices if c[0] != Meeting.Status.CANCELLED]
        if not self.instance.pk:
            del self.fields["status"]
        if self.instance.pk and self.instance.status == Meeting.Status.CANCELLED:
            status.choices = Meeting.Status.choices


class MinutesForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 16})}


class AgendaItemForm(VersionedModelForm):
    duration_minutes = fields.IntegerField(
        label=_("Dauer (Minuten)"),
        min_value=1,
        max_value=24 * 60,
        initial=15,
        error_messages={
            "invalid": _("Bitte geben Sie die Dauer als ganze Zahl von Minuten an."),
            "min_value": _("Die Dauer muss mindestens eine Minute betragen."),
            "max_value": _("Ein Tagesordnungspunkt dauert höchstens 24 Stunden (1440 Minuten)."),
        },
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "duration_minutes", "presenter", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AttendanceForm(forms.Form):
    """One select per invited person: the moderator records attendance in one go."""

    def __init__(self, *args, attendances, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attendances = list(attendances)
        for attendance in self.attendances:
            label = str(attendance.user)
            if attendance.membership_id:
                label = f"{label} ({attendance.membership.municipality.name})"
            self.fields[self.field_name(attendance)] = forms.ChoiceField(
                label=label, choices=Attendance.Status.choices, initial=attendance.status
            )
            # The status as shown: only rows the moderator changed are written.
            self.fields[self.loaded_name(attendance)] = forms.ChoiceField(
                choices=Attendance.Status.choices,
                initial=attendance.status,
                required=False,
                widget=forms.HiddenInput,
            )

    @staticmethod
    def field_name(attendance):
        return f"attendance_{attendance.pk}"

    @staticmethod
    def loaded_name(attendance):
        return f"loaded_{attendance.pk}"

    def clean(self):
        cleaned = super().clean()
        if self.meeting.starts_at > timezone.now():
            for attendance in self.attendances:
                name = self.field_name(attendance)
                if cleaned.get(name) == Attendance.Status.ATTENDED:
                    self.add_error(
                        name,
                        _("Teilnahme kann erst ab Beginn des Termins erfasst werden."),
                    )
        return cleaned

    def statuses(self) -> dict[int, str]:
        """Attendance id → chosen status."""
        return {a.pk: self.cleaned_data[self.field_name(a)] for a in self.attendances}

    def loaded(self) -> dict[int, str]:
        """Attendance id → status when the form was loaded ("" if the form did not say)."""
        return {a.pk: self.cleaned_data.get(self.loaded_name(a), "") for a in self.attendances}

    def refuse_changed(self, rows) -> None:
        """Someone else changed these rows meanwhile: say so at each, and make the re-shown
        form carry their current status, so saving it again is a deliberate choice."""
        by_pk = {row.pk: row for row in rows}
        self.data = self.data.copy()
        for attendance in self.attendances:
            row = by_pk.get(attendance.pk)
            if row is None:
                continue
            self.data[self.loaded_name(attendance)] = row.status
            self.add_error(
                self.field_name(attendance),
                _(
                    "Inzwischen geändert auf „%(status)s“. Bitte prüfen Sie die Auswahl "
                    "und speichern Sie erneut."
                )
                % {"status": row.get_status_display()},
            )

    def rows(self):
        return [(a, self[self.field_name(a)], self[self.loaded_name(a)]) for a in self.attendances]


class DecisionForm(VersionedModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ActionItemForm(VersionedModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "membership", "due_on", "status"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_item_owners(network, self.instance.owner_id)
        self.fields["membership"].queryset = (
            Membership.objects.filter(network=network)
            .select_related("municipality")
            .order_by("municipality__name")
        )
        self.fields["membership"].label_from_instance = lambda m: m.municipality.name
        self.fields["owner"].label_from_instance = lambda u: str(u)


class ActionItemStatusForm(VersionedModelForm):
    """What the owner of an action item may change: its status, nothing else. Other fields
    in the POST are not fields of this form, so they are ignored."""

    class Meta:
        model = ActionItem
        fields = ["status"]
