"""Reads of cases, with their joins applied here (no N+1 on the lists) and the read audit of a case page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from tamyr.accounts import permissions
from tamyr.analytics.disclosure import ProtectedSeries, protect_series
from tamyr.cases import stages as templates
from tamyr.cases.models import (
    Approval,
    ApprovalStatus,
    Case,
    CaseEvent,
    CaseMember,
    CaseNote,
    CaseStatus,
    CaseTask,
    EventKind,
    Referral,
    ReferralStatus,
)
from tamyr.core import audit, rows
from tamyr.registry.models import Person

HEADS = Prefetch("members", queryset=CaseMember.objects.filter(is_head=True).select_related("person"), to_attr="heads")


def managed_organizations(user: Any) -> set[int] | None:
    """Organizations whose cases the user works on; None: all (platform admin)."""
    roles = permissions.roles_of(user)
    if roles.platform_admin:
        return None
    return roles.organizations_with(permissions.PEOPLE_ROLES)


def managed_organizations_ids(user: Any) -> set[int]:
    """The organizations where the user holds a staff or admin role (a platform admin's own roles only)."""
    return permissions.roles_of(user).organizations_with(permissions.PEOPLE_ROLES)


def supervised_organizations(user: Any) -> set[int] | None:
    roles = permissions.roles_of(user)
    if roles.platform_admin:
        return None
    return roles.organizations_with({permissions.ADMIN})


def case_list(
    user: Any,
    *,
    mine: bool = False,
    stage: str = "",
    case_type: str = "",
    country: str = "",
    status: str = "active",
) -> QuerySet[Case]:
    """The worker's list: cases of the user's organizations (or only theirs), overdue first (earliest stage due
    date first, which is what the owner/worker indexes hold), closed ones only when asked for."""
    qs = Case.objects.select_related("owner", "worker", "origin_country").prefetch_related(HEADS)
    scope = managed_organizations(user)
    if scope is not None:
        qs = qs.filter(owner_id__in=scope)
    if mine:
        qs = qs.filter(worker=user)
    if status == "active":
        qs = qs.filter(status__in=[CaseStatus.REQUESTED, CaseStatus.OPEN])
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if case_type:
        qs = qs.filter(case_type=case_type)
    if country:
        qs = qs.filter(origin_country_id=country.upper()[:2])
    return qs.order_by(models_nulls_last("stage_due_at"), "pk")


def origin_countries(user: Any) -> list[tuple[str, str]]:
    """The countries the user's organizations' cases come from, (code, name in the reader's language) sorted by
    that name: the list filter offers only what can match, and nobody types an ISO code."""
    from tamyr.core import cldr
    from tamyr.core.collation import sorted_by

    qs = Case.objects.exclude(origin_country__isnull=True)
    scope = managed_organizations(user)
    if scope is not None:
        qs = qs.filter(owner_id__in=scope)
    codes = qs.order_by().values_list("origin_country_id", flat=True).distinct()
    return sorted_by([(str(code), cldr.country_name(str(code))) for code in codes], key=lambda item: item[1])


def models_nulls_last(field: str) -> Any:
    return F(field).asc(nulls_last=True)


def waiting_approvals(user: Any) -> QuerySet[Approval]:
    qs = Approval.objects.filter(status=ApprovalStatus.REQUESTED).select_related("case__owner", "requested_by")
    scope = supervised_organizations(user)
    if scope is not None:
        qs = qs.filter(case__owner_id__in=scope)
    heads = Prefetch(
        "case__members", queryset=CaseMember.objects.filter(is_head=True).select_related("person"), to_attr="heads"
    )
    return qs.prefetch_related(heads).order_by("requested_at")


def overdue_cases(user: Any) -> QuerySet[Case]:
    qs = Case.objects.exclude(status=CaseStatus.CLOSED).filter(stage_due_at__lt=timezone.now())
    scope = supervised_organizations(user)
    if scope is not None:
        qs = qs.filter(owner_id__in=scope)
    return qs.select_related("owner", "worker", "origin_country").prefetch_related(HEADS).order_by("stage_due_at", "pk")


def incoming_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals and transfers sent to the user's organizations, waiting ones first."""
    qs = Referral.objects.select_related("case", "case__origin_country", "from_organization", "to_organization")
    scope = managed_organizations(user)
    if scope is not None:
        qs = qs.filter(to_organization_id__in=scope)
    return qs.order_by("status", "-created_at")


@dataclass
class CaseView:
    """What one reader may see of one case: all of it (its organization) or the shared sections (a partner)."""

    case: Case
    full: bool
    sections: frozenset[str]
    partner_referrals: list[Referral]

    def shows(self, section: str) -> bool:
        return self.full or section in self.sections

    @property
    def shows_members(self) -> bool:
        return self.shows("members")


def case_get(pk: int) -> Case:
    """The case with everything its page shows, in one query per kind of row: the users and organizations each
    row names come in the same query (select_related inside each prefetch), not in one more query per relation."""
    return (
        Case.objects.select_related("owner", "worker", "origin_country")
        .prefetch_related(
            Prefetch("members", queryset=CaseMember.objects.select_related("person")),
            "stages__items",
            Prefetch("tasks", queryset=CaseTask.objects.select_related("assignee")),
            Prefetch("referrals", queryset=Referral.objects.select_related("to_organization", "from_organization")),
            Prefetch("approvals", queryset=Approval.objects.select_related("requested_by", "decided_by")),
            Prefetch("notes", queryset=CaseNote.objects.select_related("author")),
            "documents",
        )
        .get(pk=pk)
    )


def case_for_reading(user: Any, pk: int, *, audit_read: bool = True) -> CaseView:
    """The case as `user` may see it; raises Case.DoesNotExist when they may not (so the page answers 404 and
    does not reveal that the case exists). Every read leaves an audit row and a timeline row (item 4)."""
    case = case_get(pk)
    if not permissions.can(user, "cases.view", case):
        raise Case.DoesNotExist
    full = permissions.can(user, "cases.manage", case)
    held = permissions.roles_of(user).organizations_with(permissions.PEOPLE_ROLES)
    partner = [
        referral
        for referral in case.referrals.all()
        if referral.to_organization_id in held and referral.status in (ReferralStatus.ACCEPTED, "implemented")
    ]
    sections = frozenset(section for referral in partner for section in referral.shared_sections)
    if audit_read:
        _record_read(user, case)
    return CaseView(case=case, full=full, sections=sections, partner_referrals=partner)


def _record_read(user: Any, case: Case) -> None:
    """The audit row and the timeline row of one read, written together. On PostgreSQL one statement writes both
    (a data-modifying WITH), and the commit of a read does not wait for the disk (`synchronous_commit = off` for
    this transaction only, decision 0035): the rows reach the WAL in order with everything else and the disk within
    a fraction of a second, so only a crash of the database server in that moment can lose the last reads' rows;
    writes of a case and their audit rows commit as before. Inside a caller's transaction the caller's commit
    decides."""
    entry = audit.unsaved(user, "cases.case_read", case, None)
    event = CaseEvent(case=case, kind=EventKind.READ, actor=user, version=case.version)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            rows.insert(entry)
            rows.insert(event)
        return
    audit_sql, _fields, audit_values, _returning = rows.insert_sql(entry)
    event_sql, _fields, event_values, _returning = rows.insert_sql(event)
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not outer:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(f"WITH audit AS ({audit_sql}) {event_sql}", [*audit_values, *event_values])


TIMELINE_PAGE = 20


@dataclass
class TimelinePage:
    events: list[CaseEvent]
    older: int | None  # the id to ask `before=` for the next (older) page; None: this is the oldest


def timeline(
    case: Case, *, limit: int = TIMELINE_PAGE, before: int | None = None, with_reads: bool = False
) -> TimelinePage:
    """One page of the timeline, newest first; `before` (an event id from the previous page) continues it older
    (a keyset on (at, id), so page 100 costs what page 1 costs). Without reads, the partial index
    `case_event_story` holds exactly these rows, however often the case is read."""
    qs = CaseEvent.objects.filter(case=case).select_related("actor")
    if not with_reads:
        qs = qs.exclude(kind=EventKind.READ)
    if before is not None:
        anchor = CaseEvent.objects.filter(case=case, pk=before).values_list("at", flat=True).first()
        if anchor is not None:
            qs = qs.filter(Q(at__lt=anchor) | Q(at=anchor, pk__lt=before))
    rows = list(qs.order_by("-at", "-pk")[: limit + 1])
    return TimelinePage(events=rows[:limit], older=rows[limit - 1].pk if len(rows) > limit else None)


def visible_notes(user: Any, view: CaseView) -> list[Any]:
    return [note for note in view.case.notes.all() if permissions.can(user, "cases.view_note", note)]


def visible_documents(user: Any, view: CaseView) -> list[Any]:
    return [doc for doc in view.case.documents.all() if permissions.can(user, "cases.view_document", doc)]


def linked_activities(case: Case) -> dict[str, list[Any]]:
    """Item 7: the members' language-course enrollments and event registrations, read-only."""
    from tamyr.events.models import Registration
    from tamyr.learning.models import Enrollment

    people = [member.person_id for member in case.members.all()]
    return {
        "enrollments": list(
            Enrollment.objects.filter(person_id__in=people).select_related("person", "group__course")[:20]
        ),
        "registrations": list(Registration.objects.filter(person_id__in=people).select_related("person", "event")[:20]),
    }


def case_workers(organization_id: int) -> list[tuple[int, str]]:
    """Who may be the case worker of the organization's cases: its staff and admins, by name."""
    from tamyr.accounts.models import OrganizationRole

    roles = (
        OrganizationRole.objects.filter(organization_id=organization_id, role__in=permissions.PEOPLE_ROLES)
        .select_related("user")
        .order_by("user__username")
    )
    seen: dict[int, str] = {}
    for role in roles:
        seen.setdefault(role.user_id, role.user.get_full_name() or role.user.get_username())
    return list(seen.items())


def possible_duplicates(user: Any, name: str) -> list[tuple[Person, list[Case]]]:
    """Before staff open a case: people in their reach whose name matches in any script, with their open cases."""
    from tamyr.registry import selectors as registry

    if not name.strip():
        return []
    people = registry.person_search(registry.people_visible_to(user), name, limit=10)
    cases: dict[int, list[Case]] = {}
    for member in (
        CaseMember.objects.filter(person__in=people).exclude(case__status=CaseStatus.CLOSED).select_related("case")
    ):
        cases.setdefault(member.person_id, []).append(member.case)
    return [(person, cases.get(person.pk, [])) for person in people]


@dataclass
class OwnCase:
    """What the family sees of their case: where it stands, what they are asked to do, who helps them."""

    case: Case
    stage_label: str
    stages: list[tuple[str, str]]  # (label, "done" / "current" / "") in order
    asked: list[CaseTask]
    helpers: list[tuple[str, str]]  # (organization, service) of the referrals a partner took on


def my_cases(user: Any) -> list[OwnCase]:
    """The cases the user's registry record is a member of, for their own page: only the stage, the tasks marked
    for the family and the organizations that took on a referral; never notes, documents, the plan or the
    timeline (decision 0035)."""
    qs = (
        Case.objects.filter(members__person__user=user)
        .select_related("owner")
        .prefetch_related(
            Prefetch("members", queryset=CaseMember.objects.select_related("person")),
            "stages",
            Prefetch("tasks", queryset=CaseTask.objects.filter(for_family=True, done_at__isnull=True)),
            Prefetch(
                "referrals",
                queryset=Referral.objects.filter(
                    status__in=[ReferralStatus.ACCEPTED, ReferralStatus.IMPLEMENTED]
                ).select_related("to_organization"),
            ),
        )
        .order_by("-created_at")
        .distinct()
    )
    result = []
    for case in qs:
        if not permissions.can(user, "cases.view_own", case):
            continue
        stages = []
        for stage in case.stages.all():
            if stage.code == templates.CLOSED:
                continue
            state = "current" if stage.code == case.stage else ("done" if stage.completed_at else "")
            stages.append((str(templates.STAGE_LABELS.get(stage.code, stage.code)), state))
        result.append(
            OwnCase(
                case=case,
                stage_label=str(templates.STAGE_LABELS.get(case.stage, case.stage)),
                stages=stages,
                asked=list(case.tasks.all()),
                helpers=[
                    (
                        referral.to_organization.short_name or referral.to_organization.display_name,
                        str(templates.STAGE_LABELS.get(referral.service, "")),
                    )
                    for referral in case.referrals.all()
                ],
            )
        )
    return result


def my_requests(person: Person | None) -> QuerySet[Case]:
    if person is None:
        return Case.objects.none()
    return Case.objects.filter(members__person=person).select_related("owner").order_by("-created_at")


# --- statistics ------------------------------------------------------------------------------------------------


@dataclass
class Statistics:
    by_stage: ProtectedSeries[str]
    by_region: ProtectedSeries[str]
    by_country: ProtectedSeries[str]
    by_time_in_stage: ProtectedSeries[str]
    referrals: ProtectedSeries[str]
    raw: bool


TIME_BUCKETS = ((7, "0–7"), (30, "8–30"), (90, "31–90"), (None, "91+"))


def statistics(user: Any, *, organization_id: int | None = None) -> Statistics:
    """Counts of cases; raw for the owner organization's staff and platform admins, through disclosure control
    (small cells hidden, the rest rounded) for everyone else."""
    cases = Case.objects.all()
    referrals = Referral.objects.all()
    raw = permissions.is_platform_admin(user)
    if organization_id is not None:
        cases = cases.filter(owner_id=organization_id)
        referrals = referrals.filter(from_organization_id=organization_id)
        scope = managed_organizations(user)
        raw = scope is None or organization_id in scope
    by_stage = Counter(dict(_counts(cases, "stage")))
    by_region = Counter({key or "—": n for key, n in _counts(cases, "region")})
    by_country = Counter({key or "—": n for key, n in _counts(cases, "origin_country_id")})
    now = timezone.now()
    by_time: Counter[str] = Counter()
    for started in cases.exclude(status=CaseStatus.CLOSED).values_list("stage_started_at", flat=True).iterator():
        days = (now - started).days
        for limit, label in TIME_BUCKETS:
            if limit is None or days <= limit:
                by_time[label] += 1
                break
    by_referral = Counter(dict(_counts(referrals.filter(status__in=["accepted", "rejected", "implemented"]), "status")))
    return Statistics(
        by_stage=protect_series({code: by_stage.get(code, 0) for code in templates.STAGE_LABELS}, raw=raw),
        by_region=protect_series(dict(by_region), raw=raw),
        by_country=protect_series(dict(by_country), raw=raw),
        by_time_in_stage=protect_series({label: by_time.get(label, 0) for _l, label in TIME_BUCKETS}, raw=raw),
        referrals=protect_series(dict(by_referral), raw=raw),
        raw=raw,
    )


def _counts(qs: QuerySet[Any], field: str) -> list[tuple[Any, int]]:
    return list(qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def intake_organizations() -> QuerySet[Any]:
    """Organizations a compatriot may ask for help with their return: active state institutions and NGOs in
    Kazakhstan (decision 0035)."""
    from tamyr.registry.models import Organization, OrganizationKind

    return Organization.objects.filter(
        is_active=True, country_id="KZ", kind__in=[OrganizationKind.STATE_DIASPORA_INSTITUTION, OrganizationKind.NGO]
    ).order_by("slug")


def openable_organizations(user: Any) -> QuerySet[Any]:
    from tamyr.registry.models import Organization

    scope = managed_organizations(user)
    qs = Organization.objects.filter(is_active=True).order_by("slug")
    return qs if scope is None else qs.filter(pk__in=scope)
