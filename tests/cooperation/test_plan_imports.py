"""Plan imports as jobs on the task worker: the page hands the file over and follows its progress; the job is all
or nothing (a failed run writes no row); the command runs the same job, or leaves it to the worker."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tamyr.cooperation import services, services_bulk
from tamyr.cooperation.models import Measure, PlanImport
from tamyr.core.errors import NotAllowed
from tests.factories import with_totp
from tests.factories.cooperation import PlanWorld

MEASURES = b"code,direction,title,lead,status\n2.5,2,Youth forum,otandastar-test,planned\n2.6,2,Camp,otandastar-test,\n"


def signed_in(client: Client, user: Any) -> Client:
    with_totp(user)
    client.force_login(user)
    return client


def upload(content: bytes = MEASURES) -> SimpleUploadedFile:
    return SimpleUploadedFile("measures.csv", content, content_type="text/csv")


def start(world: PlanWorld, **options: Any) -> PlanImport:
    return services_bulk.plan_import_create(
        plan=world.plan, upload=upload(), kind="measures", acting_user=world.coordinator, **options
    )


def test_the_page_hands_the_file_to_the_worker_and_follows_it(
    world: PlanWorld, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = signed_in(client, world.coordinator).post(
            f"/plans/{world.plan.slug}/import/", {"kind": "measures", "file": upload()}
        )
    record = PlanImport.objects.get()
    assert response["Location"] == record.get_absolute_url()
    assert not Measure.objects.filter(code="2.5").exists()  # nothing in the request
    waiting = client.get(f"/plans/{world.plan.slug}/import/{record.pk}/progress/")
    assert b"hx-get" in waiting.content and b"0 of 2 rows read" in waiting.content
    for callback in queued:
        callback()  # the worker takes it (immediately in tests)
    done = client.get(record.get_absolute_url())
    assert b"hx-get" not in done.content and b"The file is imported." in done.content
    assert set(Measure.objects.filter(code__in=("2.5", "2.6")).values_list("code", flat=True)) == {"2.5", "2.6"}


def test_a_finished_import_keeps_its_report_and_not_the_file(world: PlanWorld) -> None:
    record = start(world, queue=False)
    path = Path(record.file.path)
    done = services_bulk.plan_import_run(import_id=record.pk)
    assert done is not None and done.status == "done" and done.done == done.total == 2
    assert done.report["created"] == ["2.5", "2.6"] and done.report["written"]
    assert not done.file and not path.exists()


def test_a_dry_run_job_writes_nothing_and_says_what_it_would_do(world: PlanWorld) -> None:
    done = services_bulk.plan_import_run(import_id=start(world, queue=False, dry_run=True).pk)
    assert done is not None and done.status == "done" and done.report["created"] == ["2.5", "2.6"]
    assert not done.report["written"] and not Measure.objects.filter(code="2.5").exists()


def test_an_import_that_fails_halfway_writes_no_row(world: PlanWorld, monkeypatch: Any) -> None:
    real = services.measure_create
    calls: list[str] = []

    def second_fails(**kwargs: Any) -> Any:
        calls.append(kwargs["code"])
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(services, "measure_create", second_fails)
    record = start(world, queue=False)
    with pytest.raises(RuntimeError):
        services_bulk.plan_import_run(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == "failed" and "disk is full" in record.error
    assert not Measure.objects.filter(code="2.5").exists()  # the first row went with the rest


def test_a_finished_import_is_not_run_twice(world: PlanWorld) -> None:
    record = start(world, queue=False)
    services_bulk.plan_import_run(import_id=record.pk)
    again = services_bulk.plan_import_run(import_id=record.pk)
    assert again is not None and again.status == "done" and again.attempts == 1


def test_only_those_who_edit_the_plan_in_bulk_import(world: PlanWorld) -> None:
    outsider = world.admins[world.hu.slug]
    with pytest.raises(NotAllowed):
        services_bulk.plan_import_create(plan=world.plan, upload=upload(), kind="measures", acting_user=outsider)
    assert not PlanImport.objects.exists()


def test_an_import_of_another_plan_is_not_found_under_this_one(world: PlanWorld, client: Client) -> None:
    from tests.factories.cooperation import PlanFactory

    other = PlanFactory(slug="other-plan", network=world.network)
    record = PlanImport.objects.create(plan=other, kind="measures", original_name="x.csv")
    response = signed_in(client, world.coordinator).get(f"/plans/{world.plan.slug}/import/{record.pk}/")
    assert response.status_code == 404


def test_the_command_runs_the_job_or_leaves_it_to_the_worker(
    world: PlanWorld, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "measures.csv"
    path.write_bytes(MEASURES)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("import", "measures", str(path), "--plan", world.plan.slug, "--user", "coordinator", "--queue",
                     stdout=out)  # fmt: skip
    record = PlanImport.objects.get()
    assert record.get_absolute_url() in out.getvalue() and len(queued) == 1
    assert not Measure.objects.filter(code="2.5").exists()
    call_command("import", "measures", str(path), "--plan", world.plan.slug, "--user", "coordinator",
                 "--dry-run", stdout=out)  # fmt: skip
    assert "Dry run" in out.getvalue()
