from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from tests.factories.cooperation import PlanWorld


@pytest.fixture
def world(db: None) -> PlanWorld:
    return PlanWorld()


@pytest.fixture(autouse=True)
def no_recount_waiting() -> Iterator[None]:
    """Recount marks live in the task queue's storage (memory in tests), not in the database that each test rolls
    back: a mark left by one test must not hold back another's recount of an event with the same id."""
    HUEY.flush()
    yield
    HUEY.flush()
