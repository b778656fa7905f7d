"""Two workers editing one case never silently overwrite each other: threads with their own connections write at
once with the version they read; exactly one write per version wins, the others get a conflict, and every
acknowledged write is in the database. PostgreSQL only (SQLite serializes writers; CI runs the suite on both)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from tamyr.cases import services
from tamyr.cases.models import Case, CaseNote
from tests.factories.cases import case_world

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: parallel connections and row locks",
    ),
]


def _run_together(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            results[index] = work(index)
        except BaseException as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_writers_with_the_same_version_one_wins_the_others_get_a_conflict() -> None:
    world = case_world()
    case_id = world.case.pk

    def write(index: int) -> str:
        case = Case.objects.get(pk=case_id)
        try:
            services.note_add(case=case, version=1, text=f"note {index}", acting_user=world.worker)
        except services.CaseConflict:
            return "conflict"
        return "written"

    results = _run_together(8, write)
    assert sorted(results) == ["conflict"] * 7 + ["written"]
    assert CaseNote.objects.filter(case_id=case_id).count() == 1
    assert Case.objects.get(pk=case_id).version == 2


def test_writers_that_retry_on_conflict_lose_no_update() -> None:
    world = case_world()
    case_id = world.case.pk

    def write(index: int) -> int:
        written = 0
        for step in range(5):
            while True:
                case = Case.objects.get(pk=case_id)
                try:
                    services.note_add(case=case, version=case.version, text=f"{index}-{step}", acting_user=world.worker)
                except services.CaseConflict:
                    continue
                written += 1
                break
        return written

    results = _run_together(6, write)
    assert results == [5] * 6
    assert CaseNote.objects.filter(case_id=case_id).count() == 30
    assert Case.objects.get(pk=case_id).version == 31
