"""Every write of a case. Each service is one transaction, asks `permissions.can()` itself, takes the case
version its writer saw (`version=`) and refuses the write with `CaseConflict` when someone changed the case since
(decision 0035: a compare-and-swap on `Case.version`, so no edit is lost and none silently overwrites another).
Each write leaves a timeline row (`CaseEvent`, carrying the version it produced) and an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.accounts.models import OrganizationRole
from tamyr.cases import stages as templates
from tamyr.cases.models import (
    RETENTION_DAYS,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseDocument,
    CaseEvent,
    CaseMember,
    CaseNote,
    CaseStage,
    CaseStatus,
    CaseTask,
    CaseType,
    ChecklistItem,
    DocumentType,
    EventKind,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharingConsent,
    Visibility,
)
from tamyr.core import audit, uploads
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.registry.models import ConsentMethod, Country, Organization, Person

DOCUMENT = uploads.Policy("case_document", uploads.DOCUMENTS, 20 * uploads.MB, private=True)


class CaseError(DomainError):
    code = "invalid_case"


class CaseConflict(DomainError):
    """Someone changed the case since the writer opened it. `changes` are the timeline rows since their version."""

    code = "conflict"

    def __init__(self, case: Case, seen: int) -> None:
        super().__init__(_("Someone changed this case since you opened it. Look at what changed, then try again."))
        self.case_id = case.pk
        self.seen = seen
        self.current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first() or seen
        self.changes = list(
            CaseEvent.objects.filter(case_id=case.pk, version__gt=seen)
            .exclude(kind=EventKind.READ)
            .select_related("actor")
            .order_by("version", "pk")
        )

    def api_details(self) -> dict[str, object]:
        """What the API adds to its 409: the version to send again and what happened since the caller's."""
        return {
            "version": self.current,
            "changes": [
                {"kind": event.kind, "at": event.at.isoformat(), "version": event.version} for event in self.changes
            ],
        }


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise NotAllowed(message or _("You may not do this on this case."))


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _event(case: Case, event_kind: str, acting_user: Any, /, version: int | None = None, **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=event_kind,
        actor=_actor(acting_user),
        version=case.version if version is None else version,
        data=data,
    )


def _bump(case: Case, seen: int, acting_user: Any, event_kind: str, /, **data: Any) -> CaseEvent:
    """The compare-and-swap every write goes through: the version moves from `seen` to `seen + 1` or the write is
    refused. On PostgreSQL the UPDATE takes the row lock, so a second writer with the same `seen` waits for the
    first to commit, then finds the version moved and matches no row."""
    moved = Case.objects.filter(pk=case.pk, version=seen).update(version=F("version") + 1, updated_at=timezone.now())
    if moved != 1:
        raise CaseConflict(case, seen)
    case.version = seen + 1
    return _event(case, event_kind, acting_user, **data)


def _check_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_("This case is closed."), code="closed")
    if case.anonymised_at is not None:
        raise CaseError(_("This case was anonymised."), code="anonymised")


def _due(started: dt.datetime, sla_days: int) -> dt.datetime | None:
    return started + dt.timedelta(days=sla_days) if sla_days else None


def _holds_role(user: Any, organization_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return OrganizationRole.objects.filter(
        user=user, organization_id=organization_id, role__in=permissions.PEOPLE_ROLES
    ).exists()


def _copy_template(case: Case, now: dt.datetime) -> None:
    stages = []
    for position, template in enumerate(templates.template_for(case.case_type)):
        stages.append(
            CaseStage(
                case=case,
                code=template.code,
                position=position,
                sla_days=template.sla_days,
                started_at=now if template.code == case.stage else None,
            )
        )
    CaseStage.objects.bulk_create(stages)
    by_code = {stage.code: stage for stage in CaseStage.objects.filter(case=case)}
    items = [
        ChecklistItem(stage=by_code[template.code], code=code, position=position)
        for template in templates.template_for(case.case_type)
        for position, (code, _label) in enumerate(template.checklist)
    ]
    ChecklistItem.objects.bulk_create(items)


def _add_members(case: Case, head: Person, members: Iterable[tuple[Person, str]]) -> None:
    rows = [CaseMember(case=case, person=head, is_head=True, relationship="")]
    seen = {head.pk}
    for person, relationship in members:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(CaseMember(case=case, person=person, relationship=relationship[:60]))
    for row in rows:
        if row.person.is_erased:
            raise CaseError(_("An erased record cannot be part of a case."), field="members")
    CaseMember.objects.bulk_create(rows)


@transaction.atomic
def case_open(
    *,
    owner: Organization,
    head: Person,
    acting_user: Any,
    case_type: str = CaseType.RETURN,
    members: Sequence[tuple[Person, str]] = (),
    worker: Any = None,
    origin_country: Country | None = None,
    region: str = "",
    summary: str = "",
    reference: str | None = None,
) -> Case:
    """Staff open a case for a person (the head) and their family, all records the staff may name."""
    _require(permissions.can(acting_user, "cases.open", owner))
    if case_type not in CaseType.values:
        raise CaseError(_("Unknown case type."), field="case_type")
    from tamyr.registry.services import require_person_in_reach

    if acting_user is not permissions.SYSTEM:  # a reviewed network file names the people it loads itself
        for person in [head, *(member for member, _rel in members)]:
            require_person_in_reach(acting_user, person, field="members")
    if worker is not None and not _holds_role(worker, owner.pk):
        raise CaseError(_("The case worker must work for the owner organization."), field="worker")
    now = timezone.now()
    first = templates.template_for(case_type)[0]
    case = Case.objects.create(
        reference=reference or None,
        case_type=case_type,
        owner=owner,
        worker=worker,
        stage=first.code,
        stage_started_at=now,
        stage_due_at=_due(now, first.sla_days),
        origin_country=origin_country,
        region=region[:120],
        summary=summary,
    )
    _add_members(case, head, members)
    _copy_template(case, now)
    _event(case, EventKind.CREATED, acting_user, owner=owner.pk)
    audit.record(acting_user, "cases.case_opened", case, owner=owner.slug)
    return case


@transaction.atomic
def case_request(
    *, person: Person, owner: Organization, acting_user: Any, origin_country: Country | None = None, summary: str = ""
) -> Case:
    """A compatriot asks for help with their return, from their own page: a case waiting for the organization."""
    _require(permissions.can(acting_user, "cases.request", owner))
    if person.user_id is None or person.user_id != getattr(acting_user, "pk", None):
        raise NotAllowed(_("You may only ask for help for yourself."))
    if Case.objects.filter(members__person=person, status=CaseStatus.REQUESTED, owner=owner).exists():
        raise CaseError(_("You have already asked this organization; it will contact you."), code="duplicate")
    now = timezone.now()
    first = templates.template_for(CaseType.RETURN)[0]
    case = Case.objects.create(
        case_type=CaseType.RETURN,
        status=CaseStatus.REQUESTED,
        owner=owner,
        stage=first.code,
        stage_started_at=now,
        stage_due_at=_due(now, first.sla_days),
        origin_country=origin_country,
        summary=summary,
    )
    _add_members(case, person, ())
    _copy_template(case, now)
    _event(case, EventKind.REQUESTED, acting_user)
    audit.record(acting_user, "cases.case_requested", case, owner=owner.slug)
    return case


@transaction.atomic
def case_accept_request(*, case: Case, version: int, acting_user: Any, worker: Any = None) -> Case:
    _require(permissions.can(acting_user, "cases.manage", case))
    if case.status != CaseStatus.REQUESTED:
        raise CaseError(_("This request was already taken on."), code="not_requested")
    worker = worker or (acting_user if _holds_role(acting_user, case.owner_id) else None)
    _bump(case, version, acting_user, EventKind.ACCEPTED)
    case.status = CaseStatus.OPEN
    case.worker = worker
    case.save(update_fields=["status", "worker"])
    audit.record(acting_user, "cases.request_accepted", case)
    return case


@transaction.atomic
def member_add(*, case: Case, version: int, person: Person, relationship: str, acting_user: Any) -> CaseMember:
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    from tamyr.registry.services import require_person_in_reach

    require_person_in_reach(acting_user, person, field="person")
    if case.members.filter(person=person).exists():
        raise CaseError(_("This person is already in the case."), field="person")
    _bump(case, version, acting_user, EventKind.MEMBER_ADDED, person=person.pk)
    member = CaseMember.objects.create(case=case, person=person, relationship=relationship[:60])
    audit.record(acting_user, "cases.member_added", case, person=person.pk)
    return member


@transaction.atomic
def case_assign(*, case: Case, version: int, worker: Any, acting_user: Any) -> Case:
    """Assign within the organization: the new worker must be staff or admin of the owner organization."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if worker is None or not _holds_role(worker, case.owner_id):
        raise CaseError(_("The case worker must work for the owner organization."), field="worker")
    _bump(case, version, acting_user, EventKind.ASSIGNED, worker=worker.pk, previous=case.worker_id)
    case.worker = worker
    case.save(update_fields=["worker"])
    audit.record(acting_user, "cases.assigned", case, worker=worker.pk)
    return case


@transaction.atomic
def plan_set(*, case: Case, version: int, plan: str, acting_user: Any) -> Case:
    """Write the case plan; a changed plan needs a supervisor's approval again."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if not plan.strip():
        raise CaseError(_("Write the plan first."), field="plan")
    _bump(case, version, acting_user, EventKind.PLAN_CHANGED)
    case.plan = plan.strip()
    case.plan_approved_at = None
    case.save(update_fields=["plan", "plan_approved_at"])
    audit.record(acting_user, "cases.plan_changed", case)
    return case


@transaction.atomic
def stage_move(*, case: Case, version: int, to_stage: str, acting_user: Any) -> Case:
    """Move the case to another stage (forward or back). Leaving intake needs an approved case plan; closing goes
    through a closure approval (`approval_request`), never through here."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    codes = templates.stage_codes(case.case_type)
    if to_stage not in codes or to_stage == templates.CLOSED:
        raise CaseError(_("Choose one of the case's stages."), field="stage")
    if to_stage == case.stage:
        raise CaseError(_("The case is in this stage already."), field="stage")
    if case.status == CaseStatus.REQUESTED:
        raise CaseError(_("Take the request on first."), code="not_open")
    if to_stage != templates.INTAKE and case.plan_approved_at is None:
        raise CaseError(_("The case plan needs a supervisor's approval before the case leaves intake."), code="plan")
    now = timezone.now()
    _bump(case, version, acting_user, EventKind.STAGE_MOVED, **{"from": case.stage, "to": to_stage})
    stages = {stage.code: stage for stage in case.stages.all()}
    if case.stage in stages:
        stages[case.stage].completed_at = now
        stages[case.stage].save(update_fields=["completed_at"])
    target = stages[to_stage]
    target.started_at = now
    target.completed_at = None
    target.save(update_fields=["started_at", "completed_at"])
    case.stage = to_stage
    case.stage_started_at = now
    case.stage_due_at = _due(now, target.sla_days)
    case.save(update_fields=["stage", "stage_started_at", "stage_due_at"])
    audit.record(acting_user, "cases.stage_moved", case, to=to_stage)
    return case


@transaction.atomic
def checklist_mark(*, case: Case, version: int, item: ChecklistItem, done: bool, acting_user: Any) -> ChecklistItem:
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if item.stage.case_id != case.pk:
        raise CaseError(_("This item belongs to another case."), field="item")
    _bump(case, version, acting_user, EventKind.CHECKLIST, stage=item.stage.code, item=item.code, done=done)
    item.done_at = timezone.now() if done else None
    item.done_by = _actor(acting_user) if done else None
    item.save(update_fields=["done_at", "done_by"])
    return item


@transaction.atomic
def task_add(
    *,
    case: Case,
    version: int,
    title: str,
    acting_user: Any,
    due_on: dt.date | None = None,
    assignee: Any = None,
    for_family: bool = False,
) -> CaseTask:
    """A task of the case; `for_family`: the family is asked to do it, and sees it on their own page."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    title = title.strip()
    if not title:
        raise CaseError(_("Say what is to be done."), field="title")
    if assignee is not None and not _holds_role(assignee, case.owner_id):
        raise CaseError(_("Tasks go to people of the owner organization."), field="assignee")
    _bump(case, version, acting_user, EventKind.TASK_ADDED, title=title[:200])
    task = CaseTask.objects.create(
        case=case, title=title[:200], due_on=due_on, assignee=assignee, for_family=for_family
    )
    audit.record(acting_user, "cases.task_added", case, task=task.pk)
    return task


@transaction.atomic
def task_done(*, task: CaseTask, version: int, acting_user: Any) -> CaseTask:
    case = task.case
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if task.done_at is not None:
        raise CaseError(_("This task is done already."), code="done")
    _bump(case, version, acting_user, EventKind.TASK_DONE, task=task.pk, title=task.title)
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    return task


@transaction.atomic
def note_add(
    *, case: Case, version: int, text: str, acting_user: Any, visibility: str = Visibility.ORGANIZATION
) -> CaseNote:
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if not text.strip():
        raise CaseError(_("Write the note first."), field="text")
    if visibility not in Visibility.values:
        raise CaseError(_("Choose who may read the note."), field="visibility")
    _bump(case, version, acting_user, EventKind.NOTE_ADDED, visibility=visibility)
    note = CaseNote.objects.create(case=case, text=text.strip(), visibility=visibility, author=_actor(acting_user))
    audit.record(acting_user, "cases.note_added", case, note=note.pk)
    return note


@transaction.atomic
def document_add(
    *,
    case: Case,
    version: int,
    upload: Any,
    doc_type: str,
    acting_user: Any,
    visibility: str = Visibility.ORGANIZATION,
) -> CaseDocument:
    """Store a document privately, checked by its content; it is kept `RETENTION_DAYS[doc_type]` days."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if doc_type not in DocumentType.values:
        raise CaseError(_("Choose the document's type."), field="doc_type")
    if visibility not in Visibility.values:
        raise CaseError(_("Choose who may read the document."), field="visibility")
    checked = uploads.check(upload, DOCUMENT, field="file")
    _bump(case, version, acting_user, EventKind.DOCUMENT_ADDED, doc_type=doc_type)
    document = CaseDocument(
        case=case,
        doc_type=doc_type,
        original_name=(checked.original_name or "")[:200],
        visibility=visibility,
        uploaded_by=_actor(acting_user),
        expires_on=timezone.localdate() + dt.timedelta(days=RETENTION_DAYS[doc_type]),
    )
    document.file = checked  # type: ignore[assignment]
    document.save()
    audit.record(acting_user, "cases.document_added", case, document=document.pk)
    return document


@transaction.atomic
def approval_request(*, case: Case, version: int, kind: str, acting_user: Any) -> Approval:
    """Ask a supervisor to approve the case plan or the closure of the case."""
    _require(permissions.can(acting_user, "cases.manage", case))
    _check_open(case)
    if kind not in ApprovalKind.values:
        raise CaseError(_("Choose what is to be approved."), field="kind")
    if kind == ApprovalKind.PLAN and not case.plan:
        raise CaseError(_("Write the case plan first."), field="plan")
    if case.approvals.filter(kind=kind, status=ApprovalStatus.REQUESTED).exists():
        raise CaseError(_("An approval of this is already waiting."), code="waiting")
    _bump(case, version, acting_user, EventKind.APPROVAL_REQUESTED, kind=kind)
    approval = Approval.objects.create(case=case, kind=kind, requested_by=_actor(acting_user))
    audit.record(acting_user, "cases.approval_requested", case, kind=kind)
    return approval


@transaction.atomic
def approval_decide(*, approval: Approval, version: int, approve: bool, acting_user: Any, reason: str = "") -> Approval:
    """A supervisor approves (a plan: the case may leave intake; a closure: the case closes) or refuses, saying why."""
    case = approval.case
    _require(
        permissions.can(acting_user, "cases.approve", case), _("Only a supervisor of the organization may decide.")
    )
    _check_open(case)
    if approval.status != ApprovalStatus.REQUESTED:
        raise CaseError(_("This was decided already."), code="decided")
    if not approve and not reason.strip():
        raise CaseError(_("Say why you refuse, so the case worker knows what to change."), field="reason")
    now = timezone.now()
    kind = EventKind.APPROVED if approve else EventKind.REJECTED
    _bump(case, version, acting_user, kind, approval=approval.kind, reason=reason.strip()[:500])
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by = _actor(acting_user)
    approval.decided_at = now
    approval.reason = reason.strip()[:500]
    approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if approve and approval.kind == ApprovalKind.PLAN:
        case.plan_approved_at = now
        case.save(update_fields=["plan_approved_at"])
    if approve and approval.kind == ApprovalKind.CLOSURE:
        stages = {stage.code: stage for stage in case.stages.all()}
        if case.stage in stages:
            stages[case.stage].completed_at = now
            stages[case.stage].save(update_fields=["completed_at"])
        if templates.CLOSED in stages:
            stages[templates.CLOSED].started_at = now
            stages[templates.CLOSED].save(update_fields=["started_at"])
        case.status = CaseStatus.CLOSED
        case.stage = templates.CLOSED
        case.stage_started_at = now
        case.stage_due_at = None
        case.closed_at = now
        case.save(update_fields=["status", "stage", "stage_started_at", "stage_due_at", "closed_at"])
        _event(case, EventKind.CLOSED, acting_user)
    audit.record(acting_user, "cases.approval_decided", case, kind=approval.kind, approved=approve)
    return approval


# --- consent for sharing, referrals and transfers -------------------------------------------------------------


def has_sharing_consent(person: Person, organization: Organization) -> bool:
    return SharingConsent.objects.filter(person=person, organization=organization, withdrawn_at__isnull=True).exists()


@transaction.atomic
def sharing_consent_give(
    *, person: Person, organization: Organization, method: str, acting_user: Any
) -> SharingConsent:
    """Record that the person agreed their case may be shared with `organization` (staff of an organization
    holding the person's case, or the person themselves)."""
    is_self = person.user_id is not None and person.user_id == getattr(acting_user, "pk", None)
    cases = Case.objects.filter(members__person=person)
    if not is_self and not any(permissions.can(acting_user, "cases.manage", case) for case in cases):
        raise NotAllowed(_("You may not record consent for this person."))
    if method not in ConsentMethod.values:
        raise CaseError(_("Say how the consent was given."), field="method")
    if has_sharing_consent(person, organization):
        raise CaseError(_("This consent is already recorded."), code="exists")
    consent = SharingConsent.objects.create(person=person, organization=organization, method=method)
    audit.record(acting_user, "cases.sharing_consent_given", person, organization=organization.slug)
    return consent


@transaction.atomic
def sharing_consent_withdraw(*, consent: SharingConsent, acting_user: Any) -> SharingConsent:
    person = consent.person
    is_self = person.user_id is not None and person.user_id == getattr(acting_user, "pk", None)
    cases = Case.objects.filter(members__person=person)
    if not is_self and not any(permissions.can(acting_user, "cases.manage", case) for case in cases):
        raise NotAllowed(_("You may not change this person's consent."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit.record(acting_user, "cases.sharing_consent_withdrawn", person, organization=consent.organization_id)
    return consent


def _head(case: Case) -> Person:
    member = case.members.select_related("person").filter(is_head=True).first()
    if member is None:
        raise CaseError(_("The case has no head of household."))
    return member.person


@transaction.atomic
def referral_create(
    *,
    case: Case,
    version: int,
    to_organization: Organization,
    acting_user: Any,
    kind: str = ReferralKind.REFERRAL,
    service: str = "",
    shared_sections: Iterable[str] = (),
    message: str = "",
) -> Referral:
    """Refer one stage's service to a partner, or offer the case to another organization (a transfer). Refused
    unless the head of the household consented to sharing with that organization."""
    _require(permissions.can(acting_user, "cases.refer", case))
    _check_open(case)
    if kind not in ReferralKind.values:
        raise CaseError(_("Choose a referral or a transfer."), field="kind")
    if to_organization.pk == case.owner_id:
        raise CaseError(
            _("Refer to another organization; within yours, assign a case worker."), field="to_organization"
        )
    if not to_organization.is_active:
        raise CaseError(_("This organization is not active."), field="to_organization")
    if kind == ReferralKind.REFERRAL and service not in templates.stage_codes(case.case_type)[1:-1]:
        raise CaseError(_("Choose the service (a stage of the case) to refer."), field="service")
    sections = sorted(set(shared_sections))
    if any(section not in templates.SECTIONS for section in sections):
        raise CaseError(_("Unknown section to share."), field="shared_sections")
    if not has_sharing_consent(_head(case), to_organization):
        raise CaseError(
            _("The person has not consented to sharing their case with %(organization)s. Record their consent first.")
            % {"organization": to_organization.short_name or to_organization.slug},
            code="no_consent",
            field="to_organization",
        )
    if case.referrals.filter(to_organization=to_organization, kind=kind, status=ReferralStatus.PENDING).exists():
        raise CaseError(_("A referral to this organization is already waiting for its answer."), code="waiting")
    referral = Referral.objects.create(
        case=case,
        kind=kind,
        service=service if kind == ReferralKind.REFERRAL else "",
        from_organization_id=case.owner_id,
        to_organization=to_organization,
        shared_sections=sections,
        message=message.strip()[:500],
        created_by=_actor(acting_user),
    )
    _bump(
        case,
        version,
        acting_user,
        EventKind.REFERRED,
        referral=referral.pk,
        kind=kind,
        to=to_organization.pk,
        service=referral.service,
    )
    audit.record(acting_user, "cases.referred", case, to=to_organization.slug, kind=kind)
    return referral


def _lock_case_version(case: Case) -> int:
    """The partner's answer changes the case without the partner having edited it: it takes the version under a
    row lock, so it still moves the version (the worker's open page learns of it) and never races a worker."""
    return Case.objects.select_for_update().values_list("version", flat=True).get(pk=case.pk)


@transaction.atomic
def referral_respond(*, referral: Referral, accept: bool, acting_user: Any, reason: str = "") -> Referral:
    _require(permissions.can(acting_user, "cases.respond_referral", referral))
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    case = referral.case
    if referral.status != ReferralStatus.PENDING:
        raise CaseError(_("This referral was answered already."), code="answered")
    if not accept and not reason.strip():
        raise CaseError(_("Say why you reject it, so the case worker can find another partner."), field="reason")
    if accept and not has_sharing_consent(_head(case), referral.to_organization):
        raise CaseError(_("The person withdrew their consent for sharing with your organization."), code="no_consent")
    now = timezone.now()
    kind = EventKind.REFERRAL_ACCEPTED if accept else EventKind.REFERRAL_REJECTED
    _bump(case, _lock_case_version(case), acting_user, kind, referral=referral.pk, reason=reason.strip()[:500])
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    referral.reason = reason.strip()[:500]
    referral.decided_by = _actor(acting_user)
    referral.decided_at = now
    referral.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if accept and referral.kind == ReferralKind.TRANSFER:
        previous = case.owner_id
        case.owner = referral.to_organization
        case.worker = _actor(acting_user) if _holds_role(acting_user, referral.to_organization_id) else None
        case.save(update_fields=["owner", "worker"])
        _event(case, EventKind.TRANSFERRED, acting_user, **{"from": previous, "to": referral.to_organization_id})
    audit.record(acting_user, "cases.referral_answered", case, referral=referral.pk, accepted=accept)
    return referral


@transaction.atomic
def referral_implement(*, referral: Referral, acting_user: Any) -> Referral:
    _require(permissions.can(acting_user, "cases.respond_referral", referral))
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    if referral.status != ReferralStatus.ACCEPTED or referral.kind != ReferralKind.REFERRAL:
        raise CaseError(_("Only an accepted referral can be marked carried out."), code="not_accepted")
    case = referral.case
    _bump(case, _lock_case_version(case), acting_user, EventKind.REFERRAL_DONE, referral=referral.pk)
    referral.status = ReferralStatus.IMPLEMENTED
    referral.implemented_at = timezone.now()
    referral.save(update_fields=["status", "implemented_at"])
    audit.record(acting_user, "cases.referral_implemented", case, referral=referral.pk)
    return referral


# --- erasure and retention ----------------------------------------------------------------------------------------


def case_anonymise(*, person: Person) -> int:
    """The person's registry record was erased: every case they are in loses what could identify anyone in it (the
    summary, the plan, notes, documents, task titles and the timeline's details); the counts stay. Runs inside the
    erasure's transaction (`registry.signals.person_erased`)."""
    cases = list(Case.objects.filter(members__person=person, anonymised_at__isnull=True))
    now = timezone.now()
    for case in cases:
        for document in case.documents.all():
            uploads.delete_on_commit(document.file)
        case.documents.all().delete()
        case.notes.all().delete()
        case.tasks.update(title="—")
        case.events.update(data={})
        case.region = ""
        case.summary = ""
        case.plan = ""
        case.anonymised_at = now
        case.version = F("version") + 1
        case.save(update_fields=["region", "summary", "plan", "anonymised_at", "version"])
        _event(case, EventKind.ANONYMISED, None, version=0)
        audit.record(None, "cases.case_anonymised", case)
    return len(cases)


def documents_delete_expired(*, today: dt.date | None = None) -> int:
    """Delete the documents past their retention period (the daily task); the timeline keeps that they existed."""
    today = today or timezone.localdate()
    count = 0
    for document in CaseDocument.objects.filter(expires_on__lt=today).select_related("case").iterator():
        with transaction.atomic():
            uploads.delete_on_commit(document.file)
            _event(document.case, EventKind.DOCUMENT_DELETED, None, version=0, doc_type=document.doc_type)
            document.delete()
            count += 1
    if count:
        audit.record(None, "cases.documents_expired", None, count=count)
    return count
