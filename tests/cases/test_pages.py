from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tamyr.cases import services
from tamyr.cases.models import Case, CaseEvent, EventKind
from tamyr.core.models import AuditEntry
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp
from tests.factories.cases import CaseWorld, case_world, consent_to, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> CaseWorld:
    return case_world()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_worker_sees_their_organizations_cases(world: CaseWorld) -> None:
    page = _client(world.worker).get("/cases/")
    assert page.status_code == 200
    assert "Serik Nurlanuly" in page.content.decode()


def test_staff_of_another_organization_does_not_see_the_case(world: CaseWorld) -> None:
    assert "Serik Nurlanuly" not in _client(world.outsider).get("/cases/").content.decode()
    assert _client(world.outsider).get(f"/cases/{world.case.pk}/").status_code == 404


def test_the_list_offers_the_countries_cases_come_from_by_name_and_filters_by_them(world: CaseWorld) -> None:
    client = _client(world.worker)
    client.cookies["django_language"] = "hu"
    page = client.get("/cases/").content.decode()
    assert '<option value="MN">Mongólia</option>' in page
    assert 'value="CN"' not in page  # no case comes from China: not offered
    assert "Serik Nurlanuly" in client.get("/cases/", {"country": "MN"}).content.decode()
    assert "Serik Nurlanuly" not in client.get("/cases/", {"country": "CN"}).content.decode()


def test_a_compatriot_cannot_open_the_worker_list(world: CaseWorld) -> None:
    assert _client(UserFactory()).get("/cases/").status_code == 403


def test_the_worker_list_runs_a_fixed_number_of_queries(world: CaseWorld, django_assert_max_num_queries: Any) -> None:
    for _ in range(15):
        open_case(world.owner, world.worker)
    client = _client(world.worker)
    client.get("/cases/")
    with django_assert_max_num_queries(12):
        page = client.get("/cases/")
    assert page.status_code == 200


def test_the_case_page_runs_a_fixed_number_of_queries(world: CaseWorld, django_assert_max_num_queries: Any) -> None:
    """However much the case holds (tasks, notes, referrals, a long timeline), its page costs the same queries."""
    case = world.case
    consent_to(world.head, world.partner)
    for index in range(12):
        services.task_add(case=case, version=case.version, title=f"Task {index}", acting_user=world.worker)
        services.note_add(case=case, version=case.version, text=f"Note {index}", acting_user=world.worker)
    services.referral_create(
        case=case, version=case.version, to_organization=world.partner, service="housing", acting_user=world.worker
    )
    client = _client(world.worker)
    client.get(f"/cases/{case.pk}/")
    with django_assert_max_num_queries(24):
        page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200


def test_the_timeline_pages_back_to_the_oldest_entry(world: CaseWorld) -> None:
    case = world.case
    for index in range(25):
        services.note_add(case=case, version=case.version, text=f"Note {index}", acting_user=world.worker)
    client = _client(world.worker)
    first = client.get(f"/cases/{case.pk}/").content.decode()
    assert first.count("<li><time datetime=") >= 20
    older = re.search(r'href="\?before=(\d+)#timeline"', first)
    assert older is not None
    second = client.get(f"/cases/{case.pk}/?before={older.group(1)}").content.decode()
    assert "Case opened" in second  # the oldest entry is on the second page
    assert 'rel="next"' not in second


def test_the_worker_is_assigned_from_the_case_page(world: CaseWorld) -> None:
    client = _client(world.supervisor)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert f'<option value="{world.supervisor.pk}"' in page  # the organization's staff and admins to choose from
    assert f'<option value="{world.outsider.pk}"' not in page
    response = client.post(
        f"/cases/{world.case.pk}/act/",
        {"action": "assign", "version": world.case.version, "worker": world.supervisor.pk},
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.worker == world.supervisor
    refused = client.post(
        f"/cases/{world.case.pk}/act/",
        {"action": "assign", "version": world.case.version, "worker": world.outsider.pk},
    )
    assert refused.status_code == 200
    assert 'class="errors" role="alert"' in refused.content.decode()  # only the organization's people are offered
    world.case.refresh_from_db()
    assert world.case.worker == world.supervisor


def test_reading_a_case_leaves_an_audit_row(world: CaseWorld) -> None:
    _client(world.worker).get(f"/cases/{world.case.pk}/")
    assert AuditEntry.objects.filter(action="cases.case_read", target_id=str(world.case.pk)).exists()
    assert CaseEvent.objects.filter(case=world.case, kind=EventKind.READ).exists()


def test_a_stale_form_shows_the_conflict_and_changes_nothing(world: CaseWorld) -> None:
    services.note_add(case=world.case, version=1, text="First", acting_user=world.supervisor)
    response = _client(world.worker).post(
        f"/cases/{world.case.pk}/act/", {"action": "task", "version": 1, "title": "Call the school"}
    )
    assert response.status_code == 409
    assert "Someone changed this case since you opened it." in response.content.decode()
    assert not world.case.tasks.exists()
    # the kept input now carries the version the writer was shown: sent again, it is applied
    assert 'name="version" value="2"' in response.content.decode()
    again = _client(world.worker).post(
        f"/cases/{world.case.pk}/act/", {"action": "task", "version": 2, "title": "Call the school"}
    )
    assert again.status_code == 302
    assert world.case.tasks.get().title == "Call the school"


def test_a_current_form_adds_the_task(world: CaseWorld) -> None:
    response = _client(world.worker).post(
        f"/cases/{world.case.pk}/act/", {"action": "task", "version": 1, "title": "Call the school"}
    )
    assert response.status_code == 302
    assert world.case.tasks.get().title == "Call the school"


def test_a_partner_sees_only_the_shared_sections(world: CaseWorld) -> None:
    services.note_add(case=world.case, version=1, text="Private note", acting_user=world.worker)
    services.note_add(case=world.case, version=2, text="For partners", visibility="partners", acting_user=world.worker)
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case,
        version=3,
        to_organization=world.partner,
        service="housing",
        shared_sections=["stages", "notes"],
        acting_user=world.worker,
    )
    client = _client(world.partner_staff)
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404  # not before accepting
    services.referral_respond(referral=referral, accept=True, acting_user=world.partner_staff)
    text = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "For partners" in text
    assert "Private note" not in text
    assert "Aru Serikkyzy" not in text  # members not shared
    assert "Timeline" not in text


def test_a_partner_answers_from_the_referrals_page(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case, version=1, to_organization=world.partner, service="housing", acting_user=world.worker
    )
    client = _client(world.partner_staff)
    assert client.get("/cases/referrals/").status_code == 200
    client.post(f"/cases/referrals/{referral.pk}/", {"action": "reject", "reason": "No places left"})
    referral.refresh_from_db()
    assert referral.status == "rejected" and referral.reason == "No places left"


def test_opening_shows_people_found_in_any_script_with_their_open_cases(world: CaseWorld) -> None:
    page = _client(world.worker).get("/cases/new/", {"name": "Серик Нурланулы"})
    text = page.content.decode()
    assert "Serik Nurlanuly" in text
    assert "Already has an open case" in text


def test_staff_open_a_case_for_a_registry_record(world: CaseWorld) -> None:
    person = PersonFactory(registered_by=world.owner)
    response = _client(world.worker).post(
        f"/cases/new/?head={person.pk}",
        {"owner": world.owner.slug, "head": person.pk, "case_type": "return", "origin_country": "CN"},
    )
    assert response.status_code == 302
    assert Case.objects.filter(members__person=person, owner=world.owner).exists()


def test_a_compatriot_asks_for_help_from_their_own_page() -> None:
    owner = OrganizationFactory(slug="otandastar", kind="state_institution", country=country("KZ"))
    user = UserFactory()
    client = _client(user)
    assert client.get("/cases/request/").status_code == 200
    response = client.post(
        "/cases/request/", {"owner": owner.slug, "origin_country": "UZ", "summary": "Family of four."}
    )
    assert response.status_code == 302
    case = Case.objects.get(owner=owner)
    assert case.status == "requested"


def test_statistics_hide_small_counts_for_other_organizations(world: CaseWorld) -> None:
    other = UserFactory()
    grant(other, OrganizationFactory(), "staff")
    with_totp(other)
    text = _client(other).get("/cases/statistics/").content.decode()
    assert "Small numbers are hidden" in text
    raw = _client(world.worker).get(f"/cases/statistics/?organization={world.owner.slug}").content.decode()
    assert "Small numbers are hidden" not in raw


def test_the_supervisor_sees_approvals_waiting(world: CaseWorld) -> None:
    services.plan_set(case=world.case, version=1, plan="Plan", acting_user=world.worker)
    services.approval_request(case=world.case, version=2, kind="plan", acting_user=world.worker)
    text = _client(world.supervisor).get("/cases/supervision/").content.decode()
    assert "Serik Nurlanuly" in text
    assert _client(world.worker).get("/cases/supervision/").status_code == 403


def test_the_household_is_listed_with_relationships_in_the_readers_language(world: CaseWorld) -> None:
    client = _client(world.worker)
    client.cookies["django_language"] = "hu"
    assert "Aru Serikkyzy · lánya" in client.get(f"/cases/{world.case.pk}/").content.decode()


def test_the_case_page_links_the_members_language_course(world: CaseWorld) -> None:
    from tests.learning.factories import EnrollmentFactory

    enrollment = EnrollmentFactory(person=world.child)
    text = _client(world.worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert f"/courses/{enrollment.group.course.slug}/" in text


def test_the_family_sees_their_stage_and_what_they_are_asked_to_do_and_nothing_confidential(world: CaseWorld) -> None:
    from tamyr.accounts.models import User

    family = UserFactory()
    world.head.user = family
    world.head.save(update_fields=["user"])
    case = world.case
    services.task_add(
        case=case, version=case.version, title="Bring the passports", for_family=True, acting_user=world.worker
    )
    services.task_add(case=case, version=case.version, title="Check the diploma quietly", acting_user=world.worker)
    services.note_add(case=case, version=case.version, text="Confidential remark", acting_user=world.worker)
    page = _client(family).get("/cases/mine/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bring the passports" in text
    assert "Intake" in text
    assert "Check the diploma quietly" not in text
    assert "Confidential remark" not in text
    assert "Bring the passports" not in _client(UserFactory()).get("/cases/mine/").content.decode()
    assert isinstance(family, User)
    assert "/cases/mine/" in _client(family).get("/me/").content.decode()
