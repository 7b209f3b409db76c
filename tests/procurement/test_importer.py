"""The EU GPP importer on the app's copy of the shared file and on malformed files."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from procurement.importer import ImportRefused, import_criteria, load_documents, parse
from procurement.models import Criterion, Level, ProductGroup, Stage

pytestmark = pytest.mark.django_db

# The copy the app ships (test_shipped_data.py holds it to shared/data/): no test may need
# anything beside the repository.
DATA = Path(__file__).resolve().parents[2] / "procurement" / "data"
GPP_FILE = DATA / "eu-gpp-criteria.json"
DOCUMENTS = DATA / "eu-gpp-criteria-documents.json"

ENTRY = {
    "gppDocument": "EU GPP Criteria for Furniture",
    "gppSource": "eu",
    "category": "Procurement of new furniture",
    "criterionType": "Technical specification",
    "ambitionLevel": "Core",
    "id": "TS1",
    "name": "Sourcing of legal timber",
    "relevantCpvCodes": ["39100000"],
    "environmentalImpactType": "other",
    "description": "Text",
    "selectionCriterionType": None,
}


def entry(**changes):
    return {**ENTRY, **changes}


def raw(*entries):
    return json.dumps(list(entries)).encode()


def test_shared_file_counts_per_stage_and_level(actors):
    summary = import_criteria(actors.network, GPP_FILE.read_bytes(), load_documents(DOCUMENTS))
    # 165 entries, 41 of them "Both" → 206 criteria.
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (206, 0, 0, 0)
    criteria = Criterion.objects.filter(network=actors.network)
    assert criteria.count() == 206
    counts = {
        (stage, level): criteria.filter(stage=stage, level=level).count()
        for stage in Stage
        for level in Level
    }
    assert counts == {
        (Stage.SPECIFICATION, Level.CORE): 25 + 15,
        (Stage.SPECIFICATION, Level.COMPREHENSIVE): 46 + 15,
        (Stage.AWARD, Level.CORE): 12 + 10,
        (Stage.AWARD, Level.COMPREHENSIVE): 30 + 10,
        (Stage.CLAUSE, Level.CORE): 1 + 12,
        (Stage.CLAUSE, Level.COMPREHENSIVE): 8 + 12,
        (Stage.SELECTION, Level.CORE): 0 + 4,
        (Stage.SELECTION, Level.COMPREHENSIVE): 2 + 4,
    }
    assert criteria.filter(level=Level.CORE).count() == 79
    assert criteria.filter(level=Level.COMPREHENSIVE).count() == 127
    # "Award Criteria" and "Award criteria" are one stage.
    assert criteria.filter(stage=Stage.AWARD).count() == 62
    groups = ProductGroup.objects.filter(network=actors.network).order_by("name")
    assert [g.name for g in groups] == [
        "IT-Geräte",
        "Möbel",
        "Rechenzentren und Cloud-Dienste",
        "Reinigungsdienstleistungen",
    ]
    assert groups.get(name="IT-Geräte").cpv_codes == ["30200000", "32250000"]
    assert all(c.status == Criterion.Status.DRAFT for c in criteria)


def test_second_run_changes_nothing(actors):
    import_criteria(actors.network, GPP_FILE.read_bytes())
    before = list(Criterion.objects.order_by("pk").values())
    summary = import_criteria(actors.network, GPP_FILE.read_bytes())
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 206)
    assert list(Criterion.objects.order_by("pk").values()) == before


def test_changed_agreed_criterion_gets_a_new_revision_retired_is_skipped(actors):
    import_criteria(actors.network, raw(entry(), entry(id="TS2", name="Zweites")))
    first = Criterion.objects.get(gpp_id="TS1")
    first.status = Criterion.Status.AGREED
    first.save()
    Criterion.objects.filter(gpp_id="TS2").update(status=Criterion.Status.RETIRED)
    summary = import_criteria(
        actors.network, raw(entry(name="Legal timber, new wording"), entry(id="TS2", name="X"))
    )
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (0, 1, 0, 1)
    revisions = Criterion.objects.filter(family=first.family).order_by("revision")
    assert [(c.revision, c.title, c.is_current, c.status) for c in revisions] == [
        (1, "Sourcing of legal timber", False, "agreed"),
        (2, "Legal timber, new wording", True, "draft"),
    ]
    assert Criterion.objects.get(gpp_id="TS2").title == "Zweites"


def test_other_network_is_not_touched(actors):
    import_criteria(actors.other_network, raw(entry()))
    summary = import_criteria(actors.network, raw(entry()))
    assert summary.created == 1
    assert Criterion.objects.count() == 2


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"{not json", "kein gültiges JSON"),
        (b"\xff\xfe", "kein gültiges JSON"),
        (json.dumps({"a": 1}).encode(), "Liste von Kriterien"),
        (b"[]", "enthält keine Kriterien"),
        (raw(entry(), "text"), "Eintrag 2: kein Objekt"),
        (
            raw({k: v for k, v in ENTRY.items() if k != "name"}),
            "Eintrag 1 (TS1): Felder fehlen: name",
        ),
        (raw(entry(criterionType="Tender wish")), "unbekannte Vergabestufe „Tender wish“"),
        (raw(entry(ambitionLevel="Extreme")), "unbekanntes Anspruchsniveau „Extreme“"),
        (raw(entry(environmentalImpactType="noise")), "unbekannte Umweltwirkung „noise“"),
        (raw(entry(relevantCpvCodes=["3020"])), "CPV-Codes müssen achtstellige"),
        (raw(entry(relevantCpvCodes=["３０２０００００"])), "CPV-Codes müssen achtstellige"),
        (raw(entry(id="")), "„id“ ist leer"),
        (raw(entry(), entry(ambitionLevel="Both")), "Eintrag 2 (TS1): doppelt mit Eintrag 1"),
    ],
)
def test_malformed_file_is_refused_with_problems_and_nothing_imported(actors, content, problem):
    with pytest.raises(ImportRefused) as refused:
        import_criteria(actors.network, content)
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert not Criterion.objects.exists()
    assert not ProductGroup.objects.exists()


def test_all_problems_are_listed_by_entry(actors):
    content = raw(entry(), entry(id="TS9", criterionType="?"), entry(id="TS10", ambitionLevel="x"))
    with pytest.raises(ImportRefused) as refused:
        import_criteria(actors.network, content)
    assert [p.split(":")[0] for p in refused.value.problems] == [
        "Eintrag 2 (TS9)",
        "Eintrag 3 (TS10)",
    ]
    assert not Criterion.objects.exists()


def test_spellings_are_normalised():
    rows = parse(
        raw(
            entry(criterionType="Award Criteria", ambitionLevel=" both "),
            entry(id="X", criterionType="contract performing  clause", ambitionLevel="CORE"),
        )
    )
    assert [(r.stage, r.level) for r in rows] == [
        ("award", "core"),
        ("award", "comprehensive"),
        ("clause", "core"),
    ]


def test_command_prints_summary(actors):
    out = StringIO()
    call_command("import_gpp_criteria", str(GPP_FILE), network="knn", stdout=out)
    text = out.getvalue()
    assert "206 neu, 0 aktualisiert, 0 unverändert, 0 übersprungen" in text
    assert "Technische Spezifikation: Kernkriterium 40, Umfassendes Kriterium 61" in text
    out = StringIO()
    call_command("import_gpp_criteria", str(GPP_FILE), network="knn", stdout=out)
    assert "0 neu, 0 aktualisiert, 206 unverändert, 0 übersprungen" in out.getvalue()


def test_command_refuses_malformed_file(actors, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(raw(entry(criterionType="?")))
    with pytest.raises(CommandError, match="Eintrag 1 \\(TS1\\): unbekannte Vergabestufe"):
        call_command("import_gpp_criteria", str(bad), network="knn")
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import_gpp_criteria", str(GPP_FILE), network="nope")
    assert not Criterion.objects.exists()
