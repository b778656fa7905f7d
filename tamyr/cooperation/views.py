"""Pages of plans: the plan with its progress, a measure, the drill-down of a computed number, reporting a value,
signing off a version, approving reported values. Each view asks `can()`, calls selectors or a service, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.cooperation import iati, reports, selectors, services, services_bulk
from tamyr.cooperation.forms import (
    BulkMeasuresForm,
    CommentForm,
    DecideValueForm,
    PlanImportForm,
    ReportValueForm,
    SignOffForm,
    SubmitVersionForm,
)
from tamyr.cooperation.models import (
    IndicatorPeriod,
    IndicatorSource,
    Plan,
    PlanImport,
    ReportedValue,
    ValueStatus,
)
from tamyr.core import exports
from tamyr.core.errors import DomainError
from tamyr.core.files import private_url
from tamyr.events.models import Event
from tamyr.registry.models import MembershipRole, Organization


def _plan_or_404(request: HttpRequest, slug: str) -> Plan:
    """The plan, if this user may see it; plans that exist and plans that don't look alike to anyone else."""
    try:
        plan = selectors.plan_get(slug)
    except Plan.DoesNotExist as error:
        raise Http404(_("No such plan.")) from error
    if not permissions.can(request.user, "cooperation.view_plan", plan):
        raise Http404(_("No such plan."))
    return plan


def _period_or_404(plan: Plan, pk: int) -> IndicatorPeriod:
    try:
        period = selectors.period_get(pk)
    except IndicatorPeriod.DoesNotExist as error:
        raise Http404(_("No such period.")) from error
    if period.indicator.measure.plan_id != plan.pk:
        raise Http404(_("No such period."))
    return period


def _refuse(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_visible_to(request.user).order_by("-starts_on", "slug")
    return render(request, "cooperation/plan_list.html", {"plans": plans})


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    tree, page = reports.page_for(request.user, plan, request.GET.get("page"))  # outsiders: small counts withheld
    signing = selectors.version_in_signing(plan)
    context = {
        "plan": plan,
        "tree": tree,
        "page": page,
        "adopted": selectors.last_adopted(plan),
        "signing": signing,
        "can_change": permissions.can(request.user, "cooperation.change_plan", plan),
        "can_drill": permissions.can(request.user, "cooperation.view_counted", plan),
        "can_report": permissions.can(request.user, "cooperation.view_report", plan),
        "can_bulk": permissions.can(request.user, "cooperation.bulk_edit", plan),
        "published_numbers": not reports.exact_numbers_for(request.user, plan),
    }
    return render(request, "cooperation/plan_detail.html", context)


def plan_iati(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    response = HttpResponse(iati.export(plan, request.user), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-iati.xml"'
    return response


def measure_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    node = reports.node_for(request.user, plan, code)
    if node is None:
        raise Http404(_("No such measure."))
    context = {
        "plan": plan,
        "node": node,
        "published_numbers": not reports.exact_numbers_for(request.user, plan),
        "can_drill": permissions.can(request.user, "cooperation.view_counted", plan),
        "can_report": permissions.can(request.user, "cooperation.report_value", node.measure),
    }
    return render(request, "cooperation/measure_detail.html", context)


@login_required
def period_counted(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    period = _period_or_404(plan, pk)
    if period.indicator.source != IndicatorSource.COMPUTED:
        raise Http404(_("This indicator is reported, not computed."))
    if not permissions.can(request.user, "cooperation.view_counted", plan):
        raise PermissionDenied(_("Only the plan's coordinators see whom a number counts."))
    rows = selectors.counted_items(period)
    return render(request, "cooperation/period_counted.html", {"plan": plan, "period": period, "rows": rows})


@login_required
def period_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    period = _period_or_404(plan, pk)
    measure = period.indicator.measure
    if period.indicator.source != IndicatorSource.REPORTED:
        raise Http404(_("This indicator is computed from the platform's data; nobody reports it."))
    if not permissions.can(request.user, "cooperation.report_value", measure):
        raise PermissionDenied(_("Only the lead organization of the measure reports its values."))
    form = ReportValueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_report(
                period=period,
                value=form.cleaned_data["value"],
                evidence_file=form.cleaned_data["evidence_file"],
                evidence_url=form.cleaned_data["evidence_url"] or "",
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The value is reported; it counts once the coordinator approves it."))
            return redirect(measure.get_absolute_url())
    reported = period.reported_values.select_related("reported_by", "decided_by")
    return render(
        request,
        "cooperation/period_report.html",
        {"plan": plan, "period": period, "form": form, "reported": reported},
    )


def _acting_for(request: HttpRequest, plan: Plan) -> tuple[list[Organization], list[Organization]]:
    """The organizations the user may sign for (members where they are admin) and comment for (members and
    observers where they are admin or staff)."""
    roles = permissions.roles_of(request.user)
    held = set(roles.by_organization)
    if not held:
        return [], []
    memberships: list[tuple[Organization | None, str]]
    if plan.network_id is None:
        memberships = [(plan.organization, MembershipRole.MEMBER)] if plan.organization_id in held else []
    else:
        memberships = [
            (m.organization, m.role)
            for m in plan.network.memberships.filter(organization_id__in=held).select_related("organization")  # type: ignore[union-attr]
        ]
    sign = [
        org
        for org, role in memberships
        if org is not None
        and role == MembershipRole.MEMBER
        and permissions.can(request.user, "cooperation.sign_plan", org)
    ]
    comment = [
        org
        for org, role in memberships
        if org is not None
        and role in (MembershipRole.MEMBER, MembershipRole.OBSERVER)
        and permissions.can(request.user, "cooperation.comment_plan", org)
    ]
    return sign, comment


def _meeting_choices(request: HttpRequest, plan: Plan) -> list[tuple[str, str]]:
    """Meetings a version can be adopted at: the events of the plan's network the user may see, newest first."""
    orgs: list[int | None] = (
        list(plan.network.memberships.values_list("organization_id", flat=True))
        if plan.network
        else [plan.organization_id]
    )
    events = Event.objects.filter(organizer_id__in=orgs).order_by("-starts_at")[:50]
    return [("", "—")] + [
        (event.slug, str(event)) for event in events if permissions.can(request.user, "events.view_event", event)
    ]


@login_required
def plan_signoff(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    may_sign, may_comment = _acting_for(request, plan)
    can_change = permissions.can(request.user, "cooperation.change_plan", plan)
    if not (may_sign or may_comment or can_change):
        raise PermissionDenied(_("Only the institutions of the network sign off or comment on its plan."))
    version = selectors.version_in_signing(plan)
    adopted = selectors.last_adopted(plan)
    signed = set(version.signoffs.values_list("organization_id", flat=True)) if version else set()
    sign_choices = [(org.slug, org.display_name) for org in may_sign if org.pk not in signed]
    comment_choices = [(org.slug, org.display_name) for org in may_comment]
    sign_form = SignOffForm(organizations=sign_choices)
    comment_form = CommentForm(organizations=comment_choices)
    submit_form = (
        SubmitVersionForm(meetings=_meeting_choices(request, plan)) if can_change and version is None else None
    )
    if request.method == "POST" and request.POST.get("action") == "submit":
        if not can_change:
            raise PermissionDenied(_("Only the plan's coordinators can change it."))
        submit_form = SubmitVersionForm(request.POST, meetings=_meeting_choices(request, plan))
        if submit_form.is_valid():
            meeting_slug = submit_form.cleaned_data["meeting"]
            try:
                services.version_submit(
                    plan=plan,
                    note=submit_form.cleaned_data["note"],
                    meeting=Event.objects.filter(slug=meeting_slug).first() if meeting_slug else None,
                    acting_user=request.user,
                )
            except DomainError as error:
                _refuse(submit_form, error)
            else:
                messages.success(request, _("The plan is put to the member institutions for sign-off."))
                return redirect("cooperation:plan_signoff", slug=plan.slug)
    elif request.method == "POST":
        if version is None:
            raise Http404(_("No version of this plan awaits sign-off."))
        by_slug = {org.slug: org for org in [*may_sign, *may_comment]}
        if request.POST.get("action") == "comment":
            comment_form = CommentForm(request.POST, organizations=comment_choices)
            if not comment_choices:
                raise PermissionDenied(_("Only the institutions of the network comment on its plan."))
            if comment_form.is_valid():
                try:
                    services.comment_add(
                        version=version,
                        organization=by_slug[comment_form.cleaned_data["organization"]],
                        text=comment_form.cleaned_data["text"],
                        acting_user=request.user,
                    )
                except DomainError as error:
                    _refuse(comment_form, error)
                else:
                    messages.success(request, _("Your comment is recorded."))
                    return redirect("cooperation:plan_signoff", slug=plan.slug)
        else:
            sign_form = SignOffForm(request.POST, organizations=sign_choices)
            if not may_sign:
                raise PermissionDenied(_("Only the admins of member institutions sign the plan."))
            if sign_form.is_valid():
                try:
                    services.signoff_record(
                        version=version,
                        organization=by_slug[sign_form.cleaned_data["organization"]],
                        decision=sign_form.cleaned_data["decision"],
                        reservation=sign_form.cleaned_data["reservation"],
                        acting_user=request.user,
                    )
                except DomainError as error:
                    _refuse(sign_form, error)
                else:
                    messages.success(request, _("Your institution's decision is recorded."))
                    return redirect("cooperation:plan_signoff", slug=plan.slug)
    versions = list(selectors.versions_of(plan))
    signoffs = {s.organization_id: s for s in version.signoffs.select_related("organization")} if version else {}
    context = {
        "plan": plan,
        "version": version,
        "adopted": adopted,
        "changes": services.diff(adopted.snapshot, version.snapshot if version else services.snapshot(plan))
        if adopted
        else [],
        "submit_form": submit_form,
        "signatories": [(org, signoffs.get(org.pk)) for org in selectors.signatories(plan)],
        "versions": versions,
        "sign_form": sign_form if sign_choices else None,
        "comment_form": comment_form if comment_choices else None,
    }
    return render(request, "cooperation/plan_signoff.html", context)


@login_required
def value_approvals(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.approve_values", plan):
        raise PermissionDenied(_("Only the plan's coordinators approve reported values."))
    values = [
        (value, private_url("evidence", value) if value.evidence_file else "")
        for value in selectors.values_awaiting_approval(plan)
    ]
    return render(request, "cooperation/value_approvals.html", {"plan": plan, "values": values})


@login_required
@require_POST
def value_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.approve_values", plan):
        raise PermissionDenied(_("Only the plan's coordinators approve reported values."))
    value = ReportedValue.objects.filter(pk=pk, period__indicator__measure__plan=plan).first()
    if value is None or value.status != ValueStatus.SUBMITTED:
        raise Http404(_("No such value awaits approval."))
    form = DecideValueForm(request.POST)
    if form.is_valid():
        try:
            services.value_decide(
                reported=value,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The decision is recorded."))
    else:
        messages.error(request, _("Choose approve or return."))
    return redirect("cooperation:value_approvals", slug=plan.slug)


@login_required
def progress_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The progress report for a period and, optionally, one organization: the page, `?format=pdf` or `xlsx`."""
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.view_report", plan):
        raise PermissionDenied(_("Only the network's coordinators and institutions see its progress reports."))
    periods = reports.periods_of(plan)
    period = next((p for p in periods if p.key == request.GET.get("period")), periods[0])
    organizations = reports.organizations_of(plan)
    organization = next((o for o in organizations if o.slug == request.GET.get("organization")), None)
    wanted_period, wanted_organization = request.GET.get("period"), request.GET.get("organization")
    if (wanted_period and wanted_period != period.key) or (wanted_organization and organization is None):
        messages.error(request, _("This plan has no such period or organization; the whole plan is shown instead."))
    report = reports.build(plan, period, organization)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return exports.xlsx_response(report.filename, report.header, report.rows)
    if fmt == "pdf":
        response = HttpResponse(reports.pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}.pdf"'
        return response
    context = {"plan": plan, "report": report, "periods": periods, "organizations": organizations}
    return render(request, "cooperation/progress_report.html", context)


def plan_public(request: HttpRequest, slug: str) -> HttpResponse:
    """What the network publishes of its plan, for anyone: progress, with small counts withheld."""
    plan = Plan.objects.select_related("network", "organization").filter(slug=slug).first()
    if plan is None or not permissions.can(request.user, "cooperation.view_public_page", plan):
        raise Http404(_("No such plan."))
    context = {"plan": plan, "tree": reports.public_tree(plan), "adopted": selectors.last_adopted(plan)}
    return render(request, "cooperation/plan_public.html", context)


BULK_PAGE = 100


@login_required
def plan_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Tick measures, give one status, owners or dates, and change them all in one go; measures the user may not
    change are refused one by one (`services_bulk.measures_bulk_update`)."""
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.bulk_edit", plan):
        raise PermissionDenied(_("Only the plan's coordinators and its measures' lead organizations change measures."))
    may_change_lead = permissions.can(request.user, "cooperation.change_plan", plan)
    page = Paginator(selectors.measures_editable_by(request.user, plan), BULK_PAGE).get_page(request.GET.get("page"))
    organizations = selectors.network_organizations(plan)
    choices = [(org.slug, org.display_name) for org in organizations]
    all_codes = list(plan.measures.values_list("code", flat=True))
    form = BulkMeasuresForm(
        request.POST or None, codes=all_codes, organizations=choices, may_change_lead=may_change_lead
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_slug = {org.slug: org for org in organizations}
        try:
            result = services_bulk.measures_bulk_update(
                plan=plan,
                codes=data["codes"],
                status=data["status"] or None,
                lead=by_slug.get(data.get("lead") or ""),
                partners=[by_slug[s] for s in data["partners"]] if data["set_partners"] else None,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                acting_user=request.user,
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            _bulk_messages(request, result)
            return redirect(f"{request.path}?page={page.number}")
    return render(request, "cooperation/plan_bulk.html", {"plan": plan, "page": page, "form": form})


def _bulk_messages(request: HttpRequest, result: services_bulk.BulkResult) -> None:
    changed = len(result.changed)
    messages.success(
        request,
        ngettext("%(count)s measure changed.", "%(count)s measures changed.", changed) % {"count": changed}
        + (
            " " + _("Already as asked: %(codes)s.") % {"codes": ", ".join(result.unchanged)} if result.unchanged else ""
        ),
    )
    if result.refused:
        messages.error(
            request,
            _("Refused: %(items)s") % {"items": "; ".join(f"{code} ({reason})" for code, reason in result.refused)},
        )


@login_required
def plan_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Measures or reported values from a CSV or XLSX file: the file is kept as an import job that the task worker
    runs (`services_bulk.plan_import_run`); the page it leads to follows its progress, then shows what the file did
    (or, in a dry run or with any bad row, would have done: nothing is written then) and every bad row."""
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.bulk_edit", plan):
        raise PermissionDenied(_("Only the plan's coordinators and its measures' lead organizations import."))
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services_bulk.plan_import_create(
                plan=plan,
                upload=data["file"],
                kind=data["kind"],
                dry_run=data["dry_run"],
                encoding=data["encoding"] or None,
                acting_user=request.user,
            )
        except DomainError as error:
            _refuse(form, error)
        else:
            return redirect(record)
    recent = selectors.plan_imports(plan)[:5]
    context = {"plan": plan, "form": form, "columns": services_bulk, "recent": recent}
    return render(request, "cooperation/plan_import.html", context)


def _import_or_404(request: HttpRequest, slug: str, pk: int) -> PlanImport:
    plan = _plan_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.bulk_edit", plan):
        raise PermissionDenied(_("Only the plan's coordinators and its measures' lead organizations import."))
    record = selectors.plan_imports(plan).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


@login_required
def plan_import_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    record = _import_or_404(request, slug, pk)
    context = {"plan": record.plan, "record": record, "done": services_bulk.rows_done(record)}
    return render(request, "cooperation/plan_import_detail.html", context)


@login_required
def plan_import_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The part of the import page that polls (HTMX) until the job ends."""
    record = _import_or_404(request, slug, pk)
    context = {"plan": record.plan, "record": record, "done": services_bulk.rows_done(record)}
    return render(request, "cooperation/_plan_import_progress.html", context)
