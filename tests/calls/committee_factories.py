"""Factories for the committee's side of calls (review and selection); the call and application factories here are
the minimal ones these tests need."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tamyr.calls.models import (
    Application,
    Award,
    Call,
    CallReviewer,
    Outcome,
    QuotaGroup,
    Review,
    ReviewPhase,
    ScoreCategory,
)
from tests.factories import OrganizationFactory, PersonFactory


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    slug = factory.Sequence(lambda n: f"committee-call-{n}")
    kind = "scholarship"
    status = "published"
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.LazyAttribute(lambda c: {"en": f"Scholarship {c.slug}"})
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))
    closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


class QuotaGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaGroup

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"group-{n}")
    name = factory.LazyAttribute(lambda g: {"en": g.key})
    places = 2


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    person = factory.SubFactory(PersonFactory)
    status = "submitted"
    language = "en"
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewPhase

    call = factory.SubFactory(CallFactory)
    name = factory.LazyFunction(lambda: {"en": "Review"})
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class ScoreCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreCategory

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.LazyAttribute(lambda c: {"en": c.key})


class CallReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallReviewer

    call = factory.SubFactory(CallFactory)
    person = factory.SubFactory(PersonFactory)


def scored(application: Application, *totals: float) -> Application:
    """Give `application` submitted reviews with these totals (0..100), by fresh reviewers."""
    for total in totals:
        Review.objects.create(
            application=application,
            reviewer=PersonFactory(),
            total=total,
            submitted_at=timezone.now(),
        )
    return application


def funded(
    call: Call,
    amount: str = "1000.00",
    *,
    status: str = "accepted",
    organization: object = None,
    person: object = None,
    quota_group: QuotaGroup | None = None,
    rank: int = 1,
) -> Award:
    """An application of a financing call that won an award (outcome and award written directly)."""
    extra = {"person": person} if person is not None else {}
    application = ApplicationFactory(call=call, organization=organization, quota_group=quota_group, **extra)
    outcome = Outcome.objects.create(
        application=application, call=call, quota_group=quota_group, rank=rank, score=80, status=status
    )
    return Award.objects.create(outcome=outcome, amount=Decimal(amount), currency=call.currency or "USD")
