from __future__ import annotations

import pytest

from tests.factories.cooperation import PlanWorld


@pytest.fixture
def world(db: None) -> PlanWorld:
    return PlanWorld()
