"""Pages of calls: the public list and call page, the applicant's page (drafts saved as they type), the referee's
one-time upload page, and the managers' pages (new call, publish, applications with CSV/XLSX export).

Each view asks `can()`, calls selectors or a service, and renders; no rules live here.
"""

from __future__ import annotations

import zoneinfo
from typing import Any
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.accounts.services import signed_in_user
from tamyr.calls import selectors, services
from tamyr.calls.exports import export_applications
from tamyr.calls.forms import (
    ApplicationForm,
    CallFilterForm,
    CallForm,
    DocumentForm,
    RefereeRequestForm,
    RefereeUploadForm,
)
from tamyr.calls.models import Application, ApplicationStatus, Call, CallKind, RequiredDocument
from tamyr.core import cldr, questions
from tamyr.core.errors import DomainError
from tamyr.core.exports import EXPORT_FORMATS
from tamyr.core.files import private_url
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Organization

PAGE_SIZE = 25
TZ_COOKIE = "tamyr_tz"


def viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The visitor's own time zone, as their browser told it (tamyr.js sets the cookie); None when unknown."""
    name = unquote(request.COOKIES.get(TZ_COOKIE, ""))[:64]
    if name and name in zoneinfo.available_timezones():
        return zoneinfo.ZoneInfo(name)
    return None


def deadline(call: Call, request: HttpRequest) -> dict[str, Any]:
    """The closing time on the call's clock and on the applicant's own (when it differs)."""
    own = viewer_zone(request)
    return {
        "call": timezone.localtime(call.closes_at, call.zone),
        "call_zone": cldr.zone_label(call.time_zone, call.closes_at),
        "own": timezone.localtime(call.closes_at, own) if own and own.key != call.time_zone else None,
        "own_zone": cldr.zone_label(own, call.closes_at) if own else "",
        "iso": call.closes_at.isoformat(),
        "opens": timezone.localtime(call.opens_at, call.zone),
        # written here, on each zone's clock: a template's filters would see these instants in the active zone (UTC)
        "call_text": cldr.datetime(call.closes_at, zone=call.time_zone),
        "own_text": cldr.datetime(call.closes_at, zone=own) if own and own.key != call.time_zone else "",
        "opens_text": cldr.datetime(call.opens_at, zone=call.time_zone),
    }


def _call_or_404(request: HttpRequest, slug: str) -> Call:
    try:
        call = selectors.call_get(slug)
    except Call.DoesNotExist as error:
        raise Http404(_("No such call.")) from error
    if call.status not in selectors.PUBLIC_STATUSES and not permissions.can(request.user, "calls.view_call", call):
        raise Http404(_("No such call."))
    return call


def _application_or_404(request: HttpRequest, code: str, *, change: bool = False) -> Application:
    """The application, 404 when the user may not see it; with `change`, 403 when they see it but it is not theirs
    to change (the call's managers read applications, never write in them)."""
    try:
        application = selectors.application_get(code)
    except Application.DoesNotExist as error:
        raise Http404(_("No such application.")) from error
    if not permissions.can(request.user, "calls.view_application", application):
        raise Http404(_("No such application."))
    if change and not permissions.can(request.user, "calls.change_application", application):
        raise PermissionDenied(_("Only the applicant can change this application."))
    return application


# --- public pages ------------------------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    form = CallFilterForm(request.GET or None)
    kind, open_only = "", False
    if form.is_valid():
        kind, open_only = form.cleaned_data["kind"], form.cleaned_data["open"]
    calls = selectors.call_list(user=request.user, kind=kind, open_only=open_only)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "calls/public/_call_results.html" if request.headers.get("HX-Request") else "calls/public/call_list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "now": timezone.now(), "may_add": permissions.can(request.user, "calls.add_call")},
    )


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    context: dict[str, Any] = {
        "call": call,
        "deadline": deadline(call, request),
        "documents": list(call.required_documents.all()),
        "groups": list(call.quota_groups.all()),
        "may_manage": permissions.can(request.user, "calls.change_call", call),
        "is_financing": call.kind == CallKind.FINANCING,
    }
    if request.user.is_authenticated:
        person = registry_selectors.person_of_user(request.user)
        if call.kind == CallKind.FINANCING:
            roles = permissions.roles_of(request.user)
            context["organizations"] = list(
                Organization.objects.filter(pk__in=roles.organizations_with(permissions.PEOPLE_ROLES)).order_by("slug")
            )
            context["own_applications"] = list(selectors.applications_of_person(person, request.user).filter(call=call))
        else:
            context["eligibility"] = (
                selectors.eligibility(call, selectors.person_for_eligibility(person)) if person else None
            )
            context["own_applications"] = [a for a in [selectors.application_of(call, person)] if a is not None]
    return render(request, "calls/public/call_detail.html", context)


@require_POST
@login_required
def call_apply(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    user = signed_in_user(request)
    organization = None
    if call.kind == CallKind.FINANCING:
        organization = Organization.objects.filter(slug=request.POST.get("organization", "")).first()
    try:
        with transaction.atomic():
            application = services.application_start(
                call=call,
                person=services.applicant_person(user),
                acting_user=user,
                organization=organization,
                language=translation.get_language() or "",
            )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(call)
    return redirect("calls:application_detail", code=application.code)


def _application_context(request: HttpRequest, application: Application, form: ApplicationForm) -> dict[str, Any]:
    call = application.call
    stored = {item.document_id: item for item in application.documents.all()}
    may_change = permissions.can(request.user, "calls.change_application", application)
    documents = []
    for document in call.required_documents.all():
        item = stored.get(document.pk)
        documents.append(
            {
                "document": document,
                "stored": item,
                "url": private_url("call-document", item)
                if item and permissions.can(request.user, "calls.view_application_document", item)
                else "",
                "form": DocumentForm(document=document, prefix=f"doc-{document.key}"),
                "requests": [r for r in application.referee_requests.all() if r.document_id == document.pk],
            }
        )
    return {
        "application": application,
        "call": call,
        "form": form,
        "documents": documents,
        "referee_form": RefereeRequestForm(),
        "deadline": deadline(call, request),
        "is_open": call.is_open,
        "may_change": may_change and call.is_open and application.status != ApplicationStatus.WITHDRAWN,
        "may_withdraw": may_change and application.status != ApplicationStatus.WITHDRAWN,
        "may_reopen": may_change and call.is_open and application.status == ApplicationStatus.WITHDRAWN,
        "is_draft": application.status == ApplicationStatus.DRAFT,
        "answers": [
            {"question": question, "answer": questions.answer_text(question, application.answers.get(str(question.pk)))}
            for question in form.questions
        ],
    }


def _application_form(request: HttpRequest, application: Application, data: Any = None) -> ApplicationForm:
    call = application.call
    return ApplicationForm(
        data,
        application=application,
        questions_asked=call.questions.all(),
        groups=selectors.choosable_quota_groups(call),
        partner_choices=registry_selectors.organizations_to_name().order_by("slug"),
    )


@login_required
def application_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's page: the form (saved as they type while a draft), documents, referees, submit, withdraw."""
    application = _application_or_404(request, code, change=request.method == "POST")
    form = _application_form(request, application, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = _save(request, application, form)
        if saved and request.POST.get("submit"):
            try:
                services.application_submit(application=application, acting_user=request.user)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your application is submitted; we have sent a confirmation by e-mail. You may change it until "
                      "the call closes."),
                )  # fmt: skip
                return redirect("calls:application_detail", code=application.code)
        elif saved:
            messages.success(request, _("Your changes are saved."))
            return redirect("calls:application_detail", code=application.code)
        application = selectors.application_get(application.code)
    return render(request, "calls/public/application_detail.html", _application_context(request, application, form))


def _form_error(form: ApplicationForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _save(request: HttpRequest, application: Application, form: ApplicationForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.application_save(application=application, acting_user=request.user, **form.service_arguments())
    except DomainError as error:
        _form_error(form, error)
        return False
    return True


@require_POST
@login_required
def application_autosave(request: HttpRequest, code: str) -> HttpResponse:
    """HTMX: a draft saved as the applicant types; answers a short status line (saved, or what is wrong)."""
    application = _application_or_404(request, code, change=True)
    form = _application_form(request, application, request.POST)
    saved = _save(request, application, form)
    errors = [str(message) for messages_ in form.errors.values() for message in messages_]
    return render(
        request,
        "calls/public/_autosave.html",
        {"saved": saved, "errors": errors, "at": timezone.localtime(timezone.now(), viewer_zone(request))},
        status=200,
    )


@require_POST
@login_required
def application_submit(request: HttpRequest, code: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    try:
        services.application_submit(application=application, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your application is submitted; we have sent a confirmation by e-mail."))
    return redirect("calls:application_detail", code=application.code)


@require_POST
@login_required
def application_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    try:
        services.application_withdraw(application=application, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your application is withdrawn. While the call is open you may take it up again."))
    return redirect("calls:application_detail", code=application.code)


@require_POST
@login_required
def application_reopen(request: HttpRequest, code: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    try:
        services.application_start(
            call=application.call,
            person=application.person,
            acting_user=request.user,
            organization=application.organization,
            language=application.language,
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("calls:application_detail", code=application.code)


def _document(application: Application, key: str) -> RequiredDocument:
    return get_object_or_404(RequiredDocument, call=application.call, key=key)


@require_POST
@login_required
def document_upload(request: HttpRequest, code: str, key: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    document = _document(application, key)
    form = DocumentForm(request.POST, request.FILES, document=document, prefix=f"doc-{document.key}")
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, f"{document}: {error}")
        return redirect("calls:application_detail", code=application.code)
    try:
        services.document_upload(
            application=application, document=document, upload=form.cleaned_data["file"], acting_user=request.user
        )
    except DomainError as error:
        messages.error(request, f"{document}: {error.message}")
    else:
        messages.success(request, _("“%(document)s” is uploaded.") % {"document": document})
    return redirect("calls:application_detail", code=application.code)


@require_POST
@login_required
def document_remove(request: HttpRequest, code: str, key: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    try:
        services.document_remove(
            application=application, document=_document(application, key), acting_user=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("calls:application_detail", code=application.code)


@require_POST
@login_required
def referee_request(request: HttpRequest, code: str, key: str) -> HttpResponse:
    application = _application_or_404(request, code, change=True)
    form = RefereeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the referee's name and e-mail address."))
        return redirect("calls:application_detail", code=application.code)
    try:
        services.referee_request_create(
            application=application, document=_document(application, key), acting_user=request.user, **form.cleaned_data
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("We have sent %(name)s a link to upload the letter.") % {"name": form.cleaned_data["referee_name"]},
        )
    return redirect("calls:application_detail", code=application.code)


def referee_upload(request: HttpRequest, token: str) -> HttpResponse:
    """The referee's page: no account, a signed single-use link. The answer never says whose letter it is beyond
    the applicant's name and the call, and a bad or used link says only that."""
    found = services.referee_request_from_link(token)
    if found is None:
        return render(request, "calls/public/referee_upload.html", {"invalid": True}, status=404)
    form = RefereeUploadForm(request.POST or None, request.FILES or None, document=found.document)
    done = found.used_at is not None
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.referee_upload(signed_token=token, upload=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            done = True
    return render(
        request,
        "calls/public/referee_upload.html",
        {
            "request_": found,
            "call": found.application.call,
            "applicant": found.application.person.display_name,
            "form": form,
            "done": done,
            "deadline": deadline(found.application.call, request),
        },
    )


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    person = registry_selectors.person_of_user(request.user)
    applications = selectors.applications_of_person(person, request.user).annotate(award_id=F("outcome__award__id"))
    return render(request, "calls/public/my_applications.html", {"applications": applications})


# --- managers' pages ---------------------------------------------------------------------------------------------


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "calls.add_call"):
        raise PermissionDenied(_("Only admins and staff of an organization can create calls."))
    scope = permissions.people_write_scope(request.user)
    organizations = Organization.objects.filter(is_active=True).order_by("slug")
    if scope is not None:
        organizations = organizations.filter(pk__in=scope)
    form = CallForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            call = services.call_create(acting_user=request.user, **arguments)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("The call is saved as a draft. Add its form and documents, then publish it."))
            return redirect(call)
    return render(request, "calls/staff/call_create.html", {"form": form})


@require_POST
@login_required
def call_publish(request: HttpRequest, slug: str) -> HttpResponse:
    call = _call_or_404(request, slug)
    if not permissions.can(request.user, "calls.change_call", call):
        raise PermissionDenied(_("Only the call's managers can publish it."))
    try:
        services.call_publish(call=call, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The call is published."))
    return redirect(call)


@login_required
def call_applications(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Managers: the call's applications (submitted and withdrawn; drafts on request), and their export."""
    call = _call_or_404(request, slug)
    if not permissions.can(request.user, "calls.manage_applications", call):
        raise PermissionDenied(_("Only the call's managers see its applications."))
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    applications = selectors.applications_of_call(call, status=status)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        return export_applications(call, applications, fmt, acting_user=request.user)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "calls/staff/call_applications.html",
        {"call": call, "page": page, "status": status, "statuses": ApplicationStatus.choices},
    )
