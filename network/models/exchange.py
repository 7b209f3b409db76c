"""Intervision (kollegiale Fallberatung): a member brings a case from its city hall, the
network consults on it in phases, and the case owner draws a conclusion.

Who reads and steers a case is decided in network/exchange/rules.py; the writes that span
several rows are in network/exchange/services.py.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.querysets import WatchedManager, WatchedQuerySet

from .people import Membership, Network


class Phase(models.TextChoices):
    """The phases of a collegial consultation, in their order; DONE after the last."""

    PRESENTATION = "presentation", _("Fallvorstellung")
    QUESTIONS = "questions", _("Verständnisfragen")
    IDEAS = "ideas", _("Ideen und Erfahrungen")
    CONCLUSION = "conclusion", _("Fazit der Fallgeberin/des Fallgebers")
    DONE = "done", _("abgeschlossen")


PHASE_ORDER = [Phase.PRESENTATION, Phase.QUESTIONS, Phase.IDEAS, Phase.CONCLUSION, Phase.DONE]
# The phases in which the others contribute (a question, an idea).
CONTRIBUTION_PHASES = (Phase.QUESTIONS, Phase.IDEAS)


def next_phase(phase) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


class CaseQuerySet(WatchedQuerySet):
    def open(self):
        return self.exclude(phase=Phase.DONE)

    def done(self):
        return self.filter(phase=Phase.DONE)


class Case(VersionedModel):
    class Confidentiality(models.TextChoices):
        NETWORK = "network", _("vertraulich im Netzwerk")
        MODERATION = "moderation", _("nur Moderation und Fallgeberin/Fallgeber")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="cases", verbose_name=_("Netzwerk")
    )
    # The municipality the case comes from; the owner brought it for this member.
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="cases", verbose_name=_("Kommune")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="cases",
        verbose_name=_("Fallgeberin/Fallgeber"),
    )
    title = models.CharField(_("Fall"), max_length=200)
    description = models.TextField(
        _("Fallvorstellung (Markdown)"),
        help_text=_("Worum geht es, was wurde schon versucht, was ist die Frage an die Runde?"),
    )
    confidentiality = models.CharField(
        _("Vertraulichkeit"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.NETWORK,
    )
    phase = models.CharField(
        _("Phase"), max_length=14, choices=Phase.choices, default=Phase.PRESENTATION
    )
    phase_open = models.BooleanField(_("Phase offen"), default=True)
    conclusion = models.TextField(_("Fazit (Markdown)"), blank=True)
    created_at = models.DateTimeField(_("Eingebracht am"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Only the last phase is never open: a done case is closed for good.
            models.CheckConstraint(
                condition=~Q(phase="done", phase_open=True), name="case_done_is_closed"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.phase == Phase.DONE

    @property
    def accepts_contributions(self) -> bool:
        return self.phase_open and self.phase in CONTRIBUTION_PHASES

    @property
    def next_phase(self) -> str | None:
        return next_phase(self.phase)

    def close_phase(self, phase) -> bool:
        """Close `phase` if it is the current, open one. Closing the conclusion ends the
        case. Returns whether this call closed it: of two people clicking at once, one
        closes it and the other is told it is closed already."""
        changes = {"phase_open": False}
        if phase == Phase.CONCLUSION:
            changes.update(phase=Phase.DONE, closed_at=timezone.now())
        return self._step(phase=phase, phase_open=True, changes=changes)

    def open_phase(self, phase) -> bool:
        """Open `phase` if it follows the current, closed one (phases are not skipped)."""
        if phase not in PHASE_ORDER[1:-1]:
            return False
        before = PHASE_ORDER[PHASE_ORDER.index(phase) - 1]
        return self._step(
            phase=before, phase_open=False, changes={"phase": phase, "phase_open": True}
        )

    def _step(self, *, phase, phase_open, changes) -> bool:
        """Apply `changes` if the case is (still) in `phase` with `phase_open`, on the
        locked current row; a save, not an update, so the history records the step. The
        version grows, so an edit form opened before the step notices it."""
        with transaction.atomic():
            current = Case.objects.select_for_update().get(pk=self.pk)
            allowed = current.phase == phase and current.phase_open == phase_open
            if allowed:
                for name, value in changes.items():
                    setattr(current, name, value)
                current.version += 1
                current.save(update_fields=[*changes, "version"])
        self.refresh_from_db()
        return allowed


class Contribution(models.Model):
    """A question (question phase) or an idea or experience (ideas phase) of a member of
    the network. `by_expert` is kept as it was when written, so a later change of roles
    does not rewrite who spoke as an expert."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("Fall")
    )
    phase = models.CharField(
        _("Phase"),
        max_length=14,
        choices=[(p.value, p.label) for p in CONTRIBUTION_PHASES],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="case_contributions",
        verbose_name=_("Von"),
    )
    # The member the author spoke for (none for moderators and experts).
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    by_expert = models.BooleanField(_("Expertin/Experte"), default=False)
    text = models.TextField(_("Beitrag"))
    created_at = models.DateTimeField(_("Geschrieben am"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = WatchedManager()

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class CaseLink(models.Model):
    """A link of a case to an object of a topic app (a criterion, a milestone, a project, a
    guideline), stored without importing the app: the source's key and the object's id.
    The sources (hook `case_link_sources`, network/exchange/links.py) list and resolve
    them; a link whose object is gone or no longer visible is simply not shown."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links", verbose_name=_("Fall")
    )
    source = models.CharField(_("Art"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("Objekt"))
    history = HistoricalRecords()

    objects = WatchedManager()

    class Meta:
        verbose_name = _("Verknüpfung eines Falls")
        verbose_name_plural = _("Verknüpfungen von Fällen")
        constraints = [
            models.UniqueConstraint(fields=["case", "source", "object_id"], name="case_link_unique")
        ]

    def __str__(self):
        return f"{self.source}:{self.object_id}"
