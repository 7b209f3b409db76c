"""Forms of the collegial consultation."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.forms import fields
from network.forms.widgets import GroupedCheckboxSelectMultiple
from network.models import Case, Meeting

from . import links, rules


class _LinkValue(str):
    """A choice value that carries its Linkable, so the grouped picker finds the group."""

    instance: links.Linkable


def _link_choices(access, membership):
    result = []
    for source in links.sources().values():
        for item in source.linkable(access, membership):
            value = _LinkValue(item.value)
            value.instance = item
            result.append((value, item.title))
    return result


class CaseForm(VersionedModelForm):
    """Bring or edit a case. The member is chosen when the case is brought (only the
    members the person works for; the moderation may bring one for any member); the links
    offered are those of the network and of that member."""

    membership = fields.ModelChoiceField(
        label=_("Kommune"),
        queryset=None,
        help_text=_("Für welche Kommune bringen Sie den Fall ein?"),
    )
    # Checkboxes (the grouped picker, set in __init__ with the person's choices): a plain
    # <select multiple> would drop every chosen link on a click without Ctrl.
    links = forms.MultipleChoiceField(
        label=_("Bezug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mindestkriterien, Meilensteine, Bauvorhaben oder Leitlinien, um die es geht."),
    )

    class Meta:
        model = Case
        fields = ["membership", "title", "description", "confidentiality", "links"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "confidentiality": forms.RadioSelect,
        }
        help_texts = {
            "confidentiality": _(
                "„Nur Moderation“: den Fall lesen nur die Moderation, Sie selbst und die "
                "Koordination Ihrer Kommune."
            )
        }

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["membership"]
            membership = self.instance.membership
            self.fields["links"].initial = [
                f"{link.source}:{link.object_id}" for link in self.instance.links.all()
            ]
        else:
            members = rules.memberships_to_bring_for(access).order_by("municipality__name")
            self.fields["membership"].queryset = members
            if len(members) == 1:
                self.fields["membership"].initial = members[0].pk
            membership = self._chosen(members)
        self.fields["links"].choices = _link_choices(access, membership)
        self.fields["links"].widget = GroupedCheckboxSelectMultiple(
            group_by=lambda item: item.kind,
            filter_label=_("Bezüge filtern"),
            filter_help=_("Sucht in den Titeln."),
        )
        self.fields["links"].widget.choices = self.fields["links"].choices

    def _chosen(self, members):
        """The member whose projects and milestones are offered: the one posted, else the
        preselected one, else none (then the network's criteria and guidelines only)."""
        wanted = self.data.get(self.add_prefix("membership")) or self.fields["membership"].initial
        return next((m for m in members if str(m.pk) == str(wanted)), None)


class ContributionForm(forms.Form):
    text = fields.TextField(
        label=_("Ihr Beitrag"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConclusionForm(VersionedModelForm):
    class Meta:
        model = Case
        fields = ["conclusion"]
        widgets = {"conclusion": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "conclusion": _(
                "Was nehmen Sie mit? Welche Idee probieren Sie aus? Markdown ist erlaubt."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conclusion"].required = True


class ScheduleForm(forms.Form):
    meeting = fields.ModelChoiceField(
        label=_("Termin"),
        queryset=None,
        empty_label=None,
        help_text=_("Ein geplanter Termin des Netzwerks."),
    )
    duration_minutes = fields.IntegerField(
        label=_("Dauer (Minuten)"), min_value=5, max_value=480, initial=30
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(network=network).upcoming(
            timezone.now()
        )
