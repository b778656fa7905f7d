from __future__ import annotations

import pytest

from tamyr.cases import services
from tamyr.cases.models import (
    ApprovalStatus,
    Case,
    CaseEvent,
    CaseStatus,
    ChecklistItem,
    EventKind,
    ReferralStatus,
)
from tamyr.core.errors import NotAllowed
from tamyr.core.models import AuditEntry
from tests.factories.cases import CaseWorld, approve_plan, case_world, consent_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> CaseWorld:
    return case_world()


def test_opening_a_case_copies_the_stages_and_checklists_of_its_type(world: CaseWorld) -> None:
    case = world.case
    assert [stage.code for stage in case.stages.all()][:3] == ["intake", "documents", "kandas"]
    assert ChecklistItem.objects.filter(stage__case=case, stage__code="intake").count() == 3
    assert case.members.get(is_head=True).person == world.head
    assert case.stage_due_at is not None


def test_a_write_with_the_version_the_writer_saw_moves_the_version_and_leaves_a_timeline_row(world: CaseWorld) -> None:
    case = world.case
    services.note_add(case=case, version=1, text="Called the family.", acting_user=world.worker)
    assert Case.objects.get(pk=case.pk).version == 2
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE_ADDED, version=2).exists()


def test_a_write_with_a_stale_version_is_refused_with_what_changed_since(world: CaseWorld) -> None:
    case = world.case
    services.note_add(case=case, version=1, text="First.", acting_user=world.worker)
    stale = Case.objects.get(pk=case.pk)
    stale.version = 1
    with pytest.raises(services.CaseConflict) as raised:
        services.task_add(case=stale, version=1, title="Second", acting_user=world.supervisor)
    assert raised.value.code == "conflict"
    assert [event.kind for event in raised.value.changes] == [EventKind.NOTE_ADDED]
    assert not case.tasks.exists()


def test_the_case_cannot_leave_intake_before_its_plan_is_approved(world: CaseWorld) -> None:
    with pytest.raises(services.CaseError) as raised:
        services.stage_move(case=world.case, version=1, to_stage="documents", acting_user=world.worker)
    assert raised.value.code == "plan"


def test_an_approved_plan_lets_the_case_move_on_and_restarts_the_stage_timer(world: CaseWorld) -> None:
    case = approve_plan(world)
    services.stage_move(case=case, version=case.version, to_stage="documents", acting_user=world.worker)
    case.refresh_from_db()
    assert case.stage == "documents"
    assert (case.stage_due_at - case.stage_started_at).days == 30


def test_only_a_supervisor_approves(world: CaseWorld) -> None:
    case = world.case
    services.plan_set(case=case, version=1, plan="Plan", acting_user=world.worker)
    approval = services.approval_request(case=case, version=case.version, kind="plan", acting_user=world.worker)
    with pytest.raises(NotAllowed):
        services.approval_decide(approval=approval, version=case.version, approve=True, acting_user=world.worker)


def test_a_refusal_needs_a_reason(world: CaseWorld) -> None:
    case = world.case
    services.plan_set(case=case, version=1, plan="Plan", acting_user=world.worker)
    approval = services.approval_request(case=case, version=case.version, kind="plan", acting_user=world.worker)
    with pytest.raises(services.CaseError):
        services.approval_decide(approval=approval, version=case.version, approve=False, acting_user=world.supervisor)
    services.approval_decide(
        approval=approval, version=case.version, approve=False, reason="Add schooling", acting_user=world.supervisor
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED


def test_an_approved_closure_closes_the_case(world: CaseWorld) -> None:
    case = world.case
    approval = services.approval_request(case=case, version=1, kind="closure", acting_user=world.worker)
    services.approval_decide(approval=approval, version=case.version, approve=True, acting_user=world.supervisor)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.stage == "closed"


def test_staff_of_another_organization_cannot_write(world: CaseWorld) -> None:
    with pytest.raises(NotAllowed):
        services.note_add(case=world.case, version=1, text="x", acting_user=world.outsider)


def test_a_referral_without_the_persons_consent_for_that_organization_is_refused(world: CaseWorld) -> None:
    with pytest.raises(services.CaseError) as raised:
        services.referral_create(
            case=world.case, version=1, to_organization=world.partner, service="housing", acting_user=world.worker
        )
    assert raised.value.code == "no_consent"
    assert not world.case.referrals.exists()


def test_a_partner_accepts_then_carries_out_a_referral(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case, version=1, to_organization=world.partner, service="housing", acting_user=world.worker
    )
    services.referral_respond(referral=referral, accept=True, acting_user=world.partner_staff)
    services.referral_implement(referral=referral, acting_user=world.partner_staff)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IMPLEMENTED


def test_a_rejection_needs_a_reason(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case, version=1, to_organization=world.partner, service="housing", acting_user=world.worker
    )
    with pytest.raises(services.CaseError):
        services.referral_respond(referral=referral, accept=False, acting_user=world.partner_staff)


def test_only_the_receiving_organization_answers_a_referral(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case, version=1, to_organization=world.partner, service="housing", acting_user=world.worker
    )
    with pytest.raises(NotAllowed):
        services.referral_respond(referral=referral, accept=True, acting_user=world.outsider)


def test_an_accepted_transfer_moves_ownership(world: CaseWorld) -> None:
    consent_to(world.head, world.partner)
    referral = services.referral_create(
        case=world.case, version=1, to_organization=world.partner, kind="transfer", acting_user=world.worker
    )
    services.referral_respond(referral=referral, accept=True, acting_user=world.partner_staff)
    case = Case.objects.get(pk=world.case.pk)
    assert case.owner == world.partner and case.worker == world.partner_staff


def test_erasing_a_member_anonymises_the_case(world: CaseWorld) -> None:
    from tamyr.registry.services import person_erase

    services.note_add(case=world.case, version=1, text="Lives at 5 Abay St.", acting_user=world.worker)
    person_erase(person=world.child, acting_user=world.supervisor)
    case = Case.objects.get(pk=world.case.pk)
    assert case.anonymised_at is not None
    assert not case.notes.exists()


def test_every_write_leaves_an_audit_row(world: CaseWorld) -> None:
    services.task_add(case=world.case, version=1, title="Call", acting_user=world.worker)
    assert AuditEntry.objects.filter(action="cases.task_added", target_id=str(world.case.pk)).exists()


def test_a_task_goes_only_to_people_of_the_owner(world: CaseWorld) -> None:
    with pytest.raises(services.CaseError):
        services.task_add(case=world.case, version=1, title="x", assignee=world.outsider, acting_user=world.worker)
