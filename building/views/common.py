"""Lookups scoped to the network that several building view modules share."""

from ..models import (
    Assessment,
    BuildingProject,
    ScoringBoard,
)


def _projects(access):
    return BuildingProject.objects.of_network(access.network).select_related(
        "membership__municipality", "membership__network"
    )


def _project(access, pk):
    return access.get(_projects(access), pk=pk)


def _board(access, pk):
    return access.get(ScoringBoard.objects.filter(network=access.network), pk=pk)


def _assessment(access, pk):
    return access.get(
        Assessment.objects.of_network(access.network).select_related(
            "board",
            "project__membership__municipality",
            "project__membership__network",
            "finalised_by",
        ),
        pk=pk,
    )


def _number(text: str) -> int | None:
    """A positive id or revision from a form or query string; None for anything else
    ("abc", "²", a number too large for the database), never an exception."""
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    return None
