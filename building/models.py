"""Sustainable building: projects, versioned scoring boards, assessments, variants,
guidelines and the network's economic settings."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.models import Document, Membership, Network
from network.querysets import WatchedManager, WatchedQuerySet

from . import economics, legal, scoring

PCT = [MinValueValidator(0), MaxValueValidator(100)]
POSITIVE = [MinValueValidator(0)]


class BuildingSettings(VersionedModel):
    """Economic assumptions of a network, the same for all its projects."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="building_settings"
    )
    discount_rate_pct = models.DecimalField(
        _("Kalkulationszinssatz (% p. a., real)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    period_years = models.PositiveSmallIntegerField(
        _("Betrachtungszeitraum (Jahre)"),
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    co2_price_eur_per_t = models.DecimalField(
        _("CO₂-Preis im ersten Jahr (€/t)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("200.00"),
        validators=POSITIVE,
        help_text=_("Schattenpreis für die Klimakosten (z. B. nach UBA-Methodenkonvention)."),
    )
    co2_price_escalation_pct = models.DecimalField(
        _("Steigerung des CO₂-Preises (% p. a.)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Einstellungen Bauen")
        verbose_name_plural = _("Einstellungen Bauen")

    def __str__(self):
        return str(self.network)

    @classmethod
    def for_network(cls, network):
        found = cls.objects.filter(network=network).first()
        return found or cls(network=network)

    def assumptions(self) -> economics.Assumptions:
        return economics.Assumptions(
            discount_rate=float(self.discount_rate_pct) / 100,
            period_years=self.period_years,
            co2_price_per_t=float(self.co2_price_eur_per_t),
            co2_price_escalation=float(self.co2_price_escalation_pct) / 100,
        )


class BuildingProjectQuerySet(WatchedQuerySet):
    def of_network(self, network):
        return self.filter(membership__network=network)


class BuildingProject(VersionedModel):
    class Use(models.TextChoices):
        SCHOOL = "school", _("Schule")
        DAYCARE = "daycare", _("Kindertagesstätte")
        ADMINISTRATION = "administration", _("Verwaltungsgebäude")
        SPORTS_HALL = "sports_hall", _("Sporthalle")
        FIRE_STATION = "fire_station", _("Feuerwehrhaus")
        HOUSING = "housing", _("Wohngebäude")
        OTHER = "other", _("Sonstiges")

    class Kind(models.TextChoices):
        NEW_BUILD = legal.NEW_BUILD, _("Neubau")
        RENOVATION = legal.RENOVATION, _("Sanierung im Bestand")

    class Heating(models.TextChoices):
        HEAT_PUMP = "heat_pump", _("Wärmepumpe")
        DISTRICT_HEAT = "district_heat", _("Fernwärme / Wärmenetz")
        BIOMASS = "biomass", _("Biomasse")
        SOLAR_THERMAL = "solar_thermal", _("Solarthermie")
        GAS = "gas", _("Gas")
        OIL = "oil", _("Öl")
        HYBRID = "hybrid", _("Hybridheizung")
        OTHER = "other", _("Sonstige")

    class LegalStatus(models.TextChoices):
        OK = legal.STATUS_OK, _("erfüllt")
        PROBLEM = legal.STATUS_PROBLEM, _("nicht erfüllt")
        OPEN = legal.STATUS_OPEN, _("offen (Angaben fehlen)")
        NONE = legal.STATUS_NONE, _("keine Pflicht")

    PHASES = [(n, format_lazy(_("Leistungsphase {n}"), n=n)) for n in range(1, 10)]

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="building_projects",
        verbose_name=_("Kommune"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    use = models.CharField(_("Nutzung"), max_length=20, choices=Use.choices)
    kind = models.CharField(_("Neubau oder Sanierung"), max_length=12, choices=Kind.choices)
    phase = models.PositiveSmallIntegerField(_("Planungsphase (HOAI)"), choices=PHASES, default=1)
    gross_floor_area_m2 = models.DecimalField(
        _("Bruttogrundfläche (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    roof_area_m2 = models.DecimalField(
        _("Dachfläche (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    roof_renewal = models.BooleanField(
        _("Vollständige Dacherneuerung"),
        default=False,
        help_text=_("Die Dachhaut wird vollständig erneuert."),
    )
    solar_area_m2 = models.DecimalField(
        _("Fläche der Solaranlage (m²)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    in_new_development_area = models.BooleanField(
        _("Liegt im Neubaugebiet"),
        null=True,
        blank=True,
        help_text=_("Nur für Neubauten: Gebiet mit neuem Bebauungsplan (GEG § 71)."),
    )
    application_date = models.DateField(_("Datum des Bauantrags"), null=True, blank=True)
    construction_start = models.DateField(_("Baubeginn"), null=True, blank=True)
    heating = models.CharField(_("Heizung"), max_length=20, choices=Heating.choices, blank=True)
    heating_replaced = models.BooleanField(
        _("Heizung wird erneuert"),
        default=False,
        help_text=_("Nur für Sanierungen: eine neue Heizungsanlage wird eingebaut."),
    )
    renewable_heat_share_pct = models.DecimalField(
        _("Anteil erneuerbarer Wärme (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PCT,
    )
    pv_peak_kw = models.DecimalField(
        _("PV-Leistung (kWp)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    budget_eur = models.DecimalField(
        _("Budget (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    publicly_owned = models.BooleanField(_("Im Eigentum der öffentlichen Hand"), default=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)
    # Kept up to date by building.services so that lists filter and sort in SQL.
    legal_status = models.CharField(
        _("Rechtsstatus"),
        max_length=10,
        choices=LegalStatus.choices,
        default=LegalStatus.OPEN,
        editable=False,
    )
    latest_assessment = models.ForeignKey(
        "Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["latest_assessment"])

    objects = BuildingProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bauvorhaben")
        verbose_name_plural = _("Bauvorhaben")
        ordering = ["membership__municipality__name", "name"]
        indexes = [models.Index(fields=["membership", "legal_status"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.application_date
            and self.construction_start
            and self.construction_start < self.application_date
        ):
            errors["construction_start"] = _("Der Baubeginn liegt vor dem Bauantrag.")
        if self.kind == self.Kind.RENOVATION and self.in_new_development_area:
            errors["in_new_development_area"] = _("Eine Sanierung liegt nicht im Neubaugebiet.")
        if (
            self.solar_area_m2 is not None
            and self.roof_area_m2 is not None
            and self.solar_area_m2 > self.roof_area_m2 * 2
        ):
            errors["solar_area_m2"] = _(
                "Die Solarfläche ist mehr als doppelt so groß wie das Dach."
            )
        if errors:
            raise ValidationError(errors)

    # The fields legal_facts() reads: the project form marks them „für Rechtsprüfung“
    # (tests/building/test_form_sections.py holds the two together).
    LEGAL_FIELDS = (
        "kind",
        "use",
        "publicly_owned",
        "application_date",
        "construction_start",
        "in_new_development_area",
        "heating",
        "heating_replaced",
        "renewable_heat_share_pct",
        "roof_area_m2",
        "roof_renewal",
        "solar_area_m2",
    )

    def legal_facts(self) -> legal.ProjectFacts:
        def f(value):
            return None if value is None else float(value)

        return legal.ProjectFacts(
            kind=self.kind,
            use=self.use,
            publicly_owned=self.publicly_owned,
            application_date=self.application_date,
            construction_start=self.construction_start,
            in_new_development_area=self.in_new_development_area,
            population=self.membership.municipality.population,
            heating=self.heating,
            heating_replaced=self.heating_replaced,
            renewable_heat_share=f(self.renewable_heat_share_pct),
            roof_area=f(self.roof_area_m2),
            roof_renewal=self.roof_renewal,
            solar_area=f(self.solar_area_m2),
        )

    def legal_results(self) -> list[legal.RuleResult]:
        return legal.check(self.legal_facts())


class ScoringBoardQuerySet(WatchedQuerySet):
    def active(self):
        return self.filter(status=ScoringBoard.Status.ACTIVE)


class ScoringBoard(VersionedModel):
    """One version of a network's scoring board. All versions of one board share `series`;
    `revision` counts them. A draft may be edited; activating freezes it for good."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        ACTIVE = "active", _("aktiv")
        RETIRED = "retired", _("abgelöst")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="scoring_boards", verbose_name=_("Netzwerk")
    )
    series = models.UUIDField(default=uuid.uuid4, editable=False)
    revision = models.PositiveIntegerField(_("Version"), default=1, editable=False)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    activated_at = models.DateTimeField(_("Aktiviert am"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ScoringBoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bewertungsraster")
        verbose_name_plural = _("Bewertungsraster")
        ordering = ["name", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["series", "revision"], name="board_unique_revision"),
            models.UniqueConstraint(
                fields=["series"], condition=Q(status="active"), name="board_one_active_per_series"
            ),
            models.UniqueConstraint(
                fields=["series"], condition=Q(status="draft"), name="board_one_draft_per_series"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.revision})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def spec(self, groups=None, levels=None) -> scoring.BoardSpec:
        """The board as plain values; `groups` (with criteria) and `levels` may be passed
        when the caller has loaded them already."""
        groups = list(groups if groups is not None else self.groups.prefetch_related("criteria"))
        levels = list(levels if levels is not None else self.levels.all())
        return scoring.BoardSpec(
            groups=tuple(
                scoring.GroupSpec(g.pk, g.name, float(g.weight_pct), g.in_group_minimums)
                for g in groups
            ),
            criteria=tuple(
                scoring.CriterionSpec(
                    c.pk, g.pk, f"{c.code} {c.name}".strip(), float(c.factor), c.minimum_points
                )
                for g in groups
                for c in g.criteria.all()
            ),
            levels=tuple(
                scoring.LevelSpec(
                    lv.name,
                    None if lv.min_total_pct is None else float(lv.min_total_pct),
                    None if lv.min_group_pct is None else float(lv.min_group_pct),
                )
                for lv in levels
            ),
        )


class CriteriaGroup(VersionedModel):
    board = models.ForeignKey(
        ScoringBoard, on_delete=models.CASCADE, related_name="groups", verbose_name=_("Raster")
    )
    code = models.CharField(_("Kürzel"), max_length=10, blank=True)
    name = models.CharField(_("Kriteriengruppe"), max_length=200)
    weight_pct = models.DecimalField(
        _("Gewicht (%)"), max_digits=5, decimal_places=2, validators=PCT
    )
    in_group_minimums = models.BooleanField(
        _("Zählt für die Mindestwerte je Gruppe"),
        default=True,
        help_text=_("Abwählen, um die Gruppe wie bei der DGNB die Standortqualität auszunehmen."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kriteriengruppe")
        verbose_name_plural = _("Kriteriengruppen")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class BoardCriterion(VersionedModel):
    group = models.ForeignKey(
        CriteriaGroup,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("Kriteriengruppe"),
    )
    code = models.CharField(_("Kürzel"), max_length=20, blank=True)
    name = models.CharField(_("Kriterium"), max_length=200)
    factor = models.DecimalField(
        _("Gewichtungsfaktor"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[
            MinValueValidator(
                Decimal("0.1"), _("Der Gewichtungsfaktor muss mindestens 0,1 betragen.")
            ),
            MaxValueValidator(10),
        ],
    )
    target = models.TextField(_("Zielwert (100 Punkte)"), blank=True)
    reference = models.TextField(_("Referenzwert (50 Punkte)"), blank=True)
    threshold = models.TextField(_("Grenzwert (10 Punkte)"), blank=True)
    minimum_points = models.PositiveSmallIntegerField(
        _("Mindestpunktzahl"),
        null=True,
        blank=True,
        validators=PCT,
        help_text=_("Wird sie verfehlt, ist das Vorhaben nicht auszeichnungsfähig."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kriterium")
        verbose_name_plural = _("Kriterien")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


class RatingLevel(VersionedModel):
    board = models.ForeignKey(
        ScoringBoard, on_delete=models.CASCADE, related_name="levels", verbose_name=_("Raster")
    )
    name = models.CharField(_("Bewertungsstufe"), max_length=100)
    min_total_pct = models.DecimalField(
        _("Mindest-Gesamterfüllungsgrad (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PCT,
    )
    min_group_pct = models.DecimalField(
        _("Mindesterfüllungsgrad je Gruppe (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PCT,
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bewertungsstufe")
        verbose_name_plural = _("Bewertungsstufen")
        ordering = ["-min_total_pct", "id"]

    def __str__(self):
        return self.name


class AssessmentQuerySet(WatchedQuerySet):
    def of_network(self, network):
        return self.filter(project__membership__network=network)

    def drafts(self):
        return self.filter(status=Assessment.Status.DRAFT)


class Assessment(VersionedModel):
    """A project scored on one board version. The stored result fields are refreshed by
    `building.services.assessment_refresh` whenever scores change or it is finalised."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        FINAL = "final", _("abgeschlossen")

    project = models.ForeignKey(
        BuildingProject,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("Bauvorhaben"),
    )
    board = models.ForeignKey(
        ScoringBoard,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("Raster"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)
    finalised_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Abgeschlossen von"),
    )
    # Failed legal requirements frozen at finalisation, so the result stays reproducible.
    legal_failures = models.JSONField(default=list, blank=True, editable=False)
    total_pct = models.DecimalField(
        _("Gesamterfüllungsgrad (%)"), max_digits=5, decimal_places=2, null=True, editable=False
    )
    completeness_pct = models.DecimalField(
        _("Vollständigkeit (%)"), max_digits=5, decimal_places=2, default=0, editable=False
    )
    rating = models.CharField(_("Bewertungsstufe"), max_length=100, blank=True, editable=False)
    eligible = models.BooleanField(_("Auszeichnungsfähig"), default=True, editable=False)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "board"], name="assessment_unique_board")
        ]

    def __str__(self):
        return f"{self.project} – {self.board}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def finalise(self, user):
        """Close the assessment: scores can no longer change and the legal failures of
        today are kept with it."""
        if self.is_final:
            return
        self.status = self.Status.FINAL
        self.finalised_at = timezone.now()
        self.finalised_by = user
        self.legal_failures = legal.failures(self.project.legal_results())
        self.version += 1
        self.save(
            update_fields=["status", "finalised_at", "finalised_by", "legal_failures", "version"]
        )

    def evaluate(self, groups=None, scores=None, levels=None) -> scoring.Result:
        spec = self.board.spec(groups, levels)
        scores = scores if scores is not None else self.scores.all()
        points = {s.criterion_id: s.points for s in scores}
        failures = (
            self.legal_failures if self.is_final else legal.failures(self.project.legal_results())
        )
        return scoring.evaluate(spec, points, finalised=self.is_final, legal_failures=failures)


class Score(VersionedModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("Bewertung")
    )
    criterion = models.ForeignKey(
        BoardCriterion,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("Kriterium"),
    )
    points = models.PositiveSmallIntegerField(_("Punkte"), validators=PCT)
    justification = models.TextField(_("Begründung"), blank=True)
    evidence = models.ManyToManyField(
        Document, blank=True, related_name="building_scores", verbose_name=_("Nachweise")
    )
    objects = WatchedManager()
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        verbose_name = _("Punktwert")
        verbose_name_plural = _("Punktwerte")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(points__lte=100), name="score_points_max_100"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class Variant(VersionedModel):
    """An economic variant of a project (e.g. heat pump + PV against a gas boiler)."""

    project = models.ForeignKey(
        BuildingProject,
        on_delete=models.CASCADE,
        related_name="variants",
        verbose_name=_("Bauvorhaben"),
    )
    name = models.CharField(_("Variante"), max_length=200)
    is_reference = models.BooleanField(
        _("Referenzvariante"),
        default=False,
        help_text=_("Die anderen Varianten werden mit dieser verglichen."),
    )
    is_chosen = models.BooleanField(
        _("Gewählte Variante"),
        default=False,
        help_text=_("Diese Variante wird umgesetzt; die Erfolgsbilanz rechnet mit ihr."),
    )
    investment_eur = models.DecimalField(
        _("Investition (€)"), max_digits=14, decimal_places=2, validators=POSITIVE
    )
    lifetime_years = models.PositiveSmallIntegerField(
        _("Nutzungsdauer (Jahre)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    maintenance_eur_per_year = models.DecimalField(
        _("Wartung und Instandhaltung (€/Jahr)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=POSITIVE,
    )
    maintenance_escalation_pct = models.DecimalField(
        _("Preissteigerung Wartung (% p. a.)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Variante")
        verbose_name_plural = _("Varianten")
        ordering = ["-is_reference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_reference=True), name="variant_one_reference"
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_chosen=True), name="variant_one_chosen"
            ),
        ]

    def __str__(self):
        return self.name

    def spec(self) -> economics.Variant:
        return economics.Variant(
            name=self.name,
            investment=float(self.investment_eur),
            lifetime_years=self.lifetime_years,
            maintenance_per_year=float(self.maintenance_eur_per_year),
            maintenance_escalation=float(self.maintenance_escalation_pct) / 100,
            energy=tuple(e.spec() for e in self.energy_uses.all()),
        )


class EnergyUse(VersionedModel):
    class Carrier(models.TextChoices):
        ELECTRICITY = "electricity", _("Strom (Netz)")
        GAS = "gas", _("Erdgas")
        OIL = "oil", _("Heizöl")
        DISTRICT_HEAT = "district_heat", _("Fernwärme")
        WOOD = "wood", _("Holzpellets")
        PV_OWN = "pv_own", _("PV-Eigenstrom")

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="energy_uses", verbose_name=_("Variante")
    )
    carrier = models.CharField(_("Energieträger"), max_length=20, choices=Carrier.choices)
    kwh_per_year = models.DecimalField(
        _("Verbrauch (kWh/Jahr)"), max_digits=12, decimal_places=0, validators=POSITIVE
    )
    price_eur_per_kwh = models.DecimalField(
        _("Preis im ersten Jahr (€/kWh)"), max_digits=6, decimal_places=4, validators=POSITIVE
    )
    escalation_pct = models.DecimalField(
        _("Preissteigerung (% p. a.)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
    )
    emission_kg_per_kwh = models.DecimalField(
        _("Emissionsfaktor (kg CO₂/kWh)"),
        max_digits=6,
        decimal_places=4,
        default=0,
        validators=POSITIVE,
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Energieverbrauch")
        verbose_name_plural = _("Energieverbräuche")
        ordering = ["id"]

    def __str__(self):
        return self.get_carrier_display()

    def spec(self) -> economics.EnergyUse:
        return economics.EnergyUse(
            carrier=self.carrier,
            kwh_per_year=float(self.kwh_per_year),
            price_per_kwh=float(self.price_eur_per_kwh),
            escalation=float(self.escalation_pct) / 100,
            emission_kg_per_kwh=float(self.emission_kg_per_kwh),
        )


def sees_guideline_drafts(access) -> bool:
    """Drafts of guidelines (whole guidelines and revisions saved as drafts) are for the
    moderation and the experts who write them; everyone else reads what was published."""
    return access.can_edit_meeting_content()


class GuidelineQuerySet(WatchedQuerySet):
    def visible_to(self, access):
        if sees_guideline_drafts(access):
            return self
        return self.filter(status=Guideline.Status.PUBLISHED)


class Guideline(VersionedModel):
    """A practice guideline of the network. `revision` grows with every saved change; the
    history keeps each revision's text."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="building_guidelines",
        verbose_name=_("Netzwerk"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.CharField(_("Kurzfassung"), max_length=300, blank=True)
    body = models.TextField(_("Text (Markdown)"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField(_("Fassung"), default=1, editable=False)
    published_at = models.DateTimeField(
        _("Veröffentlicht am"), null=True, blank=True, editable=False
    )
    criteria = models.ManyToManyField(
        BoardCriterion, blank=True, related_name="guidelines", verbose_name=_("Kriterien")
    )
    attachments = models.ManyToManyField(
        Document, blank=True, related_name="building_guidelines", verbose_name=_("Anhänge")
    )
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)
    # Links and attachments are part of what a guideline says. django-simple-history
    # records m2m changes made from this side only: add and set them on the guideline.
    history = HistoricalRecords(m2m_fields=[criteria, attachments])

    objects = GuidelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("Leitlinie")
        verbose_name_plural = _("Leitlinien")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def revisions_visible_to(self, access):
        """The history records of this guideline that `access` may read, newest first: all
        of them for those who see drafts, otherwise only the ones saved as published (a
        revision saved as a draft was never published, even if a later one was)."""
        records = self.history.order_by("-history_id")
        if not sees_guideline_drafts(access):
            records = records.filter(status=Guideline.Status.PUBLISHED)
        return records
