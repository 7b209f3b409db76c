from dataclasses import dataclass

import pytest

from building import services
from building.models import BuildingSettings
from tests.building.factories import (
    GuidelineFactory,
    ProjectFactory,
    gas_and_heat_pump,
    small_board,
)


@dataclass
class Data:
    board: object  # active small board of the KNN network
    project: object  # Lünen's school
    herten_project: object
    assessment: object  # draft assessment of Lünen's school on `board`
    guideline: object  # published
    draft_guideline: object
    variants: tuple


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The actors' passwords are hashed with PBKDF2 otherwise: seconds per test on 2 cores.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data(actors):
    BuildingSettings.objects.create(
        network=actors.network, discount_rate_pct=0, period_years=20, co2_price_eur_per_t=0
    )
    board = small_board(actors.network)
    project = ProjectFactory(membership=actors.luenen, name="Grundschule am Park")
    herten_project = ProjectFactory(membership=actors.herten, name="Feuerwache Herten")
    assessment = services.assessment_start(project=project, board=board)
    return Data(
        board=board,
        project=project,
        herten_project=herten_project,
        assessment=assessment,
        guideline=GuidelineFactory(network=actors.network, title="Leitlinie Wärme"),
        draft_guideline=GuidelineFactory(
            network=actors.network, title="Entwurf Solar", status="draft"
        ),
        variants=gas_and_heat_pump(project),
    )
