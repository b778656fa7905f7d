"""The case pages: the worker's list, the supervisor's list, a case, the partner's referrals, intake (the
compatriot's request and staff opening a case) and statistics. Thin: each asks `can()` or a selector that does,
and calls the services; a conflict (someone changed the case since the page was opened) shows the page again with
what changed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.cases import forms, selectors, services
from tamyr.cases import stages as templates
from tamyr.cases.models import Approval, Case, CaseStatus, CaseTask, CaseType, ChecklistItem, Referral
from tamyr.core.errors import DomainError
from tamyr.registry.models import Person

PAGE_SIZE = 25


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can(request.user, "cases.manage"):
        raise PermissionDenied(_("Case pages are for the staff of the organizations that handle cases."))


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    params = request.GET
    qs = selectors.case_list(
        request.user,
        mine=params.get("mine") == "1",
        stage=params.get("stage", ""),
        case_type=params.get("type", ""),
        country=params.get("country", ""),
        status=params.get("status", "active"),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "stages": templates.STAGE_LABELS,
            "types": CaseType.choices,
            "origins": selectors.origin_countries(request.user),
            "params": params,
            "may_supervise": permissions.can(request.user, "cases.approve"),
        },
    )


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cases.approve"):
        raise PermissionDenied(_("This page is for the supervisors (admins) of an organization."))
    return render(
        request,
        "cases/supervision.html",
        {
            "approvals": selectors.waiting_approvals(request.user)[:100],
            "overdue": Paginator(selectors.overdue_cases(request.user), PAGE_SIZE).get_page(request.GET.get("page")),
            "stages": templates.STAGE_LABELS,
        },
    )


def _view_or_404(request: HttpRequest, pk: int) -> selectors.CaseView:
    try:
        return selectors.case_for_reading(request.user, pk)
    except Case.DoesNotExist as error:
        raise Http404(_("No such case.")) from error


def _context(
    request: HttpRequest, view: selectors.CaseView, bound: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    case = view.case
    stage_rows = [
        {
            "stage": stage,
            "label": templates.STAGE_LABELS.get(stage.code, stage.code),
            "items": [(item, templates.checklist_label(stage.code, item.code)) for item in stage.items.all()],
        }
        for stage in case.stages.all()
    ]
    context = {
        "view": view,
        "case": case,
        "stage_rows": stage_rows,
        "stage_label": templates.STAGE_LABELS.get(case.stage, case.stage),
        "timeline": selectors.timeline(case, before=_before(request)) if view.full else None,
        "notes": selectors.visible_notes(request.user, view),
        "documents": selectors.visible_documents(request.user, view),
        "may_approve": permissions.can(request.user, "cases.approve", case),
        "linked": selectors.linked_activities(case) if view.shows("members") else {},
        "forms": _forms(case, bound) if view.full else {},
        "sections": templates.SECTIONS,
    }
    context.update(extra)
    return context


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


def _forms(case: Case, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    """The forms of a case page for its organization (a partner gets none). The organization options are read
    once for the referral and consent forms."""
    initial = {"version": case.version}
    organizations = forms.organization_choices(exclude=case.owner_id)
    made: dict[str, Any] = {
        "note": forms.NoteForm(initial=initial),
        "task": forms.TaskForm(initial=initial),
        "stage": forms.StageForm(initial=initial, case_type=case.case_type),
        "plan": forms.PlanForm(initial={**initial, "plan": case.plan}),
        "refer": forms.ReferForm(initial=initial, case_type=case.case_type),
        "document": forms.DocumentForm(initial=initial),
        "consent": forms.ConsentForm(),
        "assign": forms.AssignForm(
            initial={**initial, "worker": case.worker_id}, workers=selectors.case_workers(case.owner_id)
        ),
    }
    made.update(bound or {})
    made["refer"].fields["to_organization"].choices = organizations
    made["consent"].fields["organization"].choices = organizations
    return made


FORM_NAMES = frozenset({"note", "task", "stage", "plan", "refer", "document", "consent", "assign"})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = _view_or_404(request, pk)
    return render(request, "cases/case_detail.html", _context(request, view))


ACTIONS = {
    "note": forms.NoteForm,
    "task": forms.TaskForm,
    "task_done": forms.TaskDoneForm,
    "stage": forms.StageForm,
    "checklist": forms.ChecklistForm,
    "plan": forms.PlanForm,
    "approval_request": forms.ApprovalRequestForm,
    "approval_decide": forms.ApprovalDecideForm,
    "assign": forms.AssignForm,
    "refer": forms.ReferForm,
    "document": forms.DocumentForm,
    "accept_request": forms.VersionForm,
}


def _run(action: str, case: Case, data: dict[str, Any], user: Any) -> str:
    """Call the service of one action with a valid form's data; returns the message to show."""
    version = data["version"]
    if action == "note":
        services.note_add(
            case=case, version=version, text=data["text"], visibility=data["visibility"], acting_user=user
        )
        return _("The note is added.")
    if action == "task":
        services.task_add(
            case=case,
            version=version,
            title=data["title"],
            due_on=data["due_on"],
            for_family=data["for_family"],
            acting_user=user,
        )
        return _("The task is added.")
    if action == "task_done":
        task = get_object_or_404(CaseTask, case=case, pk=data["task"])
        services.task_done(task=task, version=version, acting_user=user)
        return _("The task is done.")
    if action == "stage":
        services.stage_move(case=case, version=version, to_stage=data["stage"], acting_user=user)
        return _("The case moved to another stage.")
    if action == "checklist":
        item = get_object_or_404(ChecklistItem, stage__case=case, pk=data["item"])
        services.checklist_mark(case=case, version=version, item=item, done=data["done"], acting_user=user)
        return _("The checklist is updated.")
    if action == "plan":
        services.plan_set(case=case, version=version, plan=data["plan"], acting_user=user)
        return _("The case plan is saved; ask a supervisor to approve it.")
    if action == "approval_request":
        services.approval_request(case=case, version=version, kind=data["kind"], acting_user=user)
        return _("A supervisor is asked to approve.")
    if action == "approval_decide":
        approval = get_object_or_404(Approval, case=case, pk=data["approval"])
        services.approval_decide(
            approval=approval, version=version, approve=data["approve"], reason=data["reason"], acting_user=user
        )
        return _("The decision is recorded.")
    if action == "assign":
        worker = get_user_model().objects.filter(pk=data["worker"]).first()
        services.case_assign(case=case, version=version, worker=worker, acting_user=user)
        return _("The case worker is assigned.")
    if action == "refer":
        services.referral_create(
            case=case,
            version=version,
            to_organization=data["to_organization"],
            kind=data["kind"],
            service=data["service"],
            shared_sections=data["shared_sections"],
            message=data["message"],
            acting_user=user,
        )
        return _("The referral is sent; the partner will accept or reject it.")
    if action == "document":
        services.document_add(
            case=case,
            version=version,
            upload=data["file"],
            doc_type=data["doc_type"],
            visibility=data["visibility"],
            acting_user=user,
        )
        return _("The document is stored.")
    services.case_accept_request(case=case, version=version, acting_user=user)
    return _("You took the request on.")


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of a case from its page: `action` names the form; the form's `version` is the case version the
    page showed. A conflict shows the page again (409) with what changed and the writer's input kept."""
    view = _view_or_404(request, pk)
    case = view.case
    if not permissions.can(request.user, "cases.manage", case):
        raise PermissionDenied(_("Only the organization working on the case may change it."))
    action = request.POST.get("action", "")
    form_class = ACTIONS.get(action)
    if form_class is None:
        raise Http404(_("No such action."))
    kwargs: dict[str, Any] = {"case_type": case.case_type} if action in ("stage", "refer") else {}
    if action == "assign":
        kwargs["workers"] = selectors.case_workers(case.owner_id)
    form = form_class(request.POST, request.FILES or None, **kwargs)
    status = 200
    conflict = None
    if form.is_valid():
        try:
            message = _run(action, case, form.cleaned_data, request.user)
        except services.CaseConflict as error:
            conflict = error
            status = 409
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, message)
            return redirect("cases:case_detail", pk=case.pk)
    view = selectors.case_for_reading(request.user, pk, audit_read=False)
    if conflict is not None:
        # the writer's input is kept, now carrying the version they are shown: sent again after looking at what
        # changed, it is applied (and refused again only if the case moves once more meanwhile)
        data = request.POST.copy()
        data["version"] = str(view.case.version)
        form = form_class(data, request.FILES or None, **kwargs)
        form.is_valid()
    bound = {action: form} if action in FORM_NAMES else {}
    context = _context(request, view, bound, conflict=conflict, failed_action=action, failed_form=form)
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_POST
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a member's consent for sharing their case with an organization (staff, after asking them)."""
    view = _view_or_404(request, pk)
    case = view.case
    if not permissions.can(request.user, "cases.manage", case):
        raise PermissionDenied(_("Only the organization working on the case may change it."))
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        member = get_object_or_404(case.members.select_related("person"), person_id=form.cleaned_data["person"])
        try:
            services.sharing_consent_give(
                person=member.person,
                organization=form.cleaned_data["organization"],
                method=form.cleaned_data["method"],
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The consent is recorded."))
    else:
        messages.error(request, _("Choose the organization and how the consent was given."))
    return redirect("cases:case_detail", pk=case.pk)


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cases.respond_referral"):
        raise PermissionDenied(_("This page is for the staff of partner organizations."))
    page = Paginator(selectors.incoming_referrals(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/referral_list.html",
        {"page": page, "stages": templates.STAGE_LABELS, "form": forms.RespondForm()},
    )


@login_required
@require_POST
def referral_respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.select_related("case"), pk=pk)
    if not permissions.can(request.user, "cases.respond_referral", referral):
        raise Http404(_("No such referral."))
    form = forms.RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept, reject or mark it carried out."))
        return redirect("cases:referral_list")
    try:
        if form.cleaned_data["action"] == "implement":
            services.referral_implement(referral=referral, acting_user=request.user)
        else:
            services.referral_respond(
                referral=referral,
                accept=form.cleaned_data["action"] == "accept",
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your answer is recorded."))
    return redirect("cases:referral_list")


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    """Staff open a case: they search the registry for the head of the household first (any script), and see
    whether the person already has an open case before they create one."""
    if not permissions.can(request.user, "cases.open"):
        raise PermissionDenied(_("Only the staff of an organization open cases."))
    name = request.GET.get("name", "").strip()[:200]
    duplicates = selectors.possible_duplicates(request.user, name) if name else []
    owners = selectors.openable_organizations(request.user)
    form = forms.OpenCaseForm(request.POST or None, organizations=owners, initial={"head": request.GET.get("head")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        head = Person.objects.filter(pk=data["head"]).first()
        try:
            if head is None:
                raise DomainError(_("Choose the head of the household from the registry."), field="head")
            case = services.case_open(
                owner=data["owner"],
                head=head,
                case_type=data["case_type"],
                origin_country=data["origin_country"],
                region=data["region"],
                summary=data["summary"],
                worker=request.user if data["owner"].pk in selectors.managed_organizations_ids(request.user) else None,
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("The case is opened."))
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_open.html", {"form": form, "name": name, "duplicates": duplicates})


@login_required
def case_request(request: HttpRequest) -> HttpResponse:
    """ "I am returning to Kazakhstan": a compatriot asks for help from their own page, in their language."""
    from tamyr.registry import selectors as registry

    person = registry.person_of_user(request.user)
    form = forms.RequestForm(request.POST or None, organizations=selectors.intake_organizations())
    if request.method == "POST" and form.is_valid():
        try:
            if person is None:
                from tamyr.registry.services import person_create_for_user

                person = person_create_for_user(user=request.user)
            services.case_request(
                person=person,
                owner=form.cleaned_data["owner"],
                origin_country=form.cleaned_data["origin_country"],
                summary=form.cleaned_data["summary"],
                acting_user=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your request is sent. The organization will contact you."))
            return redirect("cases:case_request")
    requests = selectors.my_requests(person)
    return render(request, "cases/case_request.html", {"form": form, "requests": requests})


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The family's own view of their case(s): the stage, what they are asked to do, who helps them."""
    if not permissions.can(request.user, "cases.view_own"):
        raise PermissionDenied
    return render(
        request,
        "cases/my_cases.html",
        {"cases": selectors.my_cases(request.user)},
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "cases.view_statistics"):
        raise PermissionDenied(_("Statistics of cases are for the staff of organizations."))
    organization = None
    slug = request.GET.get("organization", "")
    if slug:
        from tamyr.registry.models import Organization

        organization = get_object_or_404(Organization, slug=slug)
    stats = selectors.statistics(request.user, organization_id=organization.pk if organization else None)
    return render(
        request,
        "cases/statistics.html",
        {"stats": stats, "organization": organization, "stages": templates.STAGE_LABELS, "open": CaseStatus.OPEN},
    )
