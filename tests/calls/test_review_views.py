"""The committee's pages: what each person sees and what their forms change."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tamyr.calls import review, selection
from tamyr.calls.models import Application, Outcome, OutcomeStatus, Review, ReviewAssignment
from tests.calls.committee_factories import (
    ApplicationFactory,
    CallFactory,
    CallReviewerFactory,
    QuotaGroupFactory,
    ReviewPhaseFactory,
    ScoreCategoryFactory,
    funded,
    scored,
)
from tests.factories import PersonFactory, UserFactory

NBSP = "\u00a0"

pytestmark = pytest.mark.django_db


def reviewer_world(**phase: object):  # type: ignore[no-untyped-def]
    call = CallFactory()
    ReviewPhaseFactory(call=call, **phase)
    user = UserFactory()
    reviewer = CallReviewerFactory(call=call, person=PersonFactory(user=user)).person
    application = ApplicationFactory(call=call, person=PersonFactory(display_name="Dana Secretname"))
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    return call, user, reviewer, application


def test_a_reviewer_sees_the_assigned_application_in_the_list(client: Client) -> None:
    call, user, _reviewer, application = reviewer_world()
    client.force_login(user)
    response = client.get(reverse("calls:reviewer_home", args=[call.slug]))
    assert response.status_code == 200
    assert application.code in response.content.decode()


def test_blind_review_hides_the_applicants_name(client: Client) -> None:
    call, user, _reviewer, application = reviewer_world(blind=True)
    client.force_login(user)
    response = client.get(reverse("calls:review_application", args=[call.slug, application.code]))
    assert response.status_code == 200
    assert "Secretname" not in response.content.decode()


def test_an_open_review_shows_the_applicants_name(client: Client) -> None:
    call, user, _reviewer, application = reviewer_world(blind=False)
    client.force_login(user)
    response = client.get(reverse("calls:review_application", args=[call.slug, application.code]))
    assert "Secretname" in response.content.decode()


def test_a_conflicted_reviewer_gets_not_found(client: Client) -> None:
    call, user, reviewer, application = reviewer_world(sees_all=True)
    review.conflict_declare(application=application, reviewer=reviewer, acting_user=None)
    client.force_login(user)
    response = client.get(reverse("calls:review_application", args=[call.slug, application.code]))
    assert response.status_code == 404


def test_saving_the_score_form_writes_the_review(client: Client) -> None:
    call, user, reviewer, application = reviewer_world()
    merit = ScoreCategoryFactory(call=call)
    client.force_login(user)
    response = client.post(
        reverse("calls:review_application", args=[call.slug, application.code]),
        {f"score_{merit.pk}": "7", "committee_comment": "Solid plan"},
    )
    assert response.status_code == 302
    saved = Review.objects.get(application=application, reviewer=reviewer)
    assert (saved.total, saved.committee_comment) == (70, "Solid plan")


def test_a_score_that_is_not_a_number_is_shown_again_with_a_message_and_nothing_saved(client: Client) -> None:
    call, user, _reviewer, application = reviewer_world()
    merit = ScoreCategoryFactory(call=call)
    client.force_login(user)
    response = client.post(
        reverse("calls:review_application", args=[call.slug, application.code]), {f"score_{merit.pk}": "seven"}
    )
    assert response.status_code == 200
    assert "whole number" in response.content.decode()
    assert not Review.objects.exists()


def test_declaring_a_conflict_hides_the_application_from_the_reviewer(client: Client) -> None:
    call, user, _reviewer, application = reviewer_world()
    client.force_login(user)
    client.post(reverse("calls:review_application", args=[call.slug, application.code]), {"action": "conflict"})
    response = client.get(reverse("calls:review_application", args=[call.slug, application.code]))
    assert response.status_code == 404


def test_a_manager_assigns_reviewers_from_the_committee_page(client: Client, org_staff, organization) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory(organization=organization)
    for _ in range(2):
        CallReviewerFactory(call=call)
    ApplicationFactory(call=call, language="")
    client.force_login(org_staff)
    response = client.post(reverse("calls:committee", args=[call.slug]), {"action": "assign", "k": "2"})
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(application__call=call).count() == 2


def test_someone_elses_manager_is_refused_the_committee_page(client: Client, org_staff) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory()
    client.force_login(org_staff)
    assert client.get(reverse("calls:committee", args=[call.slug])).status_code == 403


def test_the_committee_page_lists_the_ranking(client: Client, org_staff, organization) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory(organization=organization)
    application = scored(ApplicationFactory(call=call, quota_group=QuotaGroupFactory(call=call)), 80)
    selection.selection_rank(call=call, acting_user=None)
    client.force_login(org_staff)
    response = client.get(reverse("calls:committee", args=[call.slug]))
    assert application.code in response.content.decode()


def test_the_applicant_declines_the_offer_and_the_next_reserve_is_offered(client: Client) -> None:
    call = CallFactory()
    group = QuotaGroupFactory(call=call, places=1)
    user = UserFactory()
    first = scored(ApplicationFactory(call=call, quota_group=group, person=PersonFactory(user=user)), 90)
    second = scored(ApplicationFactory(call=call, quota_group=group), 80)
    selection.selection_rank(call=call, acting_user=None)
    selection.offers_send(call=call, acting_user=None)
    client.force_login(user)
    outcome = Outcome.objects.get(application=first)
    response = client.post(reverse("calls:offer", args=[outcome.pk]), {"action": "decline"})
    assert response.status_code == 302
    assert Outcome.objects.get(application=second).status == OutcomeStatus.OFFERED


def test_another_person_cannot_see_an_offer(client: Client) -> None:
    call = CallFactory()
    application = scored(ApplicationFactory(call=call, quota_group=QuotaGroupFactory(call=call)), 90)
    selection.selection_rank(call=call, acting_user=None)
    client.force_login(UserFactory())
    outcome = Outcome.objects.get(application=application)
    assert client.get(reverse("calls:offer", args=[outcome.pk])).status_code == 404


def test_the_reviewers_list_costs_the_same_queries_for_many_applications(
    client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    call, user, reviewer, _application = reviewer_world()
    for _ in range(15):
        ReviewAssignment.objects.create(application=ApplicationFactory(call=call), reviewer=reviewer)
    client.force_login(user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("calls:reviewer_home", args=[call.slug]))
    assert response.content.decode().count("/review/") >= 16


def test_the_committee_page_costs_the_same_queries_for_a_long_ranking(
    client: Client, org_staff, organization, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory(organization=organization)
    group = QuotaGroupFactory(call=call, places=5)
    for score in range(20):
        scored(ApplicationFactory(call=call, quota_group=group), 50 + score)
    selection.selection_rank(call=call, acting_user=None)
    client.force_login(org_staff)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("calls:committee", args=[call.slug]))
    assert response.status_code == 200


def test_the_decision_letter_is_a_pdf_in_the_language_the_applicant_applied_in(client: Client) -> None:
    from tamyr.calls.letters import letter_language

    call = CallFactory()
    user = UserFactory()
    application = scored(
        ApplicationFactory(call=call, quota_group=QuotaGroupFactory(call=call), person=PersonFactory(user=user),
                           language="hu"), 90,
    )  # fmt: skip
    selection.selection_rank(call=call, acting_user=None)
    outcome = Outcome.objects.get(application=application)
    client.force_login(user)
    response = client.get(reverse("calls:offer_letter", args=[outcome.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert letter_language(outcome) == "hu"


def test_the_decision_letter_writes_the_award_as_the_applicants_language_writes_money() -> None:
    from django.utils import translation

    from tamyr.calls.letters import letter_language, letter_lines

    call = CallFactory(kind="financing", currency="USD")
    award = funded(call, "1250000.00")
    Application.objects.filter(pk=award.outcome.application_id).update(language="hu")
    award.outcome.refresh_from_db()
    with translation.override(letter_language(award.outcome)):
        lines = letter_lines(award.outcome)
    assert f"Megítélt összeg: 1{NBSP}250{NBSP}000,00{NBSP}USD" in lines
    assert not any("1250000" in line for line in lines)
