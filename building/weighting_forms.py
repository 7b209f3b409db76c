"""Forms of the weighting workshop (building.weighting)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.forms import fields
from network.models import Decision, Meeting

from .weighting import POINTS, decisions_for


class VoteOpenForm(forms.Form):
    title = fields.CharField(label=_("Titel"), max_length=200)
    meeting = fields.ModelChoiceField(
        label=_("Workshop"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Der Termin, in dem die Kommunen abstimmen (freiwillig)."),
    )
    with_thresholds = forms.BooleanField(
        label=_("Auch über die Schwellen der Bewertungsstufen abstimmen"),
        required=False,
        help_text=_(
            "Jede Kommune kann dann je Stufe einen Mindest-Gesamterfüllungsgrad vorschlagen."
        ),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(network=board.network).exclude(
            status=Meeting.Status.CANCELLED
        )
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{timezone.localtime(m.starts_at):%d.%m.%Y} – {m.title}"
        )
        if not board.levels.exists():
            del self.fields["with_thresholds"]


def group_field(group_pk: int) -> str:
    return f"group_{group_pk}"


def level_field(level_pk: int) -> str:
    return f"level_{level_pk}"


class BallotForm(forms.Form):
    """One member's ballot: whole points (0–100, typed as people type them) per group,
    summing to 100, and, if the vote asks for it, a proposed minimum total per level."""

    loaded_version = fields.VersionField()

    def __init__(self, *args, groups, levels=(), ballot=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if ballot is not None:
            initial["loaded_version"] = ballot.version
            initial.update({group_field(p.group_id): p.points for p in ballot.points.all()})
            initial.update(
                {level_field(t.level_id): t.min_total_pct for t in ballot.thresholds.all()}
            )
        super().__init__(*args, initial=initial, **kwargs)
        self.groups = list(groups)
        self.levels = list(levels)
        for group in self.groups:
            self.fields[group_field(group.pk)] = fields.IntegerField(
                label=f"{group} ({_('Punkte')})",
                min_value=0,
                max_value=POINTS,
                error_messages={
                    "invalid": _("Bitte eine ganze Zahl von 0 bis 100 eingeben."),
                    "min_value": _("Bitte eine ganze Zahl von 0 bis 100 eingeben."),
                    "max_value": _("Bitte eine ganze Zahl von 0 bis 100 eingeben."),
                    "required": _("Bitte Punkte angeben (0, wenn die Gruppe keine erhält)."),
                },
            )
        for level in self.levels:
            self.fields[level_field(level.pk)] = fields.DecimalField(
                label=f"{level}: {_('Mindest-Gesamterfüllungsgrad (%)')}",
                unit="%",
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                help_text=_("Freiwillig: Ihr Vorschlag für die Schwelle dieser Stufe."),
            )

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(group_field(g.pk)) for g in self.groups]
        if all(v is not None for v in values) and sum(values) != POINTS:
            self.add_error(
                None,
                _(
                    "Die Punkte ergeben zusammen %(sum)s statt 100. Bitte verteilen Sie genau "
                    "100 Punkte."
                )
                % {"sum": sum(values)},
            )
        return cleaned

    def points(self) -> dict[int, int]:
        return {g.pk: self.cleaned_data[group_field(g.pk)] for g in self.groups}

    def thresholds(self) -> dict:
        return {lv.pk: self.cleaned_data.get(level_field(lv.pk)) for lv in self.levels}


class VoteApplyForm(forms.Form):
    decision = fields.ModelChoiceField(
        label=_("Beschluss"),
        queryset=Decision.objects.none(),
        help_text=_("Der Beschluss eines Termins, der das Ergebnis übernimmt."),
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions_for(network)
        self.fields["decision"].label_from_instance = lambda d: (
            f"{timezone.localtime(d.meeting.starts_at):%d.%m.%Y} {d.meeting.title}: {d.text[:120]}"
        )
