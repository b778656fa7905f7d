"""`tamyr demo` takes generated applications to the seeds' calls through review and selection: the figures come
out, one call stays open, and a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.calls import demo, selection
from tamyr.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    Conflict,
    Outcome,
    OutcomeStatus,
    Review,
    ReviewAssignment,
)
from tamyr.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PEOPLE = 300


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", people=PEOPLE, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, built once for the module inside a transaction rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            output = run_demo()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def outcomes(slug: str, status: str) -> int:
    return Outcome.objects.filter(call__slug=slug, status=status).count()


def test_the_counts_are_printed(built: str) -> None:
    line = next(line for line in built.splitlines() if line.strip().startswith("calls:"))
    print(line)
    for name in ("applications", "reviews", "accepted", "declined", "host pairs"):
        assert name in line


def test_one_call_is_open_today() -> None:
    now = timezone.now()
    assert Call.objects.filter(opens_at__lte=now, closes_at__gt=now).count() >= 1
    open_call = Call.objects.get(slug=demo.DATA["open_call"])
    assert open_call.applications.filter(status=ApplicationStatus.SUBMITTED).exists()
    assert not open_call.outcomes.exists()


def test_the_open_call_closes_sixty_days_after_the_day_the_demo_is_built() -> None:
    open_call = Call.objects.get(slug=demo.DATA["open_call"])
    assert open_call.closes_at.astimezone(zoneinfo.ZoneInfo(open_call.time_zone)).date() == dt.datetime.now(
        zoneinfo.ZoneInfo(open_call.time_zone)
    ).date() + dt.timedelta(days=60)


def test_closed_calls_are_reviewed_and_no_reviewer_sees_a_conflicted_application() -> None:
    assert Review.objects.filter(application__call__slug="hungary-scholarship-kazakhstan-2027").count() >= 100
    assert Conflict.objects.exists()
    conflicted = Conflict.objects.filter(application=OuterRef("application"), reviewer=OuterRef("reviewer"))
    assert not ReviewAssignment.objects.filter(Exists(conflicted)).exists()
    assert not Review.objects.filter(Exists(conflicted)).exists()


def test_every_submitted_application_of_a_closed_call_has_three_reviews() -> None:
    reviewed = (
        Application.objects.filter(call__slug="otandas-scholars-forum-2026", status=ApplicationStatus.SUBMITTED)
        .annotate(n=Count("reviews"))
        .values_list("n", flat=True)
    )
    assert reviewed and set(reviewed) == {3}


def test_quotas_hold_and_reserve_lists_form() -> None:
    slug = "hungary-scholarship-kazakhstan-2027"
    call = Call.objects.get(slug=slug)
    assert selection.over_quota(call) == 0
    doctorate = call.quota_groups.get(key="doctorate")
    applied = call.applications.filter(quota_group=doctorate, status=ApplicationStatus.SUBMITTED).count()
    assert applied > doctorate.places  # more doctoral applicants than places: a reserve list formed
    accepted = call.outcomes.filter(quota_group=doctorate, status=OutcomeStatus.ACCEPTED).count()
    reserve_left = call.outcomes.filter(quota_group=doctorate, status=OutcomeStatus.RESERVE).exists()
    assert accepted == doctorate.places or not reserve_left  # a declined place went to the next on the list
    assert selection.places_held(call)[doctorate.pk] <= doctorate.places


def test_declines_promote_reserves() -> None:
    slug = "otandas-scholars-forum-2026"
    assert outcomes(slug, OutcomeStatus.DECLINED) > 0
    call = Call.objects.get(slug=slug)
    assert outcomes(slug, OutcomeStatus.ACCEPTED) == call.places  # every declined place went to a reserve
    assert not Outcome.objects.filter(status=OutcomeStatus.OFFERED).exists()


def test_the_fund_commits_no_more_than_its_budget() -> None:
    call = Call.objects.get(slug="joint-investment-fund-2027")
    proposals = call.applications.filter(organization__isnull=False)
    assert proposals.count() >= 10
    assert all(p.budget_lines and p.amount_requested for p in proposals)
    assert call.applications.filter(partners__isnull=False).exists()
    assert selection.committed(call) <= call.budget


def test_the_reviewer_login_sees_a_review_queue_in_the_open_call(client: Any) -> None:
    from tamyr.calls import review

    call = Call.objects.get(slug=demo.DATA["open_call"])
    person = review.reviewer_of(User.objects.get(username="reviewer"))
    assert person is not None
    queue = list(review.applications_for_reviewer(call, person, review.current_phase(call)))
    assert len(queue) == demo.DATA["demo_reviewer"]["assigned"]
    client.force_login(person.user)
    page = client.get(f"/calls/{call.slug}/review/")
    assert page.status_code == 200
    assert queue[0].code in page.content.decode()


def test_the_forums_host_pairs_are_stored_and_confirmed() -> None:
    from tamyr.calls.models import HostPair

    pairs = HostPair.objects.filter(call__slug="otandas-scholars-forum-2026")
    assert pairs.exists() and not pairs.exclude(status="confirmed").exists()
    visitors = set(Outcome.objects.filter(call__slug="otandas-scholars-forum-2026", status=OutcomeStatus.ACCEPTED)
                   .values_list("application__person_id", flat=True))  # fmt: skip
    assert set(pairs.values_list("visitor_id", flat=True)) <= visitors


def test_a_second_run_writes_nothing() -> None:
    before = (Application.objects.count(), Review.objects.count(), AuditEntry.objects.count())
    latest = max(Application.objects.values_list("updated_at", flat=True))
    run_demo()
    assert (Application.objects.count(), Review.objects.count(), AuditEntry.objects.count()) == before
    assert max(Application.objects.values_list("updated_at", flat=True)) == latest


def test_the_reviewer_logins_description_names_the_committee_it_sits_on() -> None:
    from tamyr.registry.demo.users import DEMO_USERS

    spec = next(spec for spec in DEMO_USERS if spec.username == demo.DATA["demo_reviewer"]["user"])
    open_call = Call.objects.get(slug=demo.DATA["open_call"])
    assert open_call.kind == "youth_programme" and "OTS youth programme" in spec.role["en"]
    assert "OTS youth programme" in spec.can["en"]
    assigned = ReviewAssignment.objects.filter(reviewer__user__username=spec.username)
    assert set(assigned.values_list("application__call__slug", flat=True)) == {open_call.slug}
