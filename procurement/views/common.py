"""What several procurement view modules share."""

from pathlib import Path

from ..importer import load_documents

# A copy of shared/data ships with the app (MIT licence beside it), so a deployment without
# the shared folder still knows the EU GPP documents.
DOCUMENTS_FILE = Path(__file__).resolve().parents[1] / "data" / "eu-gpp-criteria-documents.json"


def _documents():
    """CPV codes of the EU GPP documents."""
    return load_documents(DOCUMENTS_FILE)
