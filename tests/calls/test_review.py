"""Conflicts of interest, what a reviewer sees in each phase, scores and their total, reminders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from tamyr.accounts.permissions import can
from tamyr.calls import review
from tamyr.calls.models import Conflict, ConflictSource, OthersScores, Review, ReviewAssignment
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.registry.models import SpokenLanguage
from tests.calls.committee_factories import (
    ApplicationFactory,
    CallFactory,
    CallReviewerFactory,
    ReviewPhaseFactory,
    ScoreCategoryFactory,
)
from tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory, UserFactory, country

pytestmark = pytest.mark.django_db


def sources(call) -> set[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return set(Conflict.objects.filter(application__call=call).values_list("application_id", "reviewer_id", "source"))


def test_a_reviewer_affiliated_with_the_applying_organization_is_conflicted() -> None:
    call = CallFactory(kind="financing")
    university = OrganizationFactory()
    reviewer = CallReviewerFactory(call=call).person
    AffiliationFactory(person=reviewer, organization=university)
    application = ApplicationFactory(call=call, organization=university)
    review.conflicts_detect(call=call, acting_user=None)
    assert (application.pk, reviewer.pk, ConflictSource.ORGANIZATION) in sources(call)


def test_a_partner_organization_counts_as_the_same_organization() -> None:
    call = CallFactory(kind="financing")
    partner = OrganizationFactory()
    reviewer = CallReviewerFactory(call=call).person
    AffiliationFactory(person=reviewer, organization=partner)
    application = ApplicationFactory(call=call, organization=OrganizationFactory())
    application.partners.add(partner)
    review.conflicts_detect(call=call, acting_user=None)
    assert (application.pk, reviewer.pk, ConflictSource.ORGANIZATION) in sources(call)


def test_an_affiliation_that_ended_is_no_conflict() -> None:
    call = CallFactory()
    university = OrganizationFactory()
    reviewer = CallReviewerFactory(call=call).person
    AffiliationFactory(person=reviewer, organization=university, until=timezone.localdate() - timedelta(days=400))
    applicant = PersonFactory()
    AffiliationFactory(person=applicant, organization=university)
    ApplicationFactory(call=call, person=applicant)
    review.conflicts_detect(call=call, acting_user=None)
    assert sources(call) == set()


def test_a_reviewer_is_conflicted_with_their_own_application() -> None:
    call = CallFactory()
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call, person=reviewer)
    review.conflicts_detect(call=call, acting_user=None)
    assert (application.pk, reviewer.pk, ConflictSource.OWN_APPLICATION) in sources(call)


def test_a_reviewer_who_applies_with_the_same_partner_is_a_co_applicant() -> None:
    call = CallFactory(kind="financing")
    shared = OrganizationFactory()
    reviewer = CallReviewerFactory(call=call).person
    own = ApplicationFactory(call=call, person=reviewer, organization=OrganizationFactory())
    own.partners.add(shared)
    other = ApplicationFactory(call=call, organization=shared)
    review.conflicts_detect(call=call, acting_user=None)
    assert (other.pk, reviewer.pk, ConflictSource.CO_APPLICANT) in sources(call)


def test_the_same_family_name_in_another_script_and_the_same_city_is_a_conflict() -> None:
    call = CallFactory()
    reviewer = CallReviewerFactory(
        call=call, person=PersonFactory(display_name="Нурлан Токаев", residence_city="Almaty",
                                        residence_country=country("KZ")),
    ).person  # fmt: skip
    applicant = PersonFactory(display_name="Aliya Tokayeva", residence_city="almaty ", residence_country=country("KZ"))
    application = ApplicationFactory(call=call, person=applicant)
    review.conflicts_detect(call=call, acting_user=None)
    assert (application.pk, reviewer.pk, ConflictSource.FAMILY_AND_PLACE) in sources(call)


def test_the_same_family_name_in_another_city_is_no_conflict() -> None:
    call = CallFactory()
    CallReviewerFactory(
        call=call, person=PersonFactory(display_name="Nurlan Tokayev", residence_city="Almaty",
                                        residence_country=country("KZ")),
    )  # fmt: skip
    ApplicationFactory(
        call=call, person=PersonFactory(display_name="Aliya Tokayeva", residence_city="Shymkent",
                                        residence_country=country("KZ")),
    )  # fmt: skip
    review.conflicts_detect(call=call, acting_user=None)
    assert sources(call) == set()


def test_a_detected_conflict_removes_an_existing_assignment() -> None:
    call = CallFactory()
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call, person=reviewer)
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    review.conflicts_detect(call=call, acting_user=None)
    assert not ReviewAssignment.objects.filter(application=application).exists()


def test_a_conflicted_reviewer_does_not_see_the_application_even_when_the_phase_shows_all() -> None:
    call = CallFactory()
    phase = ReviewPhaseFactory(call=call, sees_all=True)
    reviewer = CallReviewerFactory(call=call).person
    hidden, shown = ApplicationFactory(call=call), ApplicationFactory(call=call)
    review.conflict_declare(application=hidden, reviewer=reviewer, note="my student", acting_user=None)
    assert list(review.applications_for_reviewer(call, reviewer, phase)) == [shown]


def test_a_reviewer_sees_only_assigned_applications_when_the_phase_says_so() -> None:
    call = CallFactory()
    phase = ReviewPhaseFactory(call=call, sees_all=False)
    reviewer = CallReviewerFactory(call=call).person
    assigned = ApplicationFactory(call=call)
    ApplicationFactory(call=call)
    ReviewAssignment.objects.create(application=assigned, reviewer=reviewer)
    assert list(review.applications_for_reviewer(call, reviewer, phase)) == [assigned]


def test_outside_every_phase_a_reviewer_sees_nothing() -> None:
    call = CallFactory()
    reviewer = CallReviewerFactory(call=call).person
    ReviewAssignment.objects.create(application=ApplicationFactory(call=call), reviewer=reviewer)
    assert review.current_phase(call) is None
    assert list(review.applications_for_reviewer(call, reviewer, None)) == []


def test_can_refuses_a_conflicted_reviewer() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call, sees_all=True)
    user = UserFactory()
    reviewer = CallReviewerFactory(call=call, person=PersonFactory(user=user)).person
    application = ApplicationFactory(call=call)
    assert can(user, "calls.review_application", application)
    review.conflict_declare(application=application, reviewer=reviewer, acting_user=user)
    assert not can(user, "calls.review_application", application)


def test_the_total_is_a_weighted_mean_on_a_common_scale() -> None:
    call = CallFactory()
    merit = ScoreCategoryFactory(call=call, weight=3, min_value=0, max_value=10)
    motivation = ScoreCategoryFactory(call=call, weight=1, min_value=1, max_value=5)
    total = review.review_total([merit, motivation], {merit.pk: 10, motivation.pk: 1})
    assert total == Decimal("75.00")


def test_submitting_a_review_stores_its_scores_and_total() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call)
    merit = ScoreCategoryFactory(call=call)
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    written = review.review_submit(
        application=application, reviewer=reviewer, scores={merit.pk: 8}, committee_comment="Strong",
        applicant_comment="Well argued", acting_user=None,
    )  # fmt: skip
    assert written.total == Decimal("80.00")
    assert list(written.scores.values_list("value", flat=True)) == [8]


def test_a_required_score_left_out_is_refused_and_nothing_is_saved() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call)
    merit = ScoreCategoryFactory(call=call, required=True)
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    with pytest.raises(DomainError) as refused:
        review.review_submit(application=application, reviewer=reviewer, scores={merit.pk: None}, acting_user=None)
    assert refused.value.code == "score_missing"
    assert not Review.objects.exists()


def test_a_score_outside_its_range_is_refused() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call)
    merit = ScoreCategoryFactory(call=call, max_value=5)
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    with pytest.raises(DomainError) as refused:
        review.review_submit(application=application, reviewer=reviewer, scores={merit.pk: 9}, acting_user=None)
    assert refused.value.code == "score_out_of_range"


def test_a_phase_without_review_rights_refuses_reviews() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call, can_review=False)
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    with pytest.raises(NotAllowed):
        review.review_submit(application=application, reviewer=reviewer, scores={}, acting_user=None)


def test_others_scores_show_only_after_ones_own_review_when_the_phase_says_so() -> None:
    call = CallFactory()
    phase = ReviewPhaseFactory(call=call, others_scores=OthersScores.AFTER_OWN)
    me, other = CallReviewerFactory(call=call).person, CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    for person in (me, other):
        ReviewAssignment.objects.create(application=application, reviewer=person)
    review.review_submit(application=application, reviewer=other, scores={}, acting_user=None)
    assert review.others_reviews(application, me, phase) == []
    review.review_submit(application=application, reviewer=me, scores={}, acting_user=None)
    assert [r.reviewer for r in review.others_reviews(application, me, phase)] == [other]


def test_others_scores_never_show_when_the_phase_says_never() -> None:
    call = CallFactory()
    phase = ReviewPhaseFactory(call=call, others_scores=OthersScores.NEVER)
    me, other = CallReviewerFactory(call=call).person, CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    for person in (me, other):
        ReviewAssignment.objects.create(application=application, reviewer=person)
        review.review_submit(application=application, reviewer=person, scores={}, acting_user=None)
    assert review.others_reviews(application, me, phase) == []


def test_assignments_respect_conflicts_languages_and_k() -> None:
    call = CallFactory()
    reviewers = [CallReviewerFactory(call=call).person for _ in range(4)]
    for person in reviewers:
        SpokenLanguage.objects.create(person=person, language="en", level="C1")
    applications = [ApplicationFactory(call=call) for _ in range(6)]
    review.conflict_declare(application=applications[0], reviewer=reviewers[0], acting_user=None)
    report = review.assignments_make(call=call, k=2, acting_user=None)
    assert report.short == {} and report.load_spread <= 1
    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert len(pairs) == 12
    assert (applications[0].pk, reviewers[0].pk) not in pairs


def test_a_managers_assignment_survives_a_new_run_of_the_solver() -> None:
    call = CallFactory()
    reviewers = [CallReviewerFactory(call=call).person for _ in range(3)]
    for person in reviewers:
        SpokenLanguage.objects.create(person=person, language="en", level="native")
    application = ApplicationFactory(call=call)
    review.assignment_set(application=application, reviewer=reviewers[2], acting_user=None)
    review.assignments_make(call=call, k=1, acting_user=None)
    assert list(ReviewAssignment.objects.values_list("reviewer_id", "by_manager")) == [(reviewers[2].pk, True)]


def test_a_manager_cannot_assign_a_conflicted_reviewer() -> None:
    call = CallFactory()
    reviewer = CallReviewerFactory(call=call).person
    application = ApplicationFactory(call=call)
    review.conflict_declare(application=application, reviewer=reviewer, acting_user=None)
    with pytest.raises(DomainError) as refused:
        review.assignment_set(application=application, reviewer=reviewer, acting_user=None)
    assert refused.value.code == "conflict"


def test_reviewers_with_pending_reviews_in_a_closing_phase_get_one_reminder() -> None:
    call = CallFactory()
    ReviewPhaseFactory(call=call, ends_at=timezone.now() + timedelta(days=2))
    reviewer = CallReviewerFactory(call=call, person=PersonFactory(email="judge@example.org")).person
    for _ in range(2):
        ReviewAssignment.objects.create(application=ApplicationFactory(call=call), reviewer=reviewer)
    assert review.reviewers_remind() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["judge@example.org"]
    assert review.reviewers_remind() == 0
