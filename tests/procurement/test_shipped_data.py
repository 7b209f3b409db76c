"""The data shipped with the app is the shared data set, unchanged; and nothing else in
the suite needs shared/ beside the repository (a clean clone has none)."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {
    "eu-gpp-criteria.json": ROOT / "procurement" / "data",
    "eu-gpp-criteria-documents.json": ROOT / "procurement" / "data",
    "LICENSE-eu-gpp-criteria.txt": ROOT / "procurement" / "data",
    "knn-members.csv": ROOT / "network" / "data",
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_copy_matches_shared(name):
    if not SHARED.exists():
        pytest.skip("shared/ is not beside the repository")
    assert (SHIPPED[name] / name).read_bytes() == (SHARED / name).read_bytes()


def test_no_other_code_or_test_reads_shared():
    """Only the comparison above may look beside the repository."""
    readers = []
    for app in ("network", "procurement", "building", "tests", "knn_portal", "bench"):
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "test_shipped_data.py" and '"shared"' in text:
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []
