from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tamyr.cases import services
from tamyr.cases.models import Case
from tests.factories.cases import CaseWorld, case_world, consent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> CaseWorld:
    return case_world()


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_has_the_callers_organizations_cases(world: CaseWorld) -> None:
    body = _api(world.worker).get("/api/v1/cases/").json()
    assert [row["id"] for row in body["results"]] == [world.case.pk]
    assert body["results"][0]["head"] == "Serik Nurlanuly"


def test_the_list_is_empty_for_another_organization(world: CaseWorld) -> None:
    assert _api(world.outsider).get("/api/v1/cases/").json()["results"] == []


def test_the_detail_carries_the_version_as_etag(world: CaseWorld) -> None:
    response = _api(world.worker).get(f"/api/v1/cases/{world.case.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["members"][0]["name"] == "Serik Nurlanuly"


def test_a_note_with_the_current_version_is_added(world: CaseWorld) -> None:
    response = _api(world.worker).post(
        f"/api/v1/cases/{world.case.pk}/notes/", {"version": 1, "text": "Called"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_if_match_stands_for_the_version(world: CaseWorld) -> None:
    response = _api(world.worker).post(
        f"/api/v1/cases/{world.case.pk}/tasks/", {"title": "Call"}, format="json", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200


def test_a_stale_version_answers_409_with_what_changed(world: CaseWorld) -> None:
    services.note_add(case=world.case, version=1, text="First", acting_user=world.supervisor)
    response = _api(world.worker).post(
        f"/api/v1/cases/{world.case.pk}/tasks/", {"version": 1, "title": "Call"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict" and body["version"] == 2
    assert body["changes"][0]["kind"] == "note_added"
    assert not world.case.tasks.exists()


def test_an_action_without_a_version_is_refused(world: CaseWorld) -> None:
    response = _api(world.worker).post(f"/api/v1/cases/{world.case.pk}/tasks/", {"title": "Call"}, format="json")
    assert response.status_code == 400


def test_a_referral_without_consent_answers_400(world: CaseWorld) -> None:
    response = _api(world.worker).post(
        f"/api/v1/cases/{world.case.pk}/refer/",
        {"version": 1, "to_organization": world.partner.slug, "service": "housing"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "no_consent"


def test_the_partner_accepts_and_then_sees_only_shared_sections(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    _api(world.worker).post(
        f"/api/v1/cases/{world.case.pk}/refer/",
        {"version": 1, "to_organization": world.partner.slug, "service": "housing", "shared_sections": ["stages"]},
        format="json",
    )
    partner = _api(world.partner_staff)
    referral = partner.get("/api/v1/case-referrals/").json()["results"][0]
    assert partner.get(f"/api/v1/cases/{world.case.pk}/").status_code == 404
    assert partner.post(f"/api/v1/case-referrals/{referral['id']}/accept/", {}, format="json").status_code == 200
    detail = partner.get(f"/api/v1/cases/{world.case.pk}/").json()
    assert detail["members"] is None and detail["stages"] is not None and detail["plan"] is None
    assert (
        partner.post(f"/api/v1/cases/{world.case.pk}/notes/", {"version": 3, "text": "x"}, format="json").status_code
        == 403
    )


def test_only_a_supervisor_decides(world: CaseWorld) -> None:
    services.plan_set(case=world.case, version=1, plan="Plan", acting_user=world.worker)
    approval = services.approval_request(case=world.case, version=2, kind="plan", acting_user=world.worker)
    body = {"version": 3, "approval": approval.pk, "approve": True}
    url = f"/api/v1/cases/{world.case.pk}/decide/"
    assert _api(world.worker).post(url, body, format="json").status_code == 403
    assert _api(world.supervisor).post(url, body, format="json").status_code == 200
    assert Case.objects.get(pk=world.case.pk).plan_approved_at is not None


def test_the_detail_gives_each_task_every_field_its_schema_declares(world: CaseWorld) -> None:
    from tamyr.cases.api.serializers import TaskSerializer

    client = _api(world.worker)
    client.post(
        f"/api/v1/cases/{world.case.pk}/tasks/",
        {"version": 1, "title": "Bring papers", "for_family": True},
        format="json",
    )
    tasks = client.get(f"/api/v1/cases/{world.case.pk}/").json()["tasks"]
    assert [set(task) for task in tasks] == [set(TaskSerializer().fields)]
    assert tasks[0]["for_family"] is True
