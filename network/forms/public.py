"""Forms of the public side: the moderator's settings of the public page, a member's
releases."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.concurrency import VersionedModelForm
from network.models import Report
from network.models.public import Publication


class PublicationForm(VersionedModelForm):
    class Meta:
        model = Publication
        fields = ["is_public", "licence", "annual_report"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this network's done annual reports: a report of another network is an
        # invalid choice, not a leak.
        field = self.fields["annual_report"]
        field.queryset = Report.objects.filter(
            network=self.instance.network,
            kind=Report.Kind.ANNUAL,
            status=Report.Status.DONE,
        ).order_by("-period_end", "-pk")
        field.label_from_instance = lambda r: (
            _("Erfolgsbilanz %(period)s (Nr. %(ref)s)")
            % {
                "period": f"{r.period_start:%d.%m.%Y} – {r.period_end:%d.%m.%Y}",
                "ref": r.reference,
            }
        )
        field.empty_label = _("keine veröffentlichen")
        field.help_text = _("Erscheint auf der öffentlichen Seite als HTML-Fassung und PDF.")


class ReleaseForm(forms.Form):
    """Which of its public sections a member shows; unticked ones are withdrawn."""

    sections = forms.MultipleChoiceField(
        label=_("Freigegebene Abschnitte"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(s.key, f"{s.title}: {s.description}") for s in sections]
