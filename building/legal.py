"""Legal requirements for building projects, as rules in code.

Every rule has its citation and the dates it takes effect, and answers for one project:
does it apply (True / False / None = cannot tell, data missing), is it satisfied
("yes" / "no" / "unknown" with the missing data) and why. Rules are pure functions of
`ProjectFacts`; `building.models.BuildingProject.legal_facts()` builds those.

The date a rule looks at is named in each rule; "from D" means D itself is included
("applied for on 2024-01-01" is caught); "after the deadline D" means from D + 1 day.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YES, NO, UNKNOWN = "yes", "no", "unknown"

NEW_BUILD, RENOVATION = "new_build", "renovation"
RESIDENTIAL_USES = {"housing"}
# Heating that meets the 65 % rule by itself (GEG § 71 (3): heat pump, connection to a
# heat network, biomass, solar thermal) and heating that is fossil (EPBD zero emission).
RENEWABLE_HEATING = {"heat_pump", "district_heat", "biomass", "solar_thermal"}
FOSSIL_HEATING = {"gas", "oil"}

# GEG § 71 (8) with WPG § 4: the heat-planning deadline depends on the population.
LARGE_MUNICIPALITY = 100_000
HEAT_PLAN_DEADLINE_LARGE = date(2026, 6, 30)
HEAT_PLAN_DEADLINE_SMALL = date(2028, 6, 30)
GEG_NEW_AREA_FROM = date(2024, 1, 1)
SOLAR_NON_RESIDENTIAL_FROM = date(2024, 1, 1)
SOLAR_RESIDENTIAL_FROM = date(2025, 1, 1)
SOLAR_ROOF_RENEWAL_FROM = date(2026, 1, 1)
SOLAR_ROOF_RENEWAL_PUBLIC_FROM = date(2024, 7, 1)
SOLAR_MIN_ROOF_SHARE = 0.30
SOLAR_EXEMPT_UP_TO_M2 = 50
EPBD_PUBLIC_ZERO_EMISSION_FROM = date(2028, 1, 1)

FIELD_LABELS = {
    "application_date": gettext_lazy("Datum des Bauantrags"),
    "construction_start": gettext_lazy("Baubeginn"),
    "in_new_development_area": gettext_lazy("Lage im Neubaugebiet"),
    "population": gettext_lazy("Einwohnerzahl der Kommune"),
    "heating": gettext_lazy("Heizung"),
    "renewable_heat_share": gettext_lazy("Anteil erneuerbarer Wärme"),
    "roof_area": gettext_lazy("Dachfläche"),
    "solar_area": gettext_lazy("Fläche der Solaranlage"),
    "heating_replaced": gettext_lazy("Heizung wird erneuert"),
}


@dataclass(frozen=True)
class ProjectFacts:
    kind: str  # NEW_BUILD or RENOVATION
    use: str  # "school", "housing", …
    publicly_owned: bool = True
    application_date: date | None = None  # Bauantrag
    construction_start: date | None = None
    in_new_development_area: bool | None = None
    population: int | None = None  # of the municipality
    heating: str = ""  # "" = not known yet
    heating_replaced: bool = False  # renovation: a new heating system is installed
    renewable_heat_share: float | None = None  # %
    roof_area: float | None = None  # m²
    roof_renewal: bool = False  # the roof covering is completely renewed
    solar_area: float | None = None  # m² of PV / solar thermal modules


@dataclass(frozen=True)
class RuleResult:
    key: str
    title: str
    citation: str
    effective: str  # the dates in words
    applies: bool | None  # None: cannot tell (see missing)
    satisfied: str | None  # YES / NO / UNKNOWN; None when the rule does not apply
    reason: str
    missing: tuple[str, ...] = field(default=())  # labels of the data still needed

    @property
    def failed(self) -> bool:
        return self.applies is True and self.satisfied == NO

    @property
    def open(self) -> bool:
        return self.applies is None or self.satisfied == UNKNOWN


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _missing(*names) -> tuple[str, ...]:
    return tuple(str(FIELD_LABELS[n]) for n in names)


def heat_planning_deadline(population: int | None) -> date | None:
    """WPG § 4 (2): heat plans by 30.06.2026 above 100,000 inhabitants, else 30.06.2028."""
    if population is None:
        return None
    return HEAT_PLAN_DEADLINE_LARGE if population > LARGE_MUNICIPALITY else HEAT_PLAN_DEADLINE_SMALL


def geg_71(facts: ProjectFacts) -> RuleResult:
    """GEG § 71 (1), (8): a newly installed heating system uses ≥ 65 % renewable energy.

    New builds in a new development area: building application from 01.01.2024.
    Every other case (new builds elsewhere, heating replaced in existing buildings): a
    system installed after the heat-planning deadline (§ 71 (8) GEG with § 4 WPG); the
    construction start stands for the installation date.
    """
    key, title = "geg_71", _("65 % erneuerbare Wärme")
    citation = "§ 71 Abs. 1 und 8 GEG (Gebäudeenergiegesetz 2024), § 4 WPG"
    effective = _(
        "Neubau im Neubaugebiet: Bauantrag ab %(new)s; sonst Einbau nach Ablauf der "
        "Wärmeplanungsfrist (%(large)s bei mehr als 100.000 Einwohnern, sonst %(small)s)"
    ) % {
        "new": _d(GEG_NEW_AREA_FROM),
        "large": _d(HEAT_PLAN_DEADLINE_LARGE),
        "small": _d(HEAT_PLAN_DEADLINE_SMALL),
    }

    def result(applies, satisfied, reason, missing=()):
        return RuleResult(key, title, citation, effective, applies, satisfied, reason, missing)

    if facts.kind == RENOVATION and not facts.heating_replaced:
        return result(False, None, _("Im Bestand greift die Regel nur beim Heizungstausch."))
    if facts.kind == NEW_BUILD and facts.in_new_development_area:
        if facts.application_date is None:
            return result(
                None, UNKNOWN, _("Datum des Bauantrags fehlt."), _missing("application_date")
            )
        if facts.application_date < GEG_NEW_AREA_FROM:
            return result(
                False, None, _("Bauantrag vor dem %(d)s gestellt.") % {"d": _d(GEG_NEW_AREA_FROM)}
            )
        why = _("Neubau im Neubaugebiet, Bauantrag ab dem %(d)s.") % {"d": _d(GEG_NEW_AREA_FROM)}
    else:
        needed = []
        if facts.kind == NEW_BUILD and facts.in_new_development_area is None:
            needed.append("in_new_development_area")
        deadline = heat_planning_deadline(facts.population)
        if deadline is None:
            needed.append("population")
        if facts.construction_start is None:
            needed.append("construction_start")
        if deadline is not None and facts.construction_start is not None:
            if facts.construction_start <= deadline:
                new_area_possible = facts.application_date is None or (
                    facts.application_date >= GEG_NEW_AREA_FROM
                )
                if (
                    facts.kind == NEW_BUILD
                    and facts.in_new_development_area is None
                    and new_area_possible
                ):
                    return result(
                        None,
                        UNKNOWN,
                        _("Ob der Neubau in einem Neubaugebiet liegt, ist nicht angegeben."),
                        _missing("in_new_development_area"),
                    )
                return result(
                    False,
                    None,
                    _("Einbau bis zum Ende der Wärmeplanungsfrist (%(d)s).") % {"d": _d(deadline)},
                )
            why = _("Einbau nach Ablauf der Wärmeplanungsfrist (%(d)s).") % {"d": _d(deadline)}
        else:
            return result(None, UNKNOWN, _("Es fehlen Angaben."), _missing(*needed))
    if facts.heating in RENEWABLE_HEATING:
        return result(True, YES, why + " " + _("Die gewählte Heizung erfüllt die Regel."))
    if facts.renewable_heat_share is None:
        return result(
            True,
            UNKNOWN,
            why + " " + _("Der Anteil erneuerbarer Wärme ist nicht angegeben."),
            _missing("renewable_heat_share"),
        )
    if facts.renewable_heat_share >= 65:
        return result(True, YES, why + " " + _("Mindestens 65 % erneuerbare Wärme."))
    return result(
        True,
        NO,
        why
        + " "
        + _("Nur %(share)s %% erneuerbare Wärme statt 65 %%.")
        % {"share": f"{facts.renewable_heat_share:g}".replace(".", ",")},
    )


def solar_nrw(facts: ProjectFacts) -> RuleResult:
    """§ 42a BauO NRW with the Solaranlagen-Verordnung NRW (SAN-VO): solar modules on at
    least 30 % of the roof.

    New non-residential buildings: building application from 01.01.2024; new residential
    buildings: from 01.01.2025; complete renewal of the roof covering: works started from
    01.01.2026, for buildings of the public sector (municipal) from 01.07.2024. Roofs of
    50 m² or less are exempt.
    """
    key, title = "solar_nrw", _("Solarpflicht NRW")
    citation = "§ 42a BauO NRW 2018 i. V. m. der Solaranlagen-Verordnung NRW (SAN-VO)"
    effective = _(
        "Neubau Nichtwohngebäude: Bauantrag ab %(nwg)s; Neubau Wohngebäude: ab %(wg)s; "
        "vollständige Dacherneuerung: Baubeginn ab %(roof)s, öffentliche Gebäude ab %(pub)s"
    ) % {
        "nwg": _d(SOLAR_NON_RESIDENTIAL_FROM),
        "wg": _d(SOLAR_RESIDENTIAL_FROM),
        "roof": _d(SOLAR_ROOF_RENEWAL_FROM),
        "pub": _d(SOLAR_ROOF_RENEWAL_PUBLIC_FROM),
    }

    def result(applies, satisfied, reason, missing=()):
        return RuleResult(key, title, citation, effective, applies, satisfied, reason, missing)

    if facts.roof_area is not None and facts.roof_area <= SOLAR_EXEMPT_UP_TO_M2:
        return result(False, None, _("Dachfläche bis 50 m² ist ausgenommen."))
    if facts.kind == NEW_BUILD:
        residential = facts.use in RESIDENTIAL_USES
        start = SOLAR_RESIDENTIAL_FROM if residential else SOLAR_NON_RESIDENTIAL_FROM
        if facts.application_date is None:
            return result(
                None, UNKNOWN, _("Datum des Bauantrags fehlt."), _missing("application_date")
            )
        if facts.application_date < start:
            return result(False, None, _("Bauantrag vor dem %(d)s gestellt.") % {"d": _d(start)})
        why = (
            _("Neubau eines Wohngebäudes, Bauantrag ab dem %(d)s.")
            if residential
            else _("Neubau eines Nichtwohngebäudes, Bauantrag ab dem %(d)s.")
        ) % {"d": _d(start)}
    else:
        if not facts.roof_renewal:
            return result(
                False, None, _("Im Bestand greift die Regel nur bei vollständiger Dacherneuerung.")
            )
        start = SOLAR_ROOF_RENEWAL_PUBLIC_FROM if facts.publicly_owned else SOLAR_ROOF_RENEWAL_FROM
        if facts.construction_start is None:
            return result(None, UNKNOWN, _("Baubeginn fehlt."), _missing("construction_start"))
        if facts.construction_start < start:
            return result(
                False, None, _("Dacherneuerung vor dem %(d)s begonnen.") % {"d": _d(start)}
            )
        why = _("Vollständige Dacherneuerung ab dem %(d)s.") % {"d": _d(start)}
    needed = [n for n in ("roof_area", "solar_area") if getattr(facts, n) is None]
    if needed:
        return result(True, UNKNOWN, why, _missing(*needed))
    if facts.solar_area >= SOLAR_MIN_ROOF_SHARE * facts.roof_area:
        return result(True, YES, why + " " + _("Solaranlage auf mindestens 30 % der Dachfläche."))
    share = 100 * facts.solar_area / facts.roof_area
    return result(
        True,
        NO,
        why
        + " "
        + _("Solaranlage nur auf %(share)s %% der Dachfläche statt 30 %%.")
        % {"share": f"{share:.0f}"},
    )


def epbd_zero_emission(facts: ProjectFacts) -> RuleResult:
    """Art. 7 (1) a) Directive (EU) 2024/1275 (EPBD recast): new buildings owned by public
    bodies are zero-emission buildings from 01.01.2028 (all new buildings from 2030). The
    building application date decides. Checked here: no on-site fossil heating; the
    energy-demand limits of Annex III need the national transposition and are not checked.
    """
    key, title = "epbd_zeb", _("Nullemissionsgebäude (EPBD)")
    citation = "Art. 7 Abs. 1 Buchst. a Richtlinie (EU) 2024/1275 (EPBD)"
    effective = _("Neubau öffentlicher Gebäude: ab %(d)s") % {
        "d": _d(EPBD_PUBLIC_ZERO_EMISSION_FROM)
    }

    def result(applies, satisfied, reason, missing=()):
        return RuleResult(key, title, citation, effective, applies, satisfied, reason, missing)

    if facts.kind != NEW_BUILD or not facts.publicly_owned:
        return result(False, None, _("Gilt ab 2028 nur für Neubauten der öffentlichen Hand."))
    if facts.application_date is None:
        return result(None, UNKNOWN, _("Datum des Bauantrags fehlt."), _missing("application_date"))
    if facts.application_date < EPBD_PUBLIC_ZERO_EMISSION_FROM:
        return result(
            False,
            None,
            _("Bauantrag vor dem %(d)s gestellt.") % {"d": _d(EPBD_PUBLIC_ZERO_EMISSION_FROM)},
        )
    why = _("Öffentlicher Neubau, Bauantrag ab dem %(d)s.") % {
        "d": _d(EPBD_PUBLIC_ZERO_EMISSION_FROM)
    }
    if not facts.heating:
        return result(True, UNKNOWN, why, _missing("heating"))
    if facts.heating in FOSSIL_HEATING:
        return result(True, NO, why + " " + _("Fossile Heizung vor Ort ist ausgeschlossen."))
    return result(True, YES, why + " " + _("Keine fossile Heizung vor Ort."))


RULES = (geg_71, solar_nrw, epbd_zero_emission)


def check(facts: ProjectFacts) -> list[RuleResult]:
    return [rule(facts) for rule in RULES]


# Summary of all rules for one project, stored on the project for lists and filters.
STATUS_OK, STATUS_PROBLEM, STATUS_OPEN, STATUS_NONE = "ok", "problem", "open", "none"


def status(results: list[RuleResult]) -> str:
    """ "problem" if any applicable rule fails, else "open" if any answer is unknown,
    else "ok" if some rule applies and holds, else "none" (no rule applies)."""
    if any(r.failed for r in results):
        return STATUS_PROBLEM
    if any(r.open for r in results):
        return STATUS_OPEN
    if any(r.applies for r in results):
        return STATUS_OK
    return STATUS_NONE


def failures(results: list[RuleResult]) -> list[str]:
    """Short texts of the failed rules, as the scoring takes them."""
    return [f"{r.title} ({r.citation})" for r in results if r.failed]
