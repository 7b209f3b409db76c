"""Sustainable building: projects, versioned scoring boards, assessments, variants,
guidelines and the network's economic settings."""

import uuid
from datetime import date
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
from network.numbers import format_number
from network.querysets import WatchedManager, WatchedQuerySet

from . import economics, indicators, legal, scoring

PCT = [MinValueValidator(0), MaxValueValidator(100)]
POSITIVE = [MinValueValidator(0)]


# Built-in defaults, each with its source, for a network that has not set its own. The
# emission factors are those of GEG Anlage 9 (g CO₂-Äquivalent per kWh of final energy,
# upstream chains included), unchanged since the GEG 2020 in the version of 16.10.2023
# (BGBl. 2023 I Nr. 280) that applies from 01.01.2024. The prices are examples of the
# order of magnitude in 2025, to be checked against the municipality's own contracts.
GEG_ANLAGE_9 = "GEG Anlage 9 (Fassung vom 16.10.2023, gültig ab 01.01.2024)"
GEG_AS_OF = date(2024, 1, 1)
PRICE_AS_OF = date(2025, 7, 1)
CARRIER_DEFAULTS = {
    "electricity": (
        "0.2800",
        "2.00",
        "Beispielwert zum Prüfen: BDEW-Strompreisanalyse 2025, Nicht-Haushaltskunden",
        "0.5600",
        f"{GEG_ANLAGE_9}: Strom, netzbezogen",
    ),
    "gas": (
        "0.1100",
        "3.00",
        "Beispielwert zum Prüfen: BDEW-Gaspreisanalyse 2025, Gewerbe (BEHG-Preis enthalten)",
        "0.2400",
        f"{GEG_ANLAGE_9}: Erdgas",
    ),
    "oil": (
        "0.1000",
        "3.00",
        "Beispielwert zum Prüfen: rund 1 €/l Heizöl EL (Destatis) bei 10 kWh/l",
        "0.3100",
        f"{GEG_ANLAGE_9}: Heizöl",
    ),
    "district_heat": (
        "0.1400",
        "2.00",
        "Beispielwert zum Prüfen: AGFW-Preisübersicht 2025; maßgeblich ist der Tarif des Netzes",
        "0.1800",
        f"{GEG_ANLAGE_9}: Nah-/Fernwärme aus KWK, gasförmige/flüssige Brennstoffe; "
        "besser der bescheinigte Wert des örtlichen Netzes",
    ),
    "wood": (
        "0.0700",
        "2.00",
        "Beispielwert zum Prüfen: DEPV-Pelletpreis 2025, rund 350 €/t bei 4,9 kWh/kg",
        "0.0200",
        f"{GEG_ANLAGE_9}: Holz",
    ),
    "pv_own": (
        "0.0000",
        "0.00",
        "Die Kosten der PV-Anlage stehen in der Investition der Variante",
        "0.0000",
        f"{GEG_ANLAGE_9}: Strom, gebäudenah erzeugt (Photovoltaik)",
    ),
}
CO2_PRICE_SOURCE = (
    "Beispielwert zum Prüfen: UBA-Methodenkonvention 3.1 (Stand 12/2020), Klimakosten "
    "195 €₂₀₂₀/t für 2020 bei 1 % reiner Zeitpräferenz, gerundet; die Methodenkonvention 3.2 "
    "nennt höhere Werte. Zum Vergleich der BEHG-Festpreis: 25 € (2021), 30 € (2022, 2023), "
    "45 € (2024), 55 € (2025), Korridor 55–65 € (2026) – er steckt schon im Gas- und "
    "Heizölpreis."
)
CO2_PRICE_AS_OF = date(2020, 12, 1)


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
    co2_price_source = models.CharField(
        _("Quelle des CO₂-Preises"), max_length=500, blank=True, default=CO2_PRICE_SOURCE
    )
    co2_price_as_of = models.DateField(
        _("Stand des CO₂-Preises"), null=True, blank=True, default=CO2_PRICE_AS_OF
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

    def defaults_by_carrier(self) -> dict[str, "CarrierDefault"]:
        """The network's default values for every carrier: its own row where the network
        set one, else the built-in value (CARRIER_DEFAULTS) as an unsaved row."""
        stored = {d.carrier: d for d in self.carrier_defaults.all()} if self.pk else {}
        return {
            carrier: stored.get(carrier) or CarrierDefault.built_in(self, carrier)
            for carrier in EnergyUse.Carrier.values
        }


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
    # A draft whose weights came from a weighting workshop (building.weighting.vote_apply),
    # and the meeting decision that adopted them.
    from_vote = models.OneToOneField(
        "WeightingVote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="result_board",
        verbose_name=_("Aus der Gewichtungsabstimmung"),
    )
    adopted_by_decision = models.ForeignKey(
        "network.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="building_boards",
        verbose_name=_("Beschlossen durch"),
    )
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
    description = models.TextField(
        _("Beschreibung und Quelle"),
        blank=True,
        help_text=_("Was bewertet wird und woher Indikator und Werte stammen (z. B. GEG, BNB)."),
    )
    # A measured criterion: its points follow from the value (building.indicators).
    unit = models.CharField(
        _("Einheit des Indikators"),
        max_length=60,
        blank=True,
        help_text=_("Leer lassen für ein qualitatives Kriterium, das mit Punkten bewertet wird."),
    )
    threshold_value = models.DecimalField(
        _("Grenzwert (10 Punkte)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    reference_value = models.DecimalField(
        _("Referenzwert (50 Punkte)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("Zielwert (100 Punkte)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    source = models.CharField(
        _("Herkunft des Messwerts"),
        max_length=30,
        choices=indicators.Source.choices,
        default=indicators.Source.MANUAL,
    )
    target = models.TextField(
        _("Stufe Zielwert (100 Punkte)"),
        blank=True,
        help_text=_("Konkret: was bringt 100 Punkte? Bei gemessenen Kriterien eine Erläuterung."),
    )
    reference = models.TextField(
        _("Stufe Referenzwert (50 Punkte)"),
        blank=True,
        help_text=_("Konkret: was bringt 50 Punkte?"),
    )
    threshold = models.TextField(
        _("Stufe Grenzwert (10 Punkte)"),
        blank=True,
        help_text=_("Konkret: was bringt 10 Punkte? Darunter gibt es 0 Punkte."),
    )
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

    def clean(self):
        errors = indicators.indicator_errors(
            unit=self.unit,
            threshold=self.threshold_value,
            reference=self.reference_value,
            target=self.target_value,
            source=self.source,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_measured(self) -> bool:
        """Scored by a measured value and the BNB rule, not by typed points."""
        return self.threshold_value is not None

    @property
    def is_sourced(self) -> bool:
        """The value is read from the project, not typed."""
        return self.is_measured and self.source != indicators.Source.MANUAL

    def points_for(self, value) -> float | None:
        return indicators.points_for(
            value, self.threshold_value, self.reference_value, self.target_value
        )

    @property
    def indicator_texts(self) -> dict[str, str]:
        """threshold / reference / target as people read them: „100,5 %“ (no „,000“)."""
        return {
            name: f"{format_number(value)}\u00a0{self.unit}".strip() if value is not None else ""
            for name, value in (
                ("threshold", self.threshold_value),
                ("reference", self.reference_value),
                ("target", self.target_value),
            )
        }


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

    def submitted(self):
        return self.filter(status=Assessment.Status.SUBMITTED)

    def not_accepted(self):
        """Drafts and submitted ones: their result still follows the project's data."""
        return self.exclude(status=Assessment.Status.FINAL)


class Assessment(VersionedModel):
    """A project scored on one board version. The stored result fields are refreshed by
    `building.services.assessment_refresh` whenever scores change or it is accepted.

    Four eyes (as DGNB and BNB award only after a check): the municipality submits, the
    moderation or an expert of the network accepts or returns it (AssessmentReview). A
    returned assessment is a draft again, its latest review tells why. FINAL keeps its
    stored value "final" and means accepted: the rating is awarded, `finalised_at` and
    `finalised_by` are the time and the person of the acceptance."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("in Prüfung")
        FINAL = "final", _("bestätigt")

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
    finalised_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bestätigt von"),
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
    # The level the numbers reach, awarded or not: shown as „vorläufig“ / „in Prüfung“.
    provisional_rating = models.CharField(
        _("Vorläufige Bewertungsstufe"), max_length=100, blank=True, editable=False
    )
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
        """Accepted in review: the rating is awarded."""
        return self.status == self.Status.FINAL

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        """Scores change only in a draft (never while in review or once accepted)."""
        return self.status == self.Status.DRAFT

    @property
    def result_label(self) -> str:
        """How far the result counts, beside totals and levels in lists and reports: a
        draft's is „vorläufig“, a submitted one's „in Prüfung“, an accepted one's
        „bestätigt“ (awarded)."""
        return {
            self.Status.DRAFT: _("vorläufig"),
            self.Status.SUBMITTED: _("in Prüfung"),
        }.get(self.status, _("bestätigt"))

    def _move(self, source: str, target: str, loaded_version: int, **fields) -> bool:
        """The status change as a conditional update: only from `source` and only if
        nobody saved since `loaded_version` (status and version in the WHERE clause), so
        of two reviewers deciding at once, or a submission racing a save of scores, one
        wins and the other is told. The claimed row is then saved once more through the
        model, so that the change is in the history."""
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, status=source, version=loaded_version)
            .update(status=target, version=loaded_version + 1)
        )
        if not claimed:
            return False
        self.status = target
        self.version = loaded_version + 1
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "version", *fields])
        return True

    def submit(self, loaded_version: int) -> bool:
        return self._move(self.Status.DRAFT, self.Status.SUBMITTED, loaded_version)

    def send_back(self, loaded_version: int) -> bool:
        return self._move(self.Status.SUBMITTED, self.Status.DRAFT, loaded_version)

    def accept(self, user, loaded_version: int) -> bool:
        """Award the result: scores can no longer change and the legal failures of today
        are kept with it."""
        return self._move(
            self.Status.SUBMITTED,
            self.Status.FINAL,
            loaded_version,
            finalised_at=timezone.now(),
            finalised_by=user,
            legal_failures=legal.failures(self.project.legal_results()),
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
    # The value a measured criterion was scored with; `points` follow from it.
    measured_value = models.DecimalField(
        _("Messwert"), max_digits=14, decimal_places=3, null=True, blank=True
    )
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


class AssessmentReview(models.Model):
    """One submission of an assessment and its review: who submitted when, and who
    accepted or returned it when, with a general comment and comments per criterion
    (ReviewComment). At most one review of an assessment is open (pending)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("in Prüfung")
        ACCEPTED = "accepted", _("bestätigt")
        RETURNED = "returned", _("zurückgegeben")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("Bewertung")
    )
    submitted_at = models.DateTimeField(_("Eingereicht am"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Eingereicht von"),
    )
    decision = models.CharField(
        _("Entscheidung"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Geprüft von"),
    )
    comment = models.TextField(_("Anmerkung zur Bewertung"), blank=True)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Prüfung")
        verbose_name_plural = _("Prüfungen")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(decision="pending"),
                name="assessment_review_one_open",
            )
        ]

    def __str__(self):
        return f"{self.assessment}: {self.get_decision_display()}"


class ReviewComment(models.Model):
    """What the reviewer says about one criterion of the reviewed assessment."""

    review = models.ForeignKey(
        AssessmentReview,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("Prüfung"),
    )
    criterion = models.ForeignKey(
        BoardCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kriterium")
    )
    text = models.TextField(_("Anmerkung"))
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Anmerkung der Prüfung")
        verbose_name_plural = _("Anmerkungen der Prüfung")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="review_comment_one_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.text[:50]}"


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
    grant_eur = models.DecimalField(
        _("Förderung (€)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        blank=True,
        validators=POSITIVE,
        help_text=_(
            "Zuschuss, der im Jahr 0 mit der Investition gezahlt wird; er senkt den Kapitalwert "
            "um genau seinen Betrag. Ersatzbeschaffungen und Restwert werden weiter mit der "
            "vollen Investition gerechnet."
        ),
    )
    # Plain text until the register of funding programmes in network/ can be linked.
    grant_programme = models.CharField(
        _("Förderprogramm"),
        max_length=200,
        blank=True,
        help_text=_("z. B. BEG EM – Heizungsförderung für Kommunen"),
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
            grant=float(self.grant_eur),
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


class CarrierDefault(models.Model):
    """A network's default price, escalation and emission factor for one energy carrier,
    each with its source and date. An energy use takes them where its own field is left
    empty: they are copied into it when it is saved (`value_for`), so a variant keeps the
    values it was computed with when the network later moves to a new edition.

    Edited only together with the settings (building.views.economics.settings_edit), whose
    version check guards the whole page; the history keeps every earlier value."""

    VALUE_FIELDS = ("price_eur_per_kwh", "escalation_pct", "emission_kg_per_kwh")

    settings = models.ForeignKey(
        BuildingSettings, on_delete=models.CASCADE, related_name="carrier_defaults"
    )
    carrier = models.CharField(_("Energieträger"), max_length=20, choices=EnergyUse.Carrier.choices)
    price_eur_per_kwh = models.DecimalField(
        _("Preis im ersten Jahr (€/kWh)"), max_digits=6, decimal_places=4, validators=POSITIVE
    )
    escalation_pct = models.DecimalField(
        _("Preissteigerung (% p. a.)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
    )
    price_source = models.CharField(_("Quelle des Preises"), max_length=300, blank=True)
    price_as_of = models.DateField(_("Stand des Preises"), null=True, blank=True)
    emission_kg_per_kwh = models.DecimalField(
        _("Emissionsfaktor (kg CO₂/kWh)"), max_digits=6, decimal_places=4, validators=POSITIVE
    )
    emission_source = models.CharField(_("Quelle des Emissionsfaktors"), max_length=300, blank=True)
    emission_as_of = models.DateField(_("Stand des Emissionsfaktors"), null=True, blank=True)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Vorgabe je Energieträger")
        verbose_name_plural = _("Vorgaben je Energieträger")
        constraints = [
            models.UniqueConstraint(
                fields=["settings", "carrier"], name="carrier_default_once_per_network"
            )
        ]

    def __str__(self):
        return self.get_carrier_display()

    @classmethod
    def built_in(cls, settings_obj, carrier) -> "CarrierDefault":
        price, escalation, price_source, emission, emission_source = CARRIER_DEFAULTS[carrier]
        return cls(
            settings=settings_obj,
            carrier=carrier,
            price_eur_per_kwh=Decimal(price),
            escalation_pct=Decimal(escalation),
            price_source=price_source,
            price_as_of=PRICE_AS_OF,
            emission_kg_per_kwh=Decimal(emission),
            emission_source=emission_source,
            emission_as_of=GEG_AS_OF,
        )

    def value_for(self, field: str, own):
        """The one rule for a carrier's value: the variant's own value where one was
        entered, else this default."""
        return own if own is not None else getattr(self, field)


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
    # The case of the collegial consultation whose conclusion this guideline grew from.
    from_case = models.ForeignKey(
        "network.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="building_guidelines",
        verbose_name=_("Entstanden aus der Fallberatung"),
    )
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


# --- the weighting workshop (building.weighting) ------------------------------------------


class WeightingVoteQuerySet(WatchedQuerySet):
    def open(self):
        return self.filter(status=WeightingVote.Status.OPEN)


class WeightingVote(VersionedModel):
    """A vote of the network's members on the weights of a board's criteria groups (and,
    if asked, on the minimum totals of its rating levels): every member municipality
    allocates 100 points across the groups (Ballot). Open until the moderator closes it;
    the ballots stay hidden until then. The result goes into the series' draft
    (ScoringBoard.from_vote), which a meeting decision adopted."""

    class Status(models.TextChoices):
        OPEN = "open", _("läuft")
        CLOSED = "closed", _("abgeschlossen")

    board = models.ForeignKey(
        ScoringBoard,
        on_delete=models.CASCADE,
        related_name="weighting_votes",
        verbose_name=_("Raster"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    # The workshop where the members vote, if it is held in one.
    meeting = models.ForeignKey(
        "network.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="building_weighting_votes",
        verbose_name=_("Workshop"),
    )
    with_thresholds = models.BooleanField(
        _("Auch über die Schwellen der Bewertungsstufen abstimmen"),
        default=False,
        help_text=_(
            "Jede Kommune kann dann je Stufe einen Mindest-Gesamterfüllungsgrad vorschlagen."
        ),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    opened_at = models.DateTimeField(_("Geöffnet am"), default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("Geöffnet von"),
    )
    closed_at = models.DateTimeField(_("Geschlossen am"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("Geschlossen von"),
    )
    history = HistoricalRecords()

    objects = WeightingVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("Gewichtungsabstimmung")
        verbose_name_plural = _("Gewichtungsabstimmungen")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["board"], condition=Q(status="open"), name="weighting_vote_one_open"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def close(self, user) -> bool:
        """Open → closed as a conditional update: of two moderators closing at once, or a
        close racing the last ballot (building.weighting.ballot_cast locks the vote's row),
        one wins. Saved once more through the model, so the close is in the history."""
        now = timezone.now()
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, status=self.Status.OPEN)
            .update(
                status=self.Status.CLOSED,
                closed_at=now,
                closed_by=user,
                version=models.F("version") + 1,
            )
        )
        if not claimed:
            return False
        self.refresh_from_db()
        self.save(update_fields=["status", "closed_at", "closed_by", "version"])
        return True


class Ballot(VersionedModel):
    """One member's ballot in a weighting vote, cast by one of its coordinators and
    changeable until the vote closes. One per member (a constraint), `version` grows with
    every change, so two coordinators of one member never overwrite each other unseen."""

    vote = models.ForeignKey(
        WeightingVote,
        on_delete=models.CASCADE,
        related_name="ballots",
        verbose_name=_("Abstimmung"),
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("Kommune")
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Abgegeben von"),
    )
    cast_at = models.DateTimeField(_("Abgegeben am"), default=timezone.now)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Stimmzettel")
        verbose_name_plural = _("Stimmzettel")
        ordering = ["membership__municipality__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "membership"], name="ballot_one_per_member")
        ]

    def __str__(self):
        return f"{self.vote}: {self.membership}"


class BallotPoints(models.Model):
    """The points a ballot gives one criteria group (all of a ballot's sum to 100)."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="points", verbose_name=_("Stimmzettel")
    )
    group = models.ForeignKey(
        CriteriaGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("Kriteriengruppe")
    )
    points = models.PositiveSmallIntegerField(_("Punkte"), validators=PCT)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Punkte je Gruppe")
        verbose_name_plural = _("Punkte je Gruppe")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "group"], name="ballot_points_once_per_group"
            ),
            models.CheckConstraint(condition=Q(points__lte=100), name="ballot_points_max_100"),
        ]

    def __str__(self):
        return f"{self.group}: {self.points}"


class BallotThreshold(models.Model):
    """A ballot's proposal for the minimum total of one rating level."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("Stimmzettel")
    )
    level = models.ForeignKey(
        RatingLevel, on_delete=models.CASCADE, related_name="+", verbose_name=_("Bewertungsstufe")
    )
    min_total_pct = models.DecimalField(
        _("Mindest-Gesamterfüllungsgrad (%)"), max_digits=5, decimal_places=2, validators=PCT
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Vorschlag je Bewertungsstufe")
        verbose_name_plural = _("Vorschläge je Bewertungsstufe")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "level"], name="ballot_threshold_once")
        ]

    def __str__(self):
        return f"{self.level}: {self.min_total_pct}"
