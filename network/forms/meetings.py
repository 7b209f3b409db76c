"""Forms of the meetings area: meetings, agenda, attendance. Minutes, decisions and action
items: network.forms.minutes; documents: network.documents.DocumentForm."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.forms import fields
from network.forms.base import PortalModelForm
from network.models import (
    AgendaItem,
    Attendance,
    Guest,
    Meeting,
    Membership,
    User,
)


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
        fields = ["title", "duration_minutes", "speaker", "presenter", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"presenter": _("Vortragende Person von außerhalb")}
        help_texts = {
            "speaker": _("Wer aus dem Netzwerk vorträgt."),
            "presenter": _("Für Gäste ohne Zugang zum Portal, z. B. „Dr. Weber, Energieagentur“."),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = network_people(network, self.instance.speaker_id)
        self.fields["speaker"].label_from_instance = str


def network_people(network, current=None):
    """The people of a network (every role, observers too), by name; the current choice
    stays selectable when its person has left, so an old item still saves."""
    in_network = Q(roles__network=network)
    if current is not None:
        in_network |= Q(pk=current)
    return User.objects.filter(in_network).distinct().order_by("last_name", "first_name", "email")


def _guest_line(number: int, line: str):
    """(name, organisation, e-mail) of one line of the guest field: „Name, E-Mail“,
    „Name, Organisation, E-Mail“ or „Name <E-Mail>“ (commas or semicolons)."""
    line = line.strip()
    if "<" in line and line.endswith(">"):
        before, _sep, address = line[:-1].rpartition("<")
        parts = [p.strip() for p in before.replace(";", ",").split(",")] + [address.strip()]
    else:
        parts = [p.strip() for p in line.replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    addresses = [p for p in parts if "@" in p]
    names = [p for p in parts if "@" not in p]
    error = None
    if len(addresses) != 1 or not names or len(names) > 2:
        error = _("Zeile %(n)s: Bitte „Name, E-Mail“ oder „Name, Organisation, E-Mail“ angeben.")
    else:
        try:
            validate_email(addresses[0])
        except ValidationError:
            error = _("Zeile %(n)s: „%(address)s“ ist keine gültige E-Mail-Adresse.")
    if error:
        raise ValidationError(
            error, params={"n": number, "address": addresses[0] if addresses else ""}
        )
    name, organisation = (names + [""])[:2]
    if max(len(name), len(organisation)) > 200:
        raise ValidationError(
            _("Zeile %(n)s: Name oder Organisation ist zu lang."), params={"n": number}
        )
    return name, organisation, addresses[0].lower()


class InviteForm(forms.Form):
    """The invitation page: whom to invite (ticked people of the network, guests by mail)
    and the moderator's personal words."""

    recipients = forms.TypedMultipleChoiceField(
        label=_("Empfängerinnen und Empfänger"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guests = fields.TextField(
        label=_("Gäste ohne Zugang zum Portal"),
        required=False,
        max_length=20_000,
        help_text=_(
            "Eine Person je Zeile: „Name, E-Mail“ oder „Name, Organisation, E-Mail“. "
            "Gäste bekommen die Einladung mit dem Kalendereintrag per E-Mail."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = fields.TextField(
        label=_("Persönliche Nachricht"),
        required=False,
        max_length=5000,
        help_text=_("Steht am Anfang der E-Mail, vor Zeit, Ort und Tagesordnung."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(user.pk, str(user)) for user, *_rest in invitees]

    def clean_guests(self):
        text = self.cleaned_data["guests"]
        rows, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(_guest_line(number, line))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return rows

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("recipients") and not cleaned.get("guests"):
            raise ValidationError(_("Bitte wählen Sie mindestens eine Person aus."))
        return cleaned


class ResponseForm(forms.Form):
    """Zusagen or Entschuldigen, with a remark and a substitute if the person likes."""

    status = forms.ChoiceField(
        choices=[
            (Attendance.Status.REGISTERED, _("Zusagen")),
            (Attendance.Status.EXCUSED, _("Entschuldigen")),
        ],
        error_messages={
            "required": _("Bitte wählen Sie „Zusagen“ oder „Entschuldigen“."),
            "invalid_choice": _("Bitte wählen Sie „Zusagen“ oder „Entschuldigen“."),
        },
    )
    comment = fields.CharField(
        label=_("Bemerkung (freiwillig)"),
        required=False,
        max_length=200,
        help_text=_("z. B. „komme später“ oder „nur vormittags“"),
    )
    substitute = fields.CharField(
        label=_("Vertretung (freiwillig)"),
        required=False,
        max_length=200,
        help_text=_("Wer an Ihrer Stelle kommt, z. B. „Frau Schulte, Gebäudemanagement“"),
    )


class GuestForm(PortalModelForm):
    """A guest written down on the attendance page (at the door, no mail)."""

    class Meta:
        model = Guest
        fields = ["name", "organisation", "email"]
        labels = {"email": _("E-Mail (freiwillig)")}


class RowRadios(forms.RadioSelect):
    """The radios of one attendance row; the error list at the top of the page links to the
    row's first radio (Django's RadioSelect gives no id there)."""

    def id_for_label(self, id_, index="0"):
        return forms.widgets.ChoiceWidget.id_for_label(self, id_, index)


class AttendanceForm(forms.Form):
    """One choice per invited person and guest: the moderator records attendance in one
    go. Each row carries the status it was shown with, so only rows the moderator changed
    are written and a row someone else changed meanwhile is refused (AttendanceChanged)."""

    def __init__(self, *args, attendances, meeting, guests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.attendances = list(attendances)
        self.guests = list(guests)
        for attendance in self.attendances:
            label = str(attendance.user)
            if attendance.membership_id:
                label = f"{label} ({attendance.membership.municipality.name})"
            self._add(
                self.field_name(attendance),
                self.loaded_name(attendance),
                label,
                Attendance.Status.choices,
                attendance.status,
            )
        for guest in self.guests:
            self._add(
                self.field_name(guest),
                self.loaded_name(guest),
                str(guest),
                Guest.Status.choices,
                guest.status,
            )

    def _add(self, name, loaded_name, label, choices, status):
        self.fields[name] = forms.ChoiceField(
            label=label, choices=choices, initial=status, widget=RowRadios
        )
        self.fields[loaded_name] = forms.ChoiceField(
            choices=choices, initial=status, required=False, widget=forms.HiddenInput
        )

    @staticmethod
    def field_name(row):
        prefix = "guest" if isinstance(row, Guest) else "attendance"
        return f"{prefix}_{row.pk}"

    @staticmethod
    def loaded_name(row):
        prefix = "guest_loaded" if isinstance(row, Guest) else "loaded"
        return f"{prefix}_{row.pk}"

    def clean(self):
        cleaned = super().clean()
        if self.meeting.starts_at > timezone.now():
            for row in self.attendances + self.guests:
                name = self.field_name(row)
                if cleaned.get(name) == Attendance.Status.ATTENDED:
                    self.add_error(
                        name,
                        _("Teilnahme kann erst ab Beginn des Termins erfasst werden."),
                    )
        return cleaned

    def statuses(self, rows=None) -> dict[int, str]:
        """Row id → chosen status (of the attendances, or of `rows`)."""
        rows = self.attendances if rows is None else rows
        return {r.pk: self.cleaned_data[self.field_name(r)] for r in rows}

    def loaded(self, rows=None) -> dict[int, str]:
        """Row id → status when the form was loaded ("" if the form did not say)."""
        rows = self.attendances if rows is None else rows
        return {r.pk: self.cleaned_data.get(self.loaded_name(r), "") for r in rows}

    def refuse_changed(self, rows) -> None:
        """Someone else changed these rows meanwhile: say so at each, and make the re-shown
        form carry their current status, so saving it again is a deliberate choice."""
        self.data = self.data.copy()
        for row in rows:
            self.data[self.loaded_name(row)] = row.status
            self.add_error(
                self.field_name(row),
                _(
                    "Inzwischen geändert auf „%(status)s“. Bitte prüfen Sie die Auswahl "
                    "und speichern Sie erneut."
                )
                % {"status": row.get_status_display()},
            )

    def rows(self):
        return [(r, self[self.field_name(r)], self[self.loaded_name(r)]) for r in self.attendances]

    def guest_rows(self):
        return [(g, self[self.field_name(g)], self[self.loaded_name(g)]) for g in self.guests]
