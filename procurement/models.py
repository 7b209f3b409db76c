"""Criteria catalogue, adoption by members, department approvals, tenders and roadmaps."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.models import ActionItem, Department, Membership, Network
from network.querysets import WatchedManager, WatchedQuerySet


class ProductGroup(VersionedModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="product_groups", verbose_name=_("Netzwerk")
    )
    name = models.CharField(_("Name"), max_length=200)
    cpv_codes = models.JSONField(
        _("CPV-Codes"), default=list, blank=True, help_text=_("Achtstellige CPV-Codes.")
    )
    gpp_document = models.CharField(
        _("EU-GPP-Dokument"),
        max_length=200,
        blank=True,
        help_text=_("Name des EU-GPP-Kriteriendokuments, dessen Kriterien hierher gehören."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Warengruppe")
        verbose_name_plural = _("Warengruppen")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="productgroup_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def cpv_display(self) -> str:
        return ", ".join(self.cpv_codes or [])


class Stage(models.TextChoices):
    SELECTION = "selection", _("Eignungskriterium")
    SPECIFICATION = "specification", _("Technische Spezifikation")
    AWARD = "award", _("Zuschlagskriterium")
    CLAUSE = "clause", _("Ausführungsbedingung")


class Level(models.TextChoices):
    CORE = "core", _("Kernkriterium")
    COMPREHENSIVE = "comprehensive", _("Umfassendes Kriterium")


class Impact(models.TextChoices):
    """eForms BT-774 (green procurement: environmental impact)."""

    BIODIV = "biodiv-eco", _("Biologische Vielfalt und Ökosysteme")
    CIRCULAR = "cir-econ", _("Kreislaufwirtschaft")
    ADAPTATION = "clim-adapt", _("Anpassung an den Klimawandel")
    MITIGATION = "clim-mitig", _("Klimaschutz")
    POLLUTION = "pollu-prev", _("Vermeidung von Umweltverschmutzung")
    WATER = "water-mar", _("Wasser- und Meeresressourcen")
    OTHER = "other", _("Sonstige")


class CriterionQuerySet(WatchedQuerySet):
    def current(self):
        return self.filter(is_current=True)

    def agreed(self):
        return self.filter(status=Criterion.Status.AGREED)

    def released(self):
        """The revision of each criterion that is in force for the members: the current
        one unless it is a draft; while a new revision is being drafted, the last revision
        that was released (agreed or retired), whose wording still holds until the new one
        is released. Drafts themselves are the moderation's working set."""
        newer_release = Criterion.objects.filter(
            family=OuterRef("family"), revision__gt=OuterRef("revision")
        ).exclude(status=Criterion.Status.DRAFT)
        return self.exclude(status=Criterion.Status.DRAFT).exclude(Exists(newer_release))


class Criterion(VersionedModel):
    """A (minimum) criterion of a network's catalogue.

    Criteria are versioned in the domain sense: all revisions share `family`; only one is
    `is_current`. Changing an agreed criterion creates a new revision, so adoptions keep
    pointing at the exact wording their departments agreed to. (`version` from
    VersionedModel is the optimistic-locking counter, not this.)
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        AGREED = "agreed", _("abgestimmt")
        RETIRED = "retired", _("zurückgezogen")

    class Source(models.TextChoices):
        EU_GPP = "eu_gpp", _("EU GPP")
        OWN = "own", _("Eigenes Kriterium")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("Netzwerk")
    )
    product_group = models.ForeignKey(
        ProductGroup,
        on_delete=models.PROTECT,
        related_name="criteria",
        verbose_name=_("Warengruppe"),
    )
    family = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    revision = models.PositiveIntegerField(_("Fassung"), default=1, editable=False)
    is_current = models.BooleanField(_("aktuelle Fassung"), default=True, editable=False)
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    stage = models.CharField(_("Vergabestufe"), max_length=20, choices=Stage.choices)
    level = models.CharField(_("Anspruchsniveau"), max_length=20, choices=Level.choices)
    impact = models.CharField(
        _("Umweltwirkung"), max_length=20, choices=Impact.choices, default=Impact.OTHER
    )
    verification = models.TextField(
        _("Nachweis"), blank=True, help_text=_("z. B. Blauer Engel, EU Ecolabel, TCO Certified")
    )
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=200, blank=True)
    source = models.CharField(
        _("Quelle"), max_length=10, choices=Source.choices, default=Source.OWN
    )
    gpp_document = models.CharField(_("EU-GPP-Dokument"), max_length=200, blank=True)
    gpp_category = models.CharField(_("EU-GPP-Bereich"), max_length=200, blank=True)
    gpp_id = models.CharField(_("EU-GPP-Kennung"), max_length=30, blank=True)
    cpv_codes = models.JSONField(_("CPV-Codes"), default=list, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kriterium")
        verbose_name_plural = _("Kriterien")
        ordering = ["product_group__position", "product_group__name", "stage", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "revision"], name="criterion_unique_revision"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(is_current=True),
                name="criterion_one_current_revision",
            ),
        ]
        indexes = [models.Index(fields=["network", "gpp_document", "gpp_id"])]

    def __str__(self):
        return self.title

    @property
    def source_key(self) -> tuple:
        return (self.gpp_document, self.gpp_category, self.level, self.gpp_id)


class AdoptionQuerySet(WatchedQuerySet):
    def reached(self, *statuses):
        return self.filter(status__in=statuses)


class Adoption(VersionedModel):
    """A member takes over one criterion (one revision) and agrees it in its city hall."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        CONSULTATION = "consultation", _("in Abstimmung")
        AGREED = "agreed", _("zugestimmt")
        ADOPTED = "adopted", _("übernommen")
        APPLIED = "applied", _("angewendet")
        DECLINED = "declined", _("abgelehnt")

    # Statuses at or beyond "agreed": the criterion counts as agreed for the member.
    AGREED_OR_LATER = (Status.AGREED, Status.ADOPTED, Status.APPLIED)

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("Kommune")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("Kriterium")
    )
    status = models.CharField(
        _("Status"), max_length=15, choices=Status.choices, default=Status.OPEN
    )
    target_date = models.DateField(_("Zieldatum"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_adoptions",
        verbose_name=_("Federführender Fachbereich"),
    )
    decline_reason = models.TextField(_("Begründung der Ablehnung"), blank=True)
    add_milestone = models.BooleanField(
        _("Bei Zustimmung Meilenstein im Fahrplan anlegen"), default=False
    )
    agreed_on = models.DateField(_("Zugestimmt am"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Übernahme")
        verbose_name_plural = _("Übernahmen")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "criterion"], name="adoption_unique_per_member"
            )
        ]

    def __str__(self):
        return f"{self.criterion} – {self.membership.municipality}"

    def clean(self):
        super().clean()
        if self.status == self.Status.DECLINED and not self.decline_reason.strip():
            raise ValidationError({"decline_reason": _("Bitte begründen Sie die Ablehnung.")})
        if (
            self.department_id
            and self.membership_id
            and self.department.municipality_id != self.membership.municipality_id
        ):
            raise ValidationError(
                {"department": _("Der Fachbereich gehört nicht zu dieser Kommune.")}
            )


class DepartmentApproval(VersionedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("angefragt")
        AGREED = "agreed", _("zugestimmt")
        OBJECTION = "objection", _("Einwand")

    adoption = models.ForeignKey(
        Adoption, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("Übernahme")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="procurement_approvals",
        verbose_name=_("Fachbereich"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    comment = models.TextField(_("Kommentar"), blank=True)
    requested_at = models.DateTimeField(_("Angefragt am"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angefragt von"),
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Entschieden von"),
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Abstimmung mit dem Fachbereich")
        verbose_name_plural = _("Abstimmungen mit den Fachbereichen")
        ordering = ["department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["adoption", "department"], name="approval_unique_per_department"
            )
        ]

    def __str__(self):
        return f"{self.department}: {self.get_status_display()}"


class Tender(VersionedModel):
    class Procedure(models.TextChoices):
        OPEN_NATIONAL = "open_national", _("Öffentliche Ausschreibung (national)")
        RESTRICTED_NATIONAL = "restricted_national", _("Beschränkte Ausschreibung (national)")
        NEGOTIATED_NATIONAL = "negotiated_national", _("Verhandlungsvergabe (national)")
        DIRECT = "direct", _("Direktauftrag")
        OPEN_EU = "open_eu", _("Offenes Verfahren (EU)")
        RESTRICTED_EU = "restricted_eu", _("Nicht offenes Verfahren (EU)")
        NEGOTIATED_EU = "negotiated_eu", _("Verhandlungsverfahren (EU)")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="tenders", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=300)
    reference = models.CharField(_("Vergabenummer"), max_length=100, blank=True)
    product_group = models.ForeignKey(
        ProductGroup,
        on_delete=models.PROTECT,
        related_name="tenders",
        verbose_name=_("Warengruppe"),
    )
    estimated_value = models.DecimalField(
        _("Geschätzter Auftragswert (EUR)"), max_digits=14, decimal_places=2
    )
    procedure = models.CharField(_("Verfahren"), max_length=25, choices=Procedure.choices)
    published_on = models.DateField(_("Veröffentlicht am"))
    applied_criteria = models.ManyToManyField(
        Criterion, blank=True, related_name="tenders", verbose_name=_("Angewendete Kriterien")
    )
    evidence_received = models.BooleanField(_("Nachweise eingegangen"), default=False)
    objects = WatchedManager()
    history = HistoricalRecords(m2m_fields=[applied_criteria])

    class Meta:
        verbose_name = _("Ausschreibung")
        verbose_name_plural = _("Ausschreibungen")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0), name="tender_value_not_negative"
            )
        ]

    def __str__(self):
        return self.title


class Roadmap(VersionedModel):
    """A member's roadmap (Fahrplan); with no membership it is the network's template."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="roadmaps", verbose_name=_("Netzwerk")
    )
    membership = models.OneToOneField(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roadmap",
        verbose_name=_("Kommune"),
    )
    title = models.CharField(_("Titel"), max_length=200, default=_("Fahrplan"))
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fahrplan")
        verbose_name_plural = _("Fahrpläne")
        constraints = [
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(membership__isnull=True),
                name="roadmap_one_template_per_network",
            )
        ]

    def __str__(self):
        return str(self.title)

    @property
    def is_template(self) -> bool:
        return self.membership_id is None


class MilestoneQuerySet(WatchedQuerySet):
    def open(self):
        return self.exclude(status__in=[Milestone.Status.DONE, Milestone.Status.DROPPED])

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Milestone(VersionedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        IN_PROGRESS = "in_progress", _("in Arbeit")
        DONE = "done", _("erledigt")
        DELAYED = "delayed", _("verzögert")
        DROPPED = "dropped", _("entfallen")

    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Fahrplan")
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    due_on = models.DateField(_("Fällig am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("Erledigt am"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("Verantwortlicher Fachbereich"),
    )
    criteria = models.ManyToManyField(
        Criterion, blank=True, related_name="milestones", verbose_name=_("Kriterien")
    )
    action_items = models.ManyToManyField(
        ActionItem,
        blank=True,
        related_name="procurement_milestones",
        verbose_name=_("Aufgaben aus Treffen"),
    )
    history = HistoricalRecords(m2m_fields=[criteria, action_items])

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["position", "due_on", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.status == self.Status.DONE and not self.completed_on:
            self.completed_on = timezone.localdate()
        if self.status != self.Status.DONE:
            self.completed_on = None

    def is_overdue(self, today=None) -> bool:
        if self.status in (self.Status.DONE, self.Status.DROPPED) or not self.due_on:
            return False
        return self.due_on < (today or timezone.localdate())
