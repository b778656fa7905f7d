"""Every permission decision in Tamyr: views, the API, templates and selectors all ask `can()` or a scope here.

Roles:
- platform admin: `user.is_superuser`;
- network coordinator: `NetworkCoordinator` row; sees the people of every organization in the network;
- organization admin / staff / teacher / reviewer: `OrganizationRole` rows, per organization;
- compatriot: any signed-in user; may read and erase their own record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, OrganizationRoleKind

ADMIN = OrganizationRoleKind.ADMIN
STAFF = OrganizationRoleKind.STAFF
TEACHER = OrganizationRoleKind.TEACHER
REVIEWER = OrganizationRoleKind.REVIEWER
PEOPLE_ROLES = frozenset({ADMIN, STAFF})
SEATED = ("active", "completed")  # enrollment statuses that hold a seat (learning.selectors.SEAT_STATUSES)


@dataclass(frozen=True)
class Roles:
    """Everything one user holds, loaded once per request (two queries)."""

    platform_admin: bool = False
    by_organization: dict[int, frozenset[str]] = field(default_factory=dict)
    coordinated_networks: frozenset[int] = frozenset()
    coordinated_organizations: frozenset[int] = frozenset()

    def organizations_with(self, roles: frozenset[str] | set[str]) -> set[int]:
        return {org for org, held in self.by_organization.items() if held & roles}

    @property
    def any_role(self) -> bool:
        return self.platform_admin or bool(self.by_organization) or bool(self.coordinated_networks)


ANONYMOUS = Roles()


class _System:
    """The installation itself acting: an operator's command (`tamyr load`) that applies a reviewed file through
    the domain services. Only code can pass it (no request carries it); `can()` allows it everything, and the audit
    log names it "system" (it is not an authenticated user)."""

    is_authenticated = False
    is_active = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def roles_of(user: Any) -> Roles:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_tamyr_roles", None)
    if cached is not None:
        return cached
    from tamyr.registry.models import NetworkMembership

    by_org: dict[int, set[str]] = {}
    for org_id, role in OrganizationRole.objects.filter(user=user).values_list("organization_id", "role"):
        by_org.setdefault(org_id, set()).add(role)
    networks = frozenset(NetworkCoordinator.objects.filter(user=user).values_list("network_id", flat=True))
    coordinated_orgs = (
        frozenset(NetworkMembership.objects.filter(network_id__in=networks).values_list("organization_id", flat=True))
        if networks
        else frozenset()
    )
    roles = Roles(
        platform_admin=bool(user.is_superuser and user.is_active),
        by_organization={org: frozenset(held) for org, held in by_org.items()},
        coordinated_networks=networks,
        coordinated_organizations=coordinated_orgs,
    )
    user._tamyr_roles = roles
    return roles


def forget_roles(user: Any) -> None:
    """Call after granting or revoking a role so the same request sees the change."""
    if hasattr(user, "_tamyr_roles"):
        del user._tamyr_roles


def is_platform_admin(user: Any) -> bool:
    return roles_of(user).platform_admin


def requires_mfa(user: Any) -> bool:
    """Every staff role needs a second factor; a plain compatriot does not."""
    return roles_of(user).any_role or bool(getattr(user, "is_staff", False))


def people_scope(user: Any) -> set[int] | None:
    """Organization ids whose people the user may see; None means all (platform admin)."""
    roles = roles_of(user)
    if roles.platform_admin:
        return None
    return roles.organizations_with(PEOPLE_ROLES) | set(roles.coordinated_organizations)


def people_write_scope(user: Any) -> set[int] | None:
    roles = roles_of(user)
    if roles.platform_admin:
        return None
    return roles.organizations_with(PEOPLE_ROLES)


def _person_orgs(person: Any) -> set[int]:
    orgs = {a.organization_id for a in person.affiliations.all()}
    if person.registered_by_id:
        orgs.add(person.registered_by_id)
    return orgs


def _is_self(user: Any, person: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and person.user_id and person.user_id == user.pk)


def _in_scope(scope: set[int] | None, orgs: set[int]) -> bool:
    return scope is None or bool(scope & orgs)


# --- the rules ---------------------------------------------------------------


def _view_people(user: Any, obj: Any) -> bool:
    scope = people_scope(user)
    return scope is None or bool(scope)


def _add_person(user: Any, obj: Any) -> bool:
    scope = people_write_scope(user)
    return scope is None or bool(scope)


def _view_person(user: Any, person: Any) -> bool:
    if person is None:
        return _view_people(user, None)
    return _is_self(user, person) or _in_scope(people_scope(user), _person_orgs(person))


def _change_person(user: Any, person: Any) -> bool:
    if person is None or person.is_erased:
        return False
    return _in_scope(people_write_scope(user), _person_orgs(person))


def _erase_person(user: Any, person: Any) -> bool:
    if person is None or person.is_erased:
        return False
    if _is_self(user, person):
        return True
    roles = roles_of(user)
    return roles.platform_admin or bool(roles.organizations_with({ADMIN}) & _person_orgs(person))


def _review_duplicates(user: Any, pair: Any) -> bool:
    """Possible duplicates: without a pair, may the user review any (admins and staff of some organization);
    with a pair (`person_a`, `person_b`), may they change both records."""
    if pair is None:
        return _add_person(user, None)
    return _change_person(user, pair.person_a) and _change_person(user, pair.person_b)


def _merge_people(user: Any, obj: Any) -> bool:
    """Merge a pair (as reviewing it), or undo a merge (`PersonMerge`): whoever may change the kept record, which
    holds everything both records had, the merged one's organizations included."""
    if obj is None:
        return _add_person(user, None)
    if hasattr(obj, "kept"):
        return _change_person(user, obj.kept)
    return _review_duplicates(user, obj)


def _import_people(user: Any, organization: Any) -> bool:
    """Import people for an organization: its admins and staff; without one, for any of theirs."""
    scope = people_write_scope(user)
    if scope is None:
        return True
    return bool(scope) if organization is None else organization.pk in scope


def _change_organization(user: Any, organization: Any) -> bool:
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    return organization is not None and ADMIN in roles.by_organization.get(organization.pk, frozenset())


def _manage_roles(user: Any, organization: Any) -> bool:
    return _change_organization(user, organization)


def _add_organization(user: Any, obj: Any) -> bool:
    return roles_of(user).platform_admin


def _change_network(user: Any, network: Any) -> bool:
    roles = roles_of(user)
    return roles.platform_admin or (network is not None and network.pk in roles.coordinated_networks)


def _add_network_member(user: Any, network: Any) -> bool:
    """Bringing an organization into a network opens its people's records to the network's coordinators (they see
    the people of every member), so a coordinator cannot bring one in by themselves: the platform admins do, as
    they create organizations. A coordinator changes the members' roles and dates and removes members
    (`registry.change_network`)."""
    return roles_of(user).platform_admin


def _view_audit(user: Any, obj: Any) -> bool:
    return roles_of(user).platform_admin


def _load_network_file(user: Any, obj: Any) -> bool:
    """A network file may create and change any organization and network and grant roles in any of them, so only
    platform admins load one for now; network coordinators (their own network's files) may come later."""
    return roles_of(user).platform_admin


def _own_data(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- events ------------------------------------------------------------------------


def _event_organizations(event: Any) -> set[int]:
    orgs = {event.organizer_id}
    orgs.update(org.pk for org in event.co_organizers.all())
    return orgs


def _add_event(user: Any, organizer: Any) -> bool:
    """With an organization: may this user create events for it; without: for any organization at all."""
    scope = people_write_scope(user)
    if scope is None:
        return True
    return bool(scope) if organizer is None else organizer.pk in scope


def _change_event(user: Any, event: Any) -> bool:
    if event is None:
        return False
    scope = people_write_scope(user)
    if scope is not None and not scope:
        return False  # no staff role anywhere: no need to read the event's co-organizers
    return _in_scope(scope, _event_organizations(event))


def _view_event(user: Any, event: Any) -> bool:
    """Published events are public pages (an invitation-only event shows its page but takes no open sign-ups)."""
    if event is None:
        return True
    if event.status in ("published", "cancelled"):
        return True
    return _change_event(user, event)


def _view_event_statistics(user: Any, event: Any) -> bool:
    if event is None:
        return _view_people(user, None)
    roles = roles_of(user)
    return _change_event(user, event) or bool(set(roles.coordinated_organizations) & _event_organizations(event))


def _register(user: Any, event: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (event is None or event.status == "published")


def _view_registration(user: Any, registration: Any) -> bool:
    if registration is None:
        return False
    return _is_self(user, registration.person) or _change_event(user, registration.event)


# --- learning ----------------------------------------------------------------------


def _course_of(obj: Any) -> Any:
    return getattr(obj, "course", obj)


def _add_course(user: Any, provider: Any) -> bool:
    return _add_event(user, provider)


def _change_course(user: Any, course: Any) -> bool:
    if course is None:
        return False
    return _in_scope(people_write_scope(user), {_course_of(course).provider_id})


def _teach_group(user: Any, group: Any) -> bool:
    """Teachers of the group or of its course, and the provider's admins and staff."""
    if group is None:
        return False
    if _change_course(user, group.course):
        return True
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    return any(t.pk == user_id for t in group.teachers.all()) or any(
        t.pk == user_id for t in group.course.teachers.all()
    )


def _view_enrollment(user: Any, enrollment: Any) -> bool:
    if enrollment is None:
        return False
    return _is_self(user, enrollment.person) or _teach_group(user, enrollment.group)


def _view_learning_statistics(user: Any, provider: Any) -> bool:
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    orgs = roles.organizations_with(PEOPLE_ROLES) | set(roles.coordinated_organizations)
    return bool(orgs) if provider is None else provider.pk in orgs


def _revoke_certificate(user: Any, certificate: Any) -> bool:
    roles = roles_of(user)
    if certificate is None:
        return False
    return roles.platform_admin or ADMIN in roles.by_organization.get(certificate.issuer_id, frozenset())


# --- private files (served by tamyr.core.files after asking these) ---------------------------------------------


def _view_import_file(user: Any, record: Any) -> bool:
    """An import's uploaded file and its report: who may import people for its organization."""
    return record is not None and _import_people(user, record.organization)


def _view_answer_file(user: Any, answer: Any) -> bool:
    """A file given as a registration answer: who may see the registration (the person, the event's staff)."""
    return answer is not None and _view_registration(user, answer.registration)


def _view_session_material(user: Any, material: Any) -> bool:
    """A session's attachment: whoever may see the event (everyone once it is published; its staff before)."""
    return material is not None and _view_event(user, material.session.event)


def _view_lesson_material(user: Any, material: Any) -> bool:
    """A lesson's file: learners with a seat in a group of the course, its teachers, the provider's staff."""
    if material is None:
        return False
    course = material.lesson.course
    if _change_course(user, course):
        return True
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    if any(t.pk == user_id for t in course.teachers.all()):
        return True
    if course.groups.filter(teachers__pk=user_id).exists():
        return True
    return course.groups.filter(enrollments__person__user_id=user_id, enrollments__status__in=SEATED).exists()


def _view_certificate_pdf(user: Any, certificate: Any) -> bool:
    """The PDF of a certificate: its holder, the issuer's admins and staff, the group's teachers."""
    if certificate is None:
        return False
    if _is_self(user, certificate.person) or _in_scope(people_write_scope(user), {certificate.issuer_id}):
        return True
    return _view_enrollment(user, certificate.enrollment)


# --- cooperation (plans) ---------------------------------------------------------------------------------------------


def _view_plan(user: Any, plan: Any) -> bool:
    """Public plans are read by anyone; others by the network's coordinators and the staff of its organizations."""
    if plan is None:
        return True
    if plan.is_public or _change_plan(user, plan):
        return True
    roles = roles_of(user)
    if plan.network_id is None:
        return plan.organization_id in roles.by_organization
    own = set(roles.by_organization)
    return bool(own) and plan.network.memberships.filter(organization_id__in=own).exists()


def _view_plan_report(user: Any, plan: Any) -> bool:
    """Progress reports show exact numbers, small ones too: the network's coordinators and the people holding a
    role at its organizations, never the public (which has the accountability page)."""
    if plan is None:
        return False
    if _change_plan(user, plan):
        return True
    own = set(roles_of(user).by_organization)
    if plan.network_id is None:
        return plan.organization_id in own
    return bool(own) and plan.network.memberships.filter(organization_id__in=own).exists()


def _view_public_plan(user: Any, plan: Any) -> bool:
    """The public accountability page: anyone, once the network publishes the plan; before, its coordinators
    preview it."""
    return plan is not None and (plan.is_public or _change_plan(user, plan))


def _change_plan(user: Any, plan: Any) -> bool:
    """A network's plan: its coordinators; an organization's plan: its admins and staff. Without a plan: may the
    user make one anywhere."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if plan is None:
        return bool(roles.coordinated_networks) or bool(roles.organizations_with({ADMIN}))
    if plan.network_id is not None:
        return plan.network_id in roles.coordinated_networks
    return bool(roles.by_organization.get(plan.organization_id, frozenset()) & PEOPLE_ROLES)


def _report_value(user: Any, measure: Any) -> bool:
    """Reported values of a measure: its lead organization's admins and staff (and the plan's coordinators)."""
    if measure is None:
        return False
    roles = roles_of(user)
    return bool(roles.by_organization.get(measure.lead_id, frozenset()) & PEOPLE_ROLES) or _change_plan(
        user, measure.plan
    )


def _sign_plan(user: Any, organization: Any) -> bool:
    """Signing a plan in an institution's name: someone holding the admin role there, nobody else (not even a
    platform admin: the record says which institution's person decided)."""
    return organization is not None and ADMIN in roles_of(user).by_organization.get(organization.pk, frozenset())


def _comment_plan(user: Any, organization: Any) -> bool:
    return organization is not None and bool(
        roles_of(user).by_organization.get(organization.pk, frozenset()) & PEOPLE_ROLES
    )


def _edit_measure(user: Any, measure: Any) -> bool:
    """A measure's status, dates and partners: the plan's coordinators and its lead organization's admins and staff
    (the lead itself, the title and the budget stay with the coordinators: `cooperation.change_plan`)."""
    if measure is None:
        return False
    roles = roles_of(user)
    return bool(roles.by_organization.get(measure.lead_id, frozenset()) & PEOPLE_ROLES) or _change_plan(
        user, measure.plan
    )


def _bulk_edit_plan(user: Any, plan: Any) -> bool:
    """The bulk page and the import of a plan: its coordinators, and the admins and staff of an organization leading
    one of its measures (who may then change only those; the services ask `edit_measure` per measure)."""
    if plan is None:
        return False
    if _change_plan(user, plan):
        return True
    held = roles_of(user).organizations_with(PEOPLE_ROLES)
    return bool(held) and plan.measures.filter(lead_id__in=held).exists()


COOPERATION_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "cooperation.edit_measure": _edit_measure,
    "cooperation.bulk_edit": _bulk_edit_plan,
    "cooperation.view_plan": _view_plan,
    "cooperation.change_plan": _change_plan,
    "cooperation.view_report": _view_plan_report,
    "cooperation.view_public_page": _view_public_plan,
    "cooperation.approve_values": lambda user, plan: plan is not None and _change_plan(user, plan),
    "cooperation.view_counted": lambda user, plan: plan is not None and _change_plan(user, plan),
    "cooperation.report_value": _report_value,
    "cooperation.view_evidence": lambda user, value: (
        value is not None and _report_value(user, value.period.indicator.measure)
    ),
    "cooperation.sign_plan": _sign_plan,
    "cooperation.comment_plan": _comment_plan,
}


# --- cooperation (joint projects and practices) -----------------------------------------------------------------------


def _staff_of(user: Any, organization_id: int | None) -> bool:
    roles = roles_of(user)
    return roles.platform_admin or bool(roles.by_organization.get(organization_id or 0, frozenset()) & PEOPLE_ROLES)


def _add_project(user: Any, organization: Any) -> bool:
    """Start a project in an organization's name (it leads it): its admins and staff; without one, for any of theirs."""
    if organization is None:
        roles = roles_of(user)
        return roles.platform_admin or bool(roles.organizations_with(PEOPLE_ROLES))
    return _staff_of(user, organization.pk)


def _change_project(user: Any, project: Any) -> bool:
    """A project is edited by its lead organization's admins and staff only: partners tell the lead."""
    return project is not None and _staff_of(user, project.lead_id)


def _view_project(user: Any, project: Any) -> bool:
    """Public projects are read by anyone; others by the lead's and the partners' admins and staff."""
    if project is None or project.is_public or _change_project(user, project):
        return True
    held = roles_of(user).organizations_with(PEOPLE_ROLES)
    return bool(held) and project.partners.filter(organization_id__in=held).exists()


def _review_practice(user: Any, practice: Any) -> bool:
    """The practice's network's coordinators decide what enters the library."""
    if practice is None:
        return False
    roles = roles_of(user)
    return roles.platform_admin or practice.network_id in roles.coordinated_networks


def _change_practice(user: Any, practice: Any) -> bool:
    return practice is not None and _staff_of(user, practice.organization_id)


def _view_practice(user: Any, practice: Any) -> bool:
    """Accepted practices are the library, read by anyone; the others by their owner and the reviewers."""
    if practice is None or practice.status == "accepted":
        return True
    return _change_practice(user, practice) or _review_practice(user, practice)


def _request_learning(user: Any, organization: Any) -> bool:
    """Ask to learn from a practice in an organization's name: its admins and staff; without one, for any."""
    return _add_project(user, organization)


PROJECT_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "cooperation.view_project": _view_project,
    "cooperation.add_project": _add_project,
    "cooperation.change_project": _change_project,
    "cooperation.view_practice": _view_practice,
    "cooperation.submit_practice": _add_project,
    "cooperation.change_practice": _change_practice,
    "cooperation.review_practice": _review_practice,
    "cooperation.request_learning": _request_learning,
    "cooperation.answer_learning": lambda user, request: (
        request is not None and _change_practice(user, request.practice)
    ),
    "cooperation.view_learning": lambda user, request: (
        request is not None and (_change_practice(user, request.practice) or _staff_of(user, request.organization_id))
    ),
}


# --- calls (the applicant's side; review and selection add theirs) ------------------------------------------


def _add_call(user: Any, organization: Any) -> bool:
    """Create calls for an organization: its admins and staff; without one, for any of theirs."""
    return _add_event(user, organization)


def _manage_call(user: Any, call: Any) -> bool:
    """A call's managers: the admins and staff of the organization that runs it (and platform admins)."""
    if call is None:
        return False
    return _in_scope(people_write_scope(user), {call.organization_id})


def _view_call(user: Any, call: Any) -> bool:
    """Published (and archived) calls are public pages; drafts only for their managers."""
    if call is None:
        return True
    return call.status in ("published", "archived") or _manage_call(user, call)


def _apply(user: Any, call: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (call is None or call.status == "published")


def _applies_for(user: Any, organization: Any) -> bool:
    """Apply (and act on an application) in an organization's name: its admins and staff."""
    if organization is None:
        return False
    return bool(roles_of(user).by_organization.get(organization.pk, frozenset()) & PEOPLE_ROLES)


def _change_application(user: Any, application: Any) -> bool:
    """The applicant's own application: the person it belongs to, or the applying organization's admins and staff."""
    if application is None:
        return False
    if _is_self(user, application.person):
        return True
    return application.organization_id is not None and _applies_for(user, application.organization)


def _view_application(user: Any, application: Any) -> bool:
    if application is None:
        return False
    return _change_application(user, application) or _manage_call(user, application.call)


def _view_application_document(user: Any, document: Any) -> bool:
    """A document of an application: the call's managers; the applicant, except a referee's letter (confidential)."""
    if document is None:
        return False
    if _manage_call(user, document.application.call):
        return True
    return not document.from_referee and _change_application(user, document.application)


# --- calls: review and selection ---------------------------------------------------------------------------------


def _review_call(user: Any, call: Any) -> bool:
    """The reviewer pages of a call: the people in its reviewer pool."""
    if call is None or not getattr(user, "is_authenticated", False):
        return False
    return call.reviewers.filter(person__user_id=user.pk).exists()


def _review_application(user: Any, application: Any) -> bool:
    """Open and score one application: a pool member assigned to it (or every one, in a phase that shows all),
    never with a conflict of interest (tamyr.calls.review.may_review)."""
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    from tamyr.calls.review import may_review, reviewer_of

    return may_review(application, reviewer_of(user))


def _respond_offer(user: Any, outcome: Any) -> bool:
    return outcome is not None and _is_self(user, outcome.application.person)


def _report_award(user: Any, award: Any) -> bool:
    """Reports on an award: the applying organization's admins and staff (or the person who applied)."""
    return award is not None and _change_application(user, award.outcome.application)


def _view_award(user: Any, award: Any) -> bool:
    return award is not None and (_manage_call(user, award.outcome.call) or _report_award(user, award))


def _manage_award(user: Any, award: Any) -> bool:
    return award is not None and _manage_call(user, award.outcome.call)


def _view_award_report(user: Any, report: Any) -> bool:
    return report is not None and _view_award(user, report.award)


def _view_reviews(user: Any, call: Any) -> bool:
    """A call's reviews through the API: its managers (all of them) and its reviewers (their own)."""
    return _manage_call(user, call) or _review_call(user, call)


# --- content (news and pages) -------------------------------------------------------------------------------------


def _edits_owner(user: Any, owner: Any) -> bool:
    """Who writes an owner's news and pages: an organization's admins and staff; a network's coordinators."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if owner is None:
        return bool(roles.organizations_with(PEOPLE_ROLES)) or bool(roles.coordinated_networks)
    if owner._meta.model_name == "network":
        return owner.pk in roles.coordinated_networks
    return bool(roles.by_organization.get(owner.pk, frozenset()) & PEOPLE_ROLES)


def _change_entry(user: Any, entry: Any) -> bool:
    if entry is None:
        return False
    if entry.network_id is not None:
        roles = roles_of(user)
        return roles.platform_admin or entry.network_id in roles.coordinated_networks
    return _staff_of(user, entry.organization_id)


def _view_entry(user: Any, entry: Any) -> bool:
    """Published items: anyone; drafts, scheduled ones before their time and archived ones: their editors."""
    return entry is not None and (entry.is_public() or _change_entry(user, entry))


def _manage_mailings(user: Any, organization: Any) -> bool:
    """Mailings of an organization: its admins and staff (they already see its people); without one: for any of
    theirs. Never networks' coordinators alone: a mailing writes to people, whose data the organization keeps."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if organization is None:
        return bool(roles.organizations_with(PEOPLE_ROLES))
    return _staff_of(user, organization.pk)


def _change_mailing(user: Any, obj: Any) -> bool:
    """A segment or a campaign: the staff of the organization that owns it."""
    return obj is not None and _staff_of(user, obj.organization_id)


def _change_sending_identity(user: Any, organization: Any) -> bool:
    """Who an organization's mailings come from (sender address, DKIM key): its admins, as for the organization's
    own record; staff send mailings but do not decide the address or hold the key. Without one: admins of any."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if organization is None:
        return bool(roles.organizations_with(frozenset({ADMIN})))
    return _change_organization(user, organization)


CONTENT_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "content.manage_mailings": _manage_mailings,
    "content.change_sending_identity": _change_sending_identity,
    "content.change_segment": _change_mailing,
    "content.change_campaign": _change_mailing,
    "content.send_campaign": _change_mailing,
    "content.add_entry": _edits_owner,
    "content.change_entry": _change_entry,
    "content.view_entry": _view_entry,
    "content.view_attachment": lambda user, attachment: attachment is not None and _view_entry(user, attachment.entry),
}


# --- analytics -----------------------------------------------------------------------------------------------------
# Dashboards (docs/decisions/0033): the platform's for platform admins; a network's for its coordinators; an
# organization's for its admins and staff and the coordinators of its networks. Nobody else, and not the public:
# a network's public figures are the map's (suppressed) country counts. Raw figures (no suppression, no rounding)
# only for platform admins and for the organization's own admins and staff on its own dashboard.


def _scope_kind(scope: Any) -> str:
    if scope is None:
        return "platform"
    return str(scope._meta.model_name)


def _view_dashboard(user: Any, scope: Any) -> bool:
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    kind = _scope_kind(scope)
    if kind == "network":
        return scope.pk in roles.coordinated_networks
    if kind == "organization":
        return scope.pk in roles.organizations_with(PEOPLE_ROLES) or scope.pk in roles.coordinated_organizations
    return False


def _view_raw_figures(user: Any, scope: Any) -> bool:
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    return _scope_kind(scope) == "organization" and scope.pk in roles.organizations_with(PEOPLE_ROLES)


def _view_any_dashboard(user: Any, obj: Any) -> bool:
    roles = roles_of(user)
    return roles.platform_admin or bool(roles.coordinated_networks) or bool(roles.organizations_with(PEOPLE_ROLES))


ANALYTICS_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "analytics.view_dashboard": _view_dashboard,
    "analytics.view_raw_figures": _view_raw_figures,
    "analytics.view_any_dashboard": _view_any_dashboard,
}


# --- analytics: diaspora estimates and the map (issue 16) ---------------------------------------------------------


def _manage_estimates(user: Any, obj: Any) -> bool:
    """Official and expert estimates are the platform's shared reference: its admins and networks' coordinators
    enter and import them."""
    roles = roles_of(user)
    return roles.platform_admin or bool(roles.coordinated_networks)


def _view_raw_counts(user: Any, organization: Any) -> bool:
    """Counts without disclosure control: platform admins, and an organization's admins and staff for its own data
    (`organization`); everyone else sees small counts hidden and the rest rounded (tamyr.analytics.disclosure)."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    return organization is not None and bool(roles.by_organization.get(organization.pk, frozenset()) & PEOPLE_ROLES)


ESTIMATE_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "analytics.manage_estimates": _manage_estimates,
    "analytics.view_raw_counts": _view_raw_counts,
}


# --- cases (return and resettlement) ------------------------------------------------------------------------------
# A case worker is staff (or admin) of the case's owner organization; a supervisor is an admin of it (decision
# 0035). A partner organization sees a case only through an accepted referral, and then only the shared sections.


def _case_partner_orgs(case: Any) -> set[int]:
    """Organizations holding an accepted (or carried-out) referral of the case: cached on the case for the request."""
    cached = getattr(case, "_partner_orgs", None)
    if cached is None:
        cached = {
            referral.to_organization_id
            for referral in case.referrals.all()
            if referral.status in ("accepted", "implemented") and referral.kind == "referral"
        }
        case._partner_orgs = cached
    return set(cached)


def _manage_cases(user: Any, case: Any) -> bool:
    """Work on a case: staff and admins of its owner; without a case, of any organization (the worker's list)."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if case is None:
        return bool(roles.organizations_with(PEOPLE_ROLES))
    if getattr(case, "owner_id", None) is None:
        return False
    return bool(roles.by_organization.get(case.owner_id, frozenset()) & PEOPLE_ROLES)


def _open_case(user: Any, organization: Any) -> bool:
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if organization is None:
        return bool(roles.organizations_with(PEOPLE_ROLES))
    return bool(roles.by_organization.get(organization.pk, frozenset()) & PEOPLE_ROLES)


def _approve_case(user: Any, case: Any) -> bool:
    """Approve a case plan or a closure: the owner organization's admins (its supervisors)."""
    roles = roles_of(user)
    if roles.platform_admin:
        return True
    if case is None:
        return bool(roles.organizations_with({ADMIN}))
    return ADMIN in roles.by_organization.get(case.owner_id, frozenset())


def _is_case_partner(user: Any, case: Any) -> bool:
    if case is None:
        return False
    held = roles_of(user).organizations_with(PEOPLE_ROLES)
    return bool(held & _case_partner_orgs(case))


def _view_case(user: Any, case: Any) -> bool:
    if case is None:
        return _manage_cases(user, None)
    return _manage_cases(user, case) or _is_case_partner(user, case)


def _view_case_item(user: Any, item: Any) -> bool:
    """A note or a document by its visibility: "worker" the case worker and supervisors; "organization" everyone
    who works on the case; "partners" also the partners whose accepted referral shares that section."""
    if item is None:
        return False
    case = item.case
    if item.visibility == "worker":
        return (case.worker_id is not None and case.worker_id == getattr(user, "pk", None)) or _approve_case(user, case)
    if _manage_cases(user, case):
        return True
    if item.visibility != "partners":
        return False
    section = "notes" if item._meta.model_name == "casenote" else "documents"
    held = roles_of(user).organizations_with(PEOPLE_ROLES)
    return any(
        referral.to_organization_id in held and section in referral.shared_sections
        for referral in case.referrals.all()
        if referral.status in ("accepted", "implemented")
    )


def _respond_referral(user: Any, referral: Any) -> bool:
    """Accept, reject or mark carried out: the receiving organization's staff and admins."""
    if referral is None:
        return bool(roles_of(user).organizations_with(PEOPLE_ROLES)) or roles_of(user).platform_admin
    return _staff_of(user, referral.to_organization_id)


def _view_case_statistics(user: Any, organization: Any) -> bool:
    roles = roles_of(user)
    return roles.platform_admin or bool(roles.organizations_with(PEOPLE_ROLES))


def _request_case(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _view_own_case(user: Any, case: Any) -> bool:
    """The family's own view of their case (its stage, what they are asked to do, who helps them; nothing
    confidential): a signed-in user whose registry record is a member of the case."""
    if not getattr(user, "is_authenticated", False):
        return False
    if case is None:
        return True
    return any(member.person.user_id == user.pk for member in case.members.all())


CASES_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "cases.view": _view_case,
    "cases.manage": _manage_cases,
    "cases.open": _open_case,
    "cases.approve": _approve_case,
    "cases.refer": _manage_cases,
    "cases.respond_referral": _respond_referral,
    "cases.view_note": _view_case_item,
    "cases.view_document": _view_case_item,
    "cases.view_statistics": _view_case_statistics,
    "cases.request": _request_case,
    "cases.view_own": _view_own_case,
}


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "calls.manage_financing": _manage_call,
    "calls.view_award": _view_award,
    "calls.report_award": _report_award,
    "calls.manage_award": _manage_award,
    "calls.view_award_report": _view_award_report,
    "calls.view_reviews": _view_reviews,
    "calls.manage_review": _manage_call,
    "calls.manage_selection": _manage_call,
    "calls.review": _review_call,
    "calls.review_application": _review_application,
    "calls.respond_offer": _respond_offer,
    "calls.add_call": _add_call,
    "calls.view_call": _view_call,
    "calls.change_call": _manage_call,
    "calls.manage_applications": _manage_call,
    "calls.apply": _apply,
    "calls.apply_for_organization": _applies_for,
    "calls.view_application": _view_application,
    "calls.change_application": _change_application,
    "calls.view_application_document": _view_application_document,
    "registry.view_import_file": _view_import_file,
    "events.view_answer_file": _view_answer_file,
    "events.view_session_material": _view_session_material,
    "learning.view_lesson_material": _view_lesson_material,
    "learning.view_certificate_pdf": _view_certificate_pdf,
    "learning.add_course": _add_course,
    "learning.change_course": _change_course,
    "learning.manage_enrollments": lambda user, group: group is not None and _change_course(user, group.course),
    "learning.teach_group": _teach_group,
    "learning.enroll": lambda user, group: bool(getattr(user, "is_authenticated", False)),
    "learning.view_enrollment": _view_enrollment,
    "learning.view_statistics": _view_learning_statistics,
    "learning.issue_certificates": lambda user, course: course is not None and _change_course(user, course),
    "learning.revoke_certificate": _revoke_certificate,
    "events.add_event": _add_event,
    "events.view_event": _view_event,
    "events.change_event": _change_event,
    "events.manage_registrations": _change_event,
    "events.check_in": _change_event,
    "events.view_statistics": _view_event_statistics,
    "events.register": _register,
    "events.view_registration": _view_registration,
    "events.cancel_registration": _view_registration,
    "registry.view_people": _view_people,
    "registry.export_people": _view_people,
    "registry.add_person": _add_person,
    "registry.view_person": _view_person,
    "registry.change_person": _change_person,
    "registry.erase_person": _erase_person,
    "registry.review_duplicates": _review_duplicates,
    "registry.merge_people": _merge_people,
    "registry.import_people": _import_people,
    "registry.add_organization": _add_organization,
    "registry.change_organization": _change_organization,
    "registry.change_network": _change_network,
    "registry.add_network_member": _add_network_member,
    "accounts.manage_roles": _manage_roles,
    "core.view_audit": _view_audit,
    "core.load_network_file": _load_network_file,
    "core.dump_network_file": _load_network_file,
    "privacy.own_data": _own_data,
}

RULES.update(COOPERATION_RULES)
RULES.update(PROJECT_RULES)
RULES.update(CONTENT_RULES)
RULES.update(ANALYTICS_RULES)
RULES.update(ESTIMATE_RULES)
RULES.update(CASES_RULES)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """The one question every view and endpoint asks. Unknown actions raise for every user (a misspelt action
    must fail loudly, also on pages that visitors see), never silently allowed."""
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"Unknown permission action {action!r}; add it to tamyr.accounts.permissions.RULES")
    if user is None:
        return False
    if user is SYSTEM:
        return True
    if getattr(user, "is_authenticated", False) and not getattr(user, "is_active", True):
        return False  # a deactivated account (e.g. after erasure); AnonymousUser is never "active" but may read
    return rule(user, obj)
