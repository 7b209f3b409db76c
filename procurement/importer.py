"""Import of the EU GPP criteria list (format: shared/data/README.md).

Validation runs over the whole file first; only a file without problems is written, in
one transaction, so nothing is ever half-imported. Entries are keyed by
(document, category, level, id) — the id alone is unique only within those. `Both` as
ambition level stands for both levels and becomes one criterion per level.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Criterion, Impact, Level, ProductGroup, Stage
from .services import criterion_revise

REQUIRED_FIELDS = {
    "gppDocument",
    "category",
    "criterionType",
    "ambitionLevel",
    "id",
    "name",
    "relevantCpvCodes",
    "environmentalImpactType",
    "description",
}

STAGES = {
    "technical specification": Stage.SPECIFICATION,
    "technical specifications": Stage.SPECIFICATION,
    "award criteria": Stage.AWARD,
    "award criterion": Stage.AWARD,
    "contract performing clause": Stage.CLAUSE,
    "contract performance clause": Stage.CLAUSE,
    "contract performance clauses": Stage.CLAUSE,
    "selection criteria": Stage.SELECTION,
    "selection criterion": Stage.SELECTION,
}
LEVELS = {
    "core": [Level.CORE],
    "comprehensive": [Level.COMPREHENSIVE],
    "both": [Level.CORE, Level.COMPREHENSIVE],
}
IMPACTS = {choice.value for choice in Impact}

# Fields compared to decide between "updated" and "unchanged".
COMPARED = ["title", "description", "stage", "impact", "cpv_codes", "product_group_id"]


@dataclass
class Row:
    document: str
    category: str
    level: str
    gpp_id: str
    title: str
    description: str
    stage: str
    impact: str
    cpv_codes: list

    @property
    def key(self):
        return (self.document, self.category, self.level, self.gpp_id)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    # Criteria written, per (stage, level), for the report.
    by_stage_level: dict = field(default_factory=dict)

    def __str__(self):
        return _(
            "%(created)d neu, %(updated)d aktualisiert, %(unchanged)d unverändert, "
            "%(skipped)d übersprungen"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


class ImportRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _norm(text) -> str:
    return " ".join(str(text).split())


def parse(raw: bytes | str) -> list[Row]:
    """The file's entries as rows (one per level), or ImportRefused with every problem."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportRefused(
            [_("Die Datei ist kein gültiges JSON: %(error)s") % {"error": error}]
        ) from None
    if not isinstance(data, list):
        raise ImportRefused([_("Die Datei muss eine Liste von Kriterien enthalten.")])
    if not data:
        raise ImportRefused([_("Die Datei enthält keine Kriterien.")])
    problems, rows, seen = [], [], {}
    for number, entry in enumerate(data, start=1):
        where = _("Eintrag %(n)d") % {"n": number}
        if not isinstance(entry, dict):
            problems.append(_("%(where)s: kein Objekt.") % {"where": where})
            continue
        if entry.get("id"):
            where = f"{where} ({entry.get('id')})"
        missing = sorted(REQUIRED_FIELDS - entry.keys())
        if missing:
            problems.append(
                _("%(where)s: Felder fehlen: %(fields)s")
                % {"where": where, "fields": ", ".join(missing)}
            )
            continue
        entry_problems = []
        for name in ("gppDocument", "id", "name"):
            if not isinstance(entry[name], str) or not entry[name].strip():
                entry_problems.append(_("„%(field)s“ ist leer.") % {"field": name})
        stage = STAGES.get(_norm(entry["criterionType"]).lower())
        if stage is None:
            entry_problems.append(
                _("unbekannte Vergabestufe „%(value)s“.") % {"value": entry["criterionType"]}
            )
        levels = LEVELS.get(_norm(entry["ambitionLevel"]).lower())
        if levels is None:
            entry_problems.append(
                _("unbekanntes Anspruchsniveau „%(value)s“.") % {"value": entry["ambitionLevel"]}
            )
        impact = _norm(entry["environmentalImpactType"] or "other").lower()
        if impact not in IMPACTS:
            entry_problems.append(
                _("unbekannte Umweltwirkung „%(value)s“.")
                % {"value": entry["environmentalImpactType"]}
            )
        cpv = entry["relevantCpvCodes"] or []
        if not isinstance(cpv, list) or not all(
            isinstance(code, str) and len(code) == 8 and code.isascii() and code.isdigit()
            for code in cpv
        ):
            entry_problems.append(_("CPV-Codes müssen achtstellige Ziffernfolgen sein."))
        if entry["category"] is not None and not isinstance(entry["category"], str):
            entry_problems.append(_("„category“ muss Text sein."))
        if entry_problems:
            problems.append(f"{where}: " + " ".join(entry_problems))
            continue
        for level in levels:
            row = Row(
                document=_norm(entry["gppDocument"]),
                category=_norm(entry["category"] or ""),
                level=level,
                gpp_id=_norm(entry["id"]),
                title=_norm(entry["name"])[:300],
                description=str(entry["description"] or "").strip(),
                stage=stage,
                impact=impact,
                cpv_codes=sorted(cpv),
            )
            if row.key in seen:
                problems.append(
                    _(
                        "%(where)s: doppelt mit Eintrag %(other)d (gleiches Dokument, Bereich, "
                        "Niveau und Kennung)."
                    )
                    % {"where": where, "other": seen[row.key]}
                )
                continue
            seen[row.key] = number
            rows.append(row)
    if problems:
        raise ImportRefused(problems)
    return rows


def load_documents(path: Path | None) -> dict[str, list[str]]:
    """CPV codes per EU GPP document name, from eu-gpp-criteria-documents.json."""
    if path is None or not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {_norm(doc["name"]): list(doc.get("relevantCpvCodes") or []) for doc in data}


# German names of the product groups for the EU GPP documents.
GROUP_NAMES = {
    "EU GPP Criteria for Furniture": "Möbel",
    "EU GPP Criteria for computers, monitors, tablets and smartphones": "IT-Geräte",
    "EU GPP Criteria for data centres, server rooms and cloud services": (
        "Rechenzentren und Cloud-Dienste"
    ),
    "EU GPP Criteria for Indoor Cleaning Services": "Reinigungsdienstleistungen",
    "EU GPP Criteria for electricity": "Strom",
    "EU GPP Criteria for food, catering services and vending machines": "Lebensmittel und Catering",
}


def _group_for(network, document, documents, groups):
    group = groups.get(document)
    if group is None:
        group = ProductGroup.objects.filter(network=network, gpp_document=document).first()
    if group is None:
        name = GROUP_NAMES.get(document, document)[:200]
        group, _created = ProductGroup.objects.get_or_create(
            network=network,
            name=name,
            defaults={"gpp_document": document, "cpv_codes": documents.get(document, [])},
        )
        if not group.gpp_document:
            group.gpp_document = document
            group.save(update_fields=["gpp_document"])
    groups[document] = group
    return group


def import_criteria(network, raw, documents: dict | None = None) -> Summary:
    """Import the file's criteria into `network`'s catalogue. Idempotent.

    - new entry → created (draft);
    - existing draft that differs → updated in place;
    - existing agreed criterion that differs → new revision (counted as updated);
    - existing retired criterion → skipped (the network decided against it);
    - otherwise unchanged.
    """
    rows = parse(raw)
    documents = documents or {}
    summary = Summary()
    with transaction.atomic():
        existing = {
            c.source_key: c
            for c in Criterion.objects.filter(
                network=network, source=Criterion.Source.EU_GPP, is_current=True
            )
        }
        groups = {}
        for row in rows:
            group = _group_for(network, row.document, documents, groups)
            values = {
                "title": row.title,
                "description": row.description,
                "stage": row.stage,
                "impact": row.impact,
                "cpv_codes": row.cpv_codes,
                "product_group_id": group.pk,
            }
            criterion = existing.get(row.key)
            stage_level = (row.stage, row.level)
            if criterion is None:
                criterion = Criterion(
                    network=network,
                    source=Criterion.Source.EU_GPP,
                    gpp_document=row.document,
                    gpp_category=row.category,
                    gpp_id=row.gpp_id,
                    level=row.level,
                    **values,
                )
                criterion.full_clean()
                criterion.save()
                summary.created += 1
            elif criterion.status == Criterion.Status.RETIRED:
                summary.skipped += 1
                continue
            elif all(getattr(criterion, name) == value for name, value in values.items()):
                summary.unchanged += 1
            else:
                changes = {k: v for k, v in values.items() if getattr(criterion, k) != v}
                criterion_revise(criterion=criterion, changes=changes)
                summary.updated += 1
            summary.by_stage_level[stage_level] = summary.by_stage_level.get(stage_level, 0) + 1
    return summary
