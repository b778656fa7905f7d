"""People imports and dedupe runs as resumable jobs (`tamyr.core.jobs`): the claim, the heartbeat that keeps a live
run's lease, the lease checked by the final transaction, and the checkpoint on SIGTERM. A real worker killed in the
middle of an import: tests/registry/test_import_kill.py."""

from __future__ import annotations

import csv
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core import jobs, worker
from tamyr.core.models import AuditEntry
from tamyr.registry import dedupe, imports
from tamyr.registry.models import (
    DedupeRun,
    DuplicateCandidate,
    ImportStatus,
    Organization,
    Person,
    PersonImport,
    RunStatus,
)
from tests.factories import PersonFactory, country

pytestmark = pytest.mark.django_db

ROWS = 12


def people_file(count: int = ROWS) -> SimpleUploadedFile:
    lines = [["Name", "Year of birth"]] + [[f"Person Number{index:03d}", "1980"] for index in range(count)]
    with tempfile.SpooledTemporaryFile(mode="w+", newline="") as handle:
        csv.writer(handle).writerows(lines)
        handle.seek(0)
        text = handle.read()
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def confirmed_import(organization: Organization, count: int = ROWS) -> PersonImport:
    """An uploaded file whose columns were confirmed: what the task worker gets (its task is not run here)."""
    record = imports.person_import_create(file=people_file(count), organization=organization, acting_user=None)
    return imports.person_import_start(record=record, mapping=dict(record.mapping), acting_user=None)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, float]]:
    """What the jobs mechanism queues for imports and dedupe runs, instead of running it."""
    calls: list[tuple[str, int, float]] = []
    for model in (PersonImport, DedupeRun):
        label = model._meta.label
        monkeypatch.setitem(
            jobs._runners, label, (model, lambda pk, delay, label=label: calls.append((label, pk, delay)))
        )
    return calls


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """The worker's stop flag, as the consumer registers it (set by SIGTERM)."""
    flag = threading.Event()
    worker.watch_stop_flag(flag)
    yield flag
    worker.forget_stop_flag(flag)


@pytest.fixture
def every_chunk(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[int], None]], None]:
    """Chunks of two rows, and `hook(chunk number)` called as each chunk is checked."""
    monkeypatch.setattr(imports, "CHUNK", 2)
    real = imports.Validator.check_chunk

    def install(hook: Callable[[int], None]) -> None:
        count = {"n": 0}

        def check_chunk(self: imports.Validator, chunk: Any) -> Any:
            count["n"] += 1
            hook(count["n"])
            return real(self, chunk)

        monkeypatch.setattr(imports.Validator, "check_chunk", check_chunk)

    return install


def take_over(model: type[jobs.Job], pk: int) -> jobs.Lease:
    """Another worker takes the job: this one's lease expired (it stalled) and the other claimed it."""
    model._default_manager.filter(pk=pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    lease = jobs.claim(model, pk)
    assert lease is not None
    return lease


def left_over_reports() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob("tamyr-import-report-*"))


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


# --- imports ------------------------------------------------------------------------------------------------------


def test_an_import_is_claimed_only_once_its_columns_are_confirmed(organization: Organization) -> None:
    record = imports.person_import_create(file=people_file(), organization=organization, acting_user=None)
    assert jobs.claim(PersonImport, record.pk) is None  # at the mapping step: the user has not said go
    imports.person_import_start(record=record, mapping=dict(record.mapping), acting_user=None)
    assert jobs.claim(PersonImport, record.pk) is not None
    assert jobs.claim(PersonImport, record.pk) is None  # held: a second worker gets nothing


def test_an_import_held_by_another_worker_is_not_run_twice(organization: Organization) -> None:
    record = confirmed_import(organization)
    other = jobs.claim(PersonImport, record.pk)
    assert other is not None
    imports.person_import_run(record=record)
    record.refresh_from_db()
    assert record.status == ImportStatus.RUNNING and record.lease_owner == other.owner
    assert not Person.objects.exists()


def test_the_heartbeat_keeps_the_lease_through_a_check_longer_than_the_lease(
    organization: Organization, settings: Any, every_chunk: Any
) -> None:
    settings.TAMYR_JOB_LEASE_SECONDS = 1
    record = confirmed_import(organization)
    claims: list[jobs.Lease | None] = []

    def slow(chunk: int) -> None:
        time.sleep(0.25)  # six chunks: 1.5 s of checking, with a lease of 1 s
        if chunk == 6:
            claims.append(jobs.claim(PersonImport, record.pk))

    every_chunk(slow)
    record = imports.person_import_run(record=record)
    assert claims == [None]  # still this run's after 1.25 s: the lease was renewed as the check went
    assert record.status == ImportStatus.DONE and record.imported_rows == ROWS and record.attempts == 1
    assert Person.objects.count() == ROWS and record.lease_owner == ""


def test_a_run_whose_import_was_taken_over_stops_without_writing(
    organization: Organization, settings: Any, every_chunk: Any
) -> None:
    settings.TAMYR_JOB_LEASE_SECONDS = 1
    record = confirmed_import(organization)
    other: list[jobs.Lease] = []

    def stall(chunk: int) -> None:
        time.sleep(0.2)
        if chunk == 3:
            other.append(take_over(PersonImport, record.pk))

    every_chunk(stall)
    record = imports.person_import_run(record=record)
    assert record.status == ImportStatus.RUNNING and record.lease_owner == other[0].owner  # left to the other run
    assert not Person.objects.exists() and not record.report and left_over_reports() == []


def test_a_takeover_just_before_the_commit_rolls_the_whole_write_back(
    organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = confirmed_import(organization)
    real = imports._write_chunks

    def written_then_taken_over(*args: Any, **kwargs: Any) -> int:
        written = real(*args, **kwargs)
        assert Person.objects.count() == ROWS  # written, not committed
        take_over(PersonImport, record.pk)
        return written

    monkeypatch.setattr(imports, "_write_chunks", written_then_taken_over)
    record = imports.person_import_run(record=record)
    # (the takeover itself is rolled back too here: in this test both workers share one connection)
    assert record.status == ImportStatus.WRITING and record.imported_rows == 0 and record.finished_at is None
    assert not Person.objects.exists()
    assert not AuditEntry.objects.filter(action="registry.people_imported").exists()


def test_the_import_is_marked_finished_in_the_transaction_that_writes_it(
    organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies right after the commit must leave an import that is done, not one to import again."""
    record = confirmed_import(organization)
    real = imports._write_chunks
    seen: list[str] = []

    def write(*args: Any, **kwargs: Any) -> int:
        written = real(*args, **kwargs)
        seen.append(PersonImport.objects.get(pk=record.pk).status)
        return written

    monkeypatch.setattr(imports, "_write_chunks", write)
    real_finish = imports._StagedSink.finish

    def finish_then_die(self: Any, *, commit: bool) -> int:
        real_finish(self, commit=commit)
        raise SystemExit  # killed between the commit and anything after it

    monkeypatch.setattr(imports._StagedSink, "finish", finish_then_die)
    with pytest.raises(SystemExit):
        imports.person_import_run(record=record)
    record.refresh_from_db()
    assert seen == [ImportStatus.WRITING]
    assert record.status == ImportStatus.DONE and record.imported_rows == ROWS and record.lease_owner == ""
    assert jobs.claim(PersonImport, record.pk) is None  # nothing for a next worker to do again


def test_sigterm_stops_the_check_and_hands_the_import_back_with_nothing_written(
    organization: Organization, every_chunk: Any, stop: threading.Event, queued: list[tuple[str, int, float]]
) -> None:
    record = confirmed_import(organization)
    checked: list[int] = []

    def terminated(chunk: int) -> None:
        checked.append(chunk)
        if chunk == 2:
            stop.set()

    every_chunk(terminated)
    record = imports.person_import_run(record=record)
    assert record.status == ImportStatus.PENDING and record.lease_owner == "" and record.attempts == 1
    assert checked == [1, 2]  # it stopped after the chunk in hand, in the middle of the file
    assert queued == [(PersonImport._meta.label, record.pk, 0)]  # queued again at once for the next worker
    assert not Person.objects.exists() and not record.report and left_over_reports() == []

    stop.clear()
    record = imports.person_import_run(record=record)
    assert record.status == ImportStatus.DONE and Person.objects.count() == ROWS and record.attempts == 2


def test_a_killed_workers_import_is_queued_again_when_its_lease_expires(
    organization: Organization, queued: list[tuple[str, int, float]]
) -> None:
    record = confirmed_import(organization)
    waiting = imports.person_import_create(file=people_file(), organization=organization, acting_user=None)
    lease = jobs.claim(PersonImport, record.pk)
    assert lease is not None
    PersonImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.WRITING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    jobs.sweep(at_start=True)
    assert queued == [(PersonImport._meta.label, record.pk, 0)]  # not the one still at the mapping step
    assert waiting.pk != record.pk
    record = imports.person_import_run(record=record)
    assert record.status == ImportStatus.DONE and Person.objects.count() == ROWS and record.attempts == 2


def test_a_stranded_import_is_shown_waiting_not_running(
    client: Client, org_staff: User, organization: Organization
) -> None:
    record = confirmed_import(organization)
    assert jobs.claim(PersonImport, record.pk) is not None
    client.force_login(org_staff)
    page = client.get(f"/people/import/{record.pk}/progress/").content.decode()
    assert str(ImportStatus.RUNNING.label) in page
    PersonImport.objects.filter(pk=record.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(f"/people/import/{record.pk}/progress/").content.decode()
    assert str(ImportStatus.RUNNING.label) not in page and str(ImportStatus.PENDING.label) in page
    assert 'hx-trigger="every 2s"' in page  # and still polled: the next worker will run it


# --- dedupe runs --------------------------------------------------------------------------------------------------


@pytest.fixture
def twins(organization: Organization) -> list[Person]:
    return [
        PersonFactory(
            display_name=name,
            registered_by=organization,
            email="kt@example.org",
            birth_year=1953,
            residence_country=country("TR"),
        )
        for name in ("Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Jomart Tokayev")
    ]


def test_a_dedupe_run_taken_over_writes_no_pair(twins: list[Person], monkeypatch: pytest.MonkeyPatch) -> None:
    run = DedupeRun.objects.create()
    real = dedupe._decided_pairs

    def read_then_taken_over() -> Any:
        take_over(DedupeRun, run.pk)
        return real()

    monkeypatch.setattr(dedupe, "_decided_pairs", read_then_taken_over)
    run = dedupe.run_dedupe(acting_user=None, run=run)
    assert run.status == RunStatus.RUNNING and run.attempts == 2  # the other worker's
    assert not DuplicateCandidate.objects.exists()


def test_sigterm_hands_a_dedupe_run_back_and_the_rerun_finds_each_pair_once(
    twins: list[Person], stop: threading.Event, queued: list[tuple[str, int, float]]
) -> None:
    run = DedupeRun.objects.create()
    stop.set()
    run = dedupe.run_dedupe(acting_user=None, run=run)
    assert run.status == RunStatus.PENDING and run.lease_owner == ""
    assert queued == [(DedupeRun._meta.label, run.pk, 0)] and not DuplicateCandidate.objects.exists()
    stop.clear()
    run = dedupe.run_dedupe(acting_user=None, run=run)
    again = dedupe.run_dedupe(acting_user=None)
    assert run.status == again.status == RunStatus.DONE and run.candidates_found == 1
    assert DuplicateCandidate.objects.count() == 1
