"""The EU GPP data shipped with the app is the shared data set, unchanged."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "procurement" / "data"


@pytest.mark.parametrize(
    "name",
    ["eu-gpp-criteria.json", "eu-gpp-criteria-documents.json", "LICENSE-eu-gpp-criteria.txt"],
)
def test_shipped_copy_matches_shared(name):
    if not SHARED.exists():
        pytest.skip("shared/ is not beside the repository")
    assert (SHIPPED / name).read_bytes() == (SHARED / name).read_bytes()
