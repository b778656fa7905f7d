"""A real task worker stopped in the middle of a people import (SIGTERM, as `systemctl restart` sends, and
SIGKILL): the next worker imports the file, and every person is in the registry exactly once."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tamyr.registry import imports, tasks
from tamyr.registry.models import ImportStatus, Organization, Person, PersonImport
from tests.registry.test_import_jobs import confirmed_import
from tests.worker_world import WorkerWorld, worker_test

ROWS = 24  # checked in chunks of 4, each slowed to 0.5 s: 3 s of checking, with a lease of 2 s


class ImportWorld(WorkerWorld):
    def record(self, pk: int) -> dict[str, Any]:
        columns = ["status", "processed_rows", "imported_rows", "lease_owner", "attempts"]
        return self.row("registry_personimport", pk, columns)

    def people(self) -> int:
        return self.count(Person._meta.db_table)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ImportWorld]:
    shared = ImportWorld(tmp_path)
    yield shared
    shared.stop_all()


def started(organization: Organization, monkeypatch: pytest.MonkeyPatch) -> PersonImport:
    """A confirmed import whose task is not run here (the test's tasks run at once): the worker's sweep runs it."""
    monkeypatch.setattr(tasks, "run_import_task", lambda pk: None)
    record = confirmed_import(organization, ROWS)
    assert record.started_at is not None and record.status == ImportStatus.PENDING
    return record


def assert_imported_once_each(record: PersonImport, world: ImportWorld) -> None:
    world.collect()
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and record.imported_rows == ROWS and record.lease_owner == ""
    names = list(Person.objects.values_list("display_name", flat=True))
    assert len(names) == ROWS and len(set(names)) == ROWS  # every row once: no person lost, none twice
    assert record.attempts == 2
    assert list(world.tmp_dir(1).iterdir()) == []  # the worker that finished left no staging or report file


@worker_test
def test_sigterm_hands_the_import_back_at_once_and_the_next_worker_imports_it(
    world: ImportWorld, organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = started(organization, monkeypatch)
    world.share()
    worker = world.start_worker()  # its start-up sweep queues the confirmed import
    world.wait_for(lambda: world.record(record.pk)["processed_rows"] >= 8)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    stopped = world.record(record.pk)
    assert stopped["status"] == ImportStatus.PENDING and stopped["lease_owner"] == ""  # handed back, not stranded
    assert stopped["processed_rows"] < ROWS and world.people() == 0  # stopped in the check, nothing written
    assert list(world.tmp_dir(0).iterdir()) == []  # its staging and report files went with its work

    worker = world.start_worker()
    world.wait_for(lambda: world.record(record.pk)["status"] == ImportStatus.DONE)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    assert_imported_once_each(record, world)


@worker_test
def test_a_killed_workers_import_is_taken_over_when_its_lease_expires(
    world: ImportWorld, organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = started(organization, monkeypatch)
    world.share()
    worker = world.start_worker()
    world.wait_for(lambda: world.record(record.pk)["processed_rows"] >= 8)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    killed = world.record(record.pk)
    assert killed["status"] == ImportStatus.RUNNING and killed["lease_owner"]  # stranded until the lease ends
    assert world.people() == 0

    worker = world.start_worker()
    world.wait_for(lambda: world.record(record.pk)["status"] == ImportStatus.DONE)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(20) == 0
    assert_imported_once_each(record, world)
    assert imports.CHUNK == 5000  # the slowing down was the worker's only
