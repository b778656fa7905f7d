"""The practice library: submission, the coordinators' review, search across scripts, learning requests."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tamyr.cooperation import selectors_projects as selectors
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import LearnStatus, Practice, PracticeStatus
from tamyr.core.errors import DomainError, NotAllowed
from tests.factories import UserFactory
from tests.factories.cooperation import PlanWorld


def _academy(world: PlanWorld, **fields: Any) -> Practice:
    values: dict[str, Any] = {
        "organization": world.az,
        "network": world.network,
        "slug": "open-academy",
        "title": {"ru": "Открытая академия НПО", "en": "NGO open academy"},
        "summary": {"en": "Monthly lessons for NGO staff."},
        "theme": "ngo",
        "contact_email": "academy@example.org",
        "acting_user": world.admins[world.az.slug],
    }
    values.update(fields)
    return services.practice_submit(**values)


def _accepted(world: PlanWorld) -> Practice:
    return services.practice_review(practice=_academy(world), accept=True, acting_user=world.coordinator)


def test_a_submitted_practice_waits_for_review_and_takes_the_organizations_country(world: PlanWorld) -> None:
    practice = _academy(world)
    assert (practice.status, practice.country_id) == (PracticeStatus.SUBMITTED, "AZ")


def test_staff_of_another_organization_cannot_submit_in_its_name(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        _academy(world, acting_user=world.staff_kz)


def test_an_organization_outside_the_network_cannot_submit_to_it(world: PlanWorld) -> None:
    from tests.factories import OrganizationFactory, grant

    outsider = OrganizationFactory()
    admin = UserFactory()
    grant(admin, outsider, "admin")
    with pytest.raises(DomainError):
        _academy(world, organization=outsider, acting_user=admin)


def test_a_member_institution_cannot_review_practices(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.practice_review(practice=_academy(world), accept=True, acting_user=world.admin_kz)


def test_a_rejection_needs_a_reason(world: PlanWorld) -> None:
    practice = _academy(world)
    with pytest.raises(DomainError):
        services.practice_review(practice=practice, accept=False, acting_user=world.coordinator)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.SUBMITTED


def test_a_practice_is_reviewed_once(world: PlanWorld) -> None:
    practice = _accepted(world)
    with pytest.raises(DomainError):
        services.practice_review(practice=practice, accept=False, reason="x", acting_user=world.coordinator)


def test_visitors_see_only_accepted_practices(world: PlanWorld) -> None:
    _academy(world)
    visitor = UserFactory()
    assert list(selectors.practices_visible(visitor)) == []
    Practice.objects.update(status=PracticeStatus.ACCEPTED)
    assert len(selectors.practices_visible(visitor)) == 1


@pytest.mark.parametrize("query", ["академия", "akademiya", "Akademia", "open academy", "Otkrytaya"])
def test_search_finds_a_practice_across_scripts(world: PlanWorld, query: str) -> None:
    practice = _accepted(world)
    assert list(selectors.practices_visible(UserFactory(), q=query)) == [practice]


def test_search_leaves_out_what_does_not_match(world: PlanWorld) -> None:
    _accepted(world)
    assert list(selectors.practices_visible(UserFactory(), q="кино")) == []


def test_filters_by_theme_and_country(world: PlanWorld) -> None:
    practice = _accepted(world)
    user = UserFactory()
    assert list(selectors.practices_visible(user, theme="ngo", country="az")) == [practice]
    assert list(selectors.practices_visible(user, theme="youth")) == []


def test_a_learning_request_mails_the_practices_contact_after_the_commit(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    practice = _accepted(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.learn_request(
            practice=practice, organization=world.kz, message="May we visit?", acting_user=world.staff_kz
        )
    assert mail.outbox[-1].to == ["academy@example.org"]


def test_an_organization_asks_once_until_answered(world: PlanWorld) -> None:
    practice = _accepted(world)
    services.learn_request(practice=practice, organization=world.kz, message="1", acting_user=world.staff_kz)
    with pytest.raises(DomainError):
        services.learn_request(practice=practice, organization=world.kz, message="2", acting_user=world.staff_kz)


def test_a_practice_awaiting_review_cannot_be_asked_about(world: PlanWorld) -> None:
    with pytest.raises(DomainError):
        services.learn_request(practice=_academy(world), organization=world.kz, message="?", acting_user=world.staff_kz)


def test_the_owner_answers_and_the_asker_is_mailed(world: PlanWorld, django_capture_on_commit_callbacks: Any) -> None:
    practice = _accepted(world)
    world.staff_kz.email = "staff@kz.example.org"
    world.staff_kz.save()
    request = services.learn_request(practice=practice, organization=world.kz, message="?", acting_user=world.staff_kz)
    with django_capture_on_commit_callbacks(execute=True):
        services.learn_answer(
            request=request, accept=True, answer="Come in March.", acting_user=world.admins[world.az.slug]
        )
    request.refresh_from_db()
    assert request.status == LearnStatus.ACCEPTED
    assert mail.outbox[-1].to == ["staff@kz.example.org"]


def test_the_asker_cannot_answer_its_own_request(world: PlanWorld) -> None:
    practice = _accepted(world)
    request = services.learn_request(practice=practice, organization=world.kz, message="?", acting_user=world.staff_kz)
    with pytest.raises(NotAllowed):
        services.learn_answer(request=request, accept=True, answer="yes", acting_user=world.staff_kz)


def test_the_library_reads_in_a_fixed_number_of_queries(world: PlanWorld, django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        services.practice_review(practice=_academy(world, slug=f"p{n}"), accept=True, acting_user=world.coordinator)
    visitor = UserFactory()
    with django_assert_max_num_queries(3):
        rows = [(p.organization.name, p.country and p.country.name) for p in selectors.practices_visible(visitor)]
    assert len(rows) == 5
