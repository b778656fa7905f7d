"""Pages of the registry. Each view asks `can()`, calls a selector or service, and renders."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.core import audit, encodings, files
from tamyr.core.errors import DomainError
from tamyr.core.exports import EXPORT_FORMATS, export_response
from tamyr.registry import dedupe, imports, selectors, services
from tamyr.registry.forms import (
    ImportMappingForm,
    OrganizationFilterForm,
    OrganizationForm,
    PersonFilterForm,
    PersonForm,
    PersonImportForm,
)
from tamyr.registry.merge import person_merge, person_merge_undo
from tamyr.registry.models import (
    ConsentMethod,
    ConsentPurpose,
    DuplicateCandidate,
    Organization,
    Person,
    PersonImport,
    PersonMerge,
)

PAGE_SIZE = 25


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


# --- organizations -------------------------------------------------------------


def organization_list(request: HttpRequest) -> HttpResponseBase:
    form = OrganizationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        country = form.cleaned_data.get("country")
        filters = {
            "search": form.cleaned_data.get("q") or "",
            "country": country.code if country else "",
            "kind": form.cleaned_data.get("kind") or "",
            "network": form.cleaned_data.get("network") or "",
        }
    organizations = selectors.organization_list(**filters)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        header = [_("Name"), _("Kind"), _("Country"), _("City"), _("Website"), _("E-mail"), _("Networks")]
        rows = (
            [
                o.display_name,
                o.get_kind_display(),
                o.country.name if o.country else "",
                o.city,
                o.website,
                o.email,
                "; ".join(m.network.display_name for m in o.network_memberships.all()),
            ]
            for o in organizations
        )
        return export_response(export, "organizations", header, rows)
    template = (
        "registry/_organization_results.html"
        if request.headers.get("HX-Request")
        else "registry/organization_list.html"
    )
    return render(request, template, {"form": form, "page": _page(request, organizations)})


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = selectors.organization_get(slug)
    except Organization.DoesNotExist as error:
        raise Http404(_("No such organization.")) from error
    return render(
        request,
        "registry/organization_detail.html",
        {
            "organization": organization,
            "can_edit": permissions.can(request.user, "registry.change_organization", organization),
        },
    )


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug)
    if not permissions.can(request.user, "registry.change_organization", organization):
        raise PermissionDenied(_("Only the organization's admins can change its profile."))
    form = OrganizationForm(
        request.POST or None, request.FILES or None, initial=OrganizationForm.initial_for(organization)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("logo"):
            data.pop("logo", None)
        try:
            services.organization_update(organization=organization, data=data, acting_user=request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("The organization's profile is saved."))
            return redirect(organization)
    return render(request, "registry/organization_edit.html", {"organization": organization, "form": form})


# --- networks ------------------------------------------------------------------


def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/network_list.html", {"networks": selectors.network_list()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        network = selectors.network_get(slug)
    except Exception as error:
        raise Http404(_("No such network.")) from error
    can_change = permissions.can(request.user, "registry.change_network", network)
    return render(request, "registry/network_detail.html", {"network": network, "can_change": can_change})


# --- people (staff) ------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponseBase:
    if not permissions.can(request.user, "registry.view_people"):
        raise PermissionDenied(_("People's records are open to staff of the organizations that keep them."))
    form = PersonFilterForm(request.GET or None)
    search, country, field, keyword = "", "", "", ""
    if form.is_valid():
        search = form.cleaned_data.get("q") or ""
        country = form.cleaned_data["country"].code if form.cleaned_data.get("country") else ""
        field = form.cleaned_data.get("field") or ""
        keyword = (form.cleaned_data.get("expertise") or "").strip()
    people = selectors.people_filter(selectors.people_visible_to(request.user), country=country, expertise=field)
    if keyword:
        people = selectors.people_with_expertise(people, keyword)
    # finding people by what they know is a use of their expertise, so the audit row says which was asked
    expertise_filter = {"expertise": [value for value in (field, keyword) if value]} if field or keyword else {}
    results: Any = selectors.person_search(people, search) if search else people
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        if not permissions.can(request.user, "registry.export_people"):
            raise PermissionDenied
        audit.record(
            request.user,
            "registry.people_exported",
            None,
            format=export,
            search=search,
            country=country,
            **expertise_filter,
        )
        header = [
            _("ID"),
            _("Name"),
            _("Other names"),
            _("Country of residence"),
            _("City"),
            _("Year of birth"),
            _("E-mail"),
        ]
        rows = (
            [
                p.pk,
                p.display_name,
                "; ".join(v.text for v in p.name_variants.all() if v.text != p.display_name),
                p.residence_country.name if p.residence_country else "",
                p.residence_city,
                p.birth_year or "",
                p.email,
            ]
            for p in results
        )
        return export_response(export, "people", header, rows)
    page = _page(request, results)
    audit.record(
        request.user,
        "registry.people_listed",
        None,
        search=search,
        country=country,
        **expertise_filter,
        page=page.number,
    )
    template = "registry/_person_results.html" if request.headers.get("HX-Request") else "registry/person_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_add": permissions.can(request.user, "registry.add_person"),
            "can_import": permissions.can(request.user, "registry.import_people"),
            "can_review": permissions.can(request.user, "registry.review_duplicates"),
        },
    )


def _person_or_404(pk: int) -> Person:
    try:
        return selectors.person_get(pk)
    except Person.DoesNotExist as error:
        raise Http404(_("No such person.")) from error


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    person = _person_or_404(pk)
    if person.merged_into_id is not None:
        # what the merged record held now belongs to the kept one, so the kept one decides who may follow the link
        kept = _person_or_404(person.merged_into_id)
        if not permissions.can(request.user, "registry.view_person", kept):
            raise PermissionDenied(_("This record is kept by an organization you do not work for."))
        messages.info(request, _("This record was merged into the one shown here."))
        return redirect("registry:person_detail", pk=kept.pk)
    if not permissions.can(request.user, "registry.view_person", person):
        raise PermissionDenied(_("This record is kept by an organization you do not work for."))
    audit.record(request.user, "registry.person_viewed", person)
    can_change = permissions.can(request.user, "registry.change_person", person)
    merges = [m for m in selectors.merges_of(person) if permissions.can(request.user, "registry.merge_people", m)]
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "can_edit": can_change,
            "can_erase": permissions.can(request.user, "registry.erase_person", person),
            "audit_entries": audit.entries_for(person)[:20] if can_change else [],
            "merges": merges,
        },
    )


def _person_form_data(form: PersonForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["gender"] = data.get("gender") or ""
    data["residence_city"] = data.get("residence_city") or ""
    return data


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "registry.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _person_form_data(form)
        method = data.pop("consent_method") or ConsentMethod.PAPER
        consents = [(ConsentPurpose.EXPERTISE, method)] if data.pop("expertise_consent") else []
        scope = permissions.people_write_scope(request.user)
        registered_by = Organization.objects.filter(pk__in=scope).order_by("pk").first() if scope else None
        try:
            person = services.person_create(
                display_name=data.pop("display_name"),
                name_variants=data.pop("name_variants"),
                citizenships=data.pop("citizenships"),
                registered_by=registered_by,
                consents=consents,
                acting_user=request.user,
                **data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("%(name)s is added to the registry.") % {"name": person.display_name})
            return redirect(person)
    return render(request, "registry/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(pk)
    if not permissions.can(request.user, "registry.change_person", person):
        raise PermissionDenied
    initial = {
        "display_name": person.display_name,
        "name_variants": "\n".join(v.text for v in person.name_variants.all() if v.text != person.display_name),
        "residence_country": person.residence_country,
        "residence_city": person.residence_city,
        "citizenships": list(person.citizenships.all()),
        "gender": person.gender,
        "birth_year": person.birth_year,
        "email": person.email,
        "phone": person.phone,
        "expertise": ", ".join(person.expertise),
        "expertise_fields": [f.code for f in person.expertise_fields.all()],
        "orcid": person.orcid,
        "expertise_consent": any(c.purpose == ConsentPurpose.EXPERTISE and c.is_active for c in person.consents.all()),
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _person_form_data(form)
        try:
            services.person_update(
                person=person,
                name_variants=data.pop("name_variants"),
                citizenships=data.pop("citizenships"),
                expertise_consent=data.pop("expertise_consent"),
                consent_method=data.pop("consent_method") or ConsentMethod.PAPER,
                acting_user=request.user,
                **data,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(pk)
    if not permissions.can(request.user, "registry.view_person", person):
        raise PermissionDenied
    data = services.person_export_data(person=person, acting_user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(pk)
    if not permissions.can(request.user, "registry.erase_person", person):
        raise PermissionDenied
    if request.method == "POST":
        is_self = person.user_id == request.user.pk
        services.person_erase(person=person, acting_user=request.user)
        if is_self:
            from django.contrib.auth import logout

            logout(request)
            messages.success(request, _("Your data has been erased. Thank you for having been with us."))
            return redirect("home")
        messages.success(request, _("The record has been erased; it still counts in statistics, anonymously."))
        return redirect("registry:person_list")
    return render(request, "registry/person_erase.html", {"person": person})


# --- duplicates (staff) -------------------------------------------------------------------------------------------


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "registry.review_duplicates"):
        raise PermissionDenied(_("Reviewing duplicates is open to admins and staff of organizations."))
    page = _page(request, selectors.duplicate_list(request.user))
    audit.record(request.user, "registry.duplicates_listed", None, page=page.number)
    run = selectors.latest_dedupe_run()
    template = "registry/_dedupe_run.html" if request.headers.get("HX-Request") else "registry/duplicate_list.html"
    return render(request, template, {"page": page, "run": run})


@login_required
@require_POST
def duplicate_run(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "registry.review_duplicates"):
        raise PermissionDenied
    dedupe.dedupe_run_start(acting_user=request.user)
    messages.success(request, _("Duplicate detection has started; new pairs appear here when it is done."))
    return redirect("registry:duplicate_list")


@login_required
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        candidate = selectors.duplicate_get(pk)
    except DuplicateCandidate.DoesNotExist as error:
        raise Http404(_("No such pair.")) from error
    if not permissions.can(request.user, "registry.review_duplicates", candidate):
        raise PermissionDenied(_("You may decide on pairs of records you may change both of."))
    error_message = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "merge":
                keep_pk = int(request.POST.get("keep") or 0)
                if keep_pk not in (candidate.person_a_id, candidate.person_b_id):
                    raise DomainError(_("Choose which record to keep."), code="keep")
                keep, merge = (
                    (candidate.person_a, candidate.person_b)
                    if keep_pk == candidate.person_a_id
                    else (candidate.person_b, candidate.person_a)
                )
                if not permissions.can(request.user, "registry.merge_people", candidate):
                    raise PermissionDenied
                record = person_merge(keep=keep, merge=merge, acting_user=request.user, candidate=candidate)
                messages.success(
                    request,
                    _("Merged: %(merged)s is now part of %(kept)s. You can undo this on the kept record's page.")
                    % {"merged": merge.display_name, "kept": keep.display_name},
                )
                return redirect("registry:person_detail", pk=record.kept_id)
            if action == "not_duplicate":
                dedupe.duplicate_dismiss(candidate=candidate, acting_user=request.user)
                messages.success(
                    request, _("Noted: these are two different people. This pair will not be proposed again.")
                )
                return redirect("registry:duplicate_list")
            raise DomainError(_("Choose merge or not the same person."), code="action")
        except DomainError as error:
            error_message = str(error.message)
    audit.record(request.user, "registry.duplicate_viewed", candidate.person_a, pair=candidate.pk)
    return render(
        request,
        "registry/duplicate_detail.html",
        {
            "candidate": candidate,
            "people": [
                (candidate.person_a, selectors.related_counts(candidate.person_a)),
                (candidate.person_b, selectors.related_counts(candidate.person_b)),
            ],
            "levels": _levels(candidate.reasons),
            "error": error_message,
        },
        status=400 if error_message else 200,
    )


_LEVEL_LABELS = {
    "name_same": _lazy("Same name, in any script or spelling"),
    "name_close": _lazy("Names almost the same (another spelling or a small typing error)"),
    "name_similar": _lazy("Names similar"),
    "name_loosely": _lazy("Names only loosely similar"),
    "name_different": _lazy("Different names"),
    "year_same": _lazy("Same year of birth"),
    "year_near": _lazy("Years of birth one apart"),
    "year_different": _lazy("Different years of birth"),
    "country_same": _lazy("Same country of residence"),
    "country_different": _lazy("Different countries of residence"),
    "email_same": _lazy("Same e-mail"),
    "email_different": _lazy("Different e-mails"),
    "phone_same": _lazy("Same phone"),
    "phone_different": _lazy("Different phones"),
    "gender_different": _lazy("Different genders recorded"),
}


def _levels(reasons: dict[str, Any]) -> list[tuple[str, float]]:
    return [(str(_LEVEL_LABELS.get(level, level)), weight) for level, weight in (reasons.get("levels") or {}).items()]


@login_required
@require_POST
def person_merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(PersonMerge.objects.select_related("kept", "merged"), pk=pk)
    if not permissions.can(request.user, "registry.merge_people", record):
        raise PermissionDenied
    try:
        person_merge_undo(merge_record=record, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The merge is undone: both records are as they were."))
    return redirect("registry:person_detail", pk=record.kept_id)


# --- import (staff) -----------------------------------------------------------------------------------------------


def _import_organizations(user: Any) -> Any:
    scope = permissions.people_write_scope(user)
    qs = Organization.objects.filter(is_active=True).order_by("slug")
    return qs if scope is None else qs.filter(pk__in=scope)


@login_required
def person_import(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "registry.import_people"):
        raise PermissionDenied(_("Importing people is open to admins and staff of organizations."))
    form = PersonImportForm(
        request.POST or None, request.FILES or None, organizations=_import_organizations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        if not permissions.can(request.user, "registry.import_people", organization):
            raise PermissionDenied
        try:
            record = imports.person_import_create(
                file=form.cleaned_data["file"],
                organization=organization,
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect(record)
    recent = selectors.person_import_list(request.user)[:10]
    return render(request, "registry/person_import.html", {"form": form, "recent": recent})


def _import_or_404(request: HttpRequest, pk: int) -> PersonImport:
    record = get_object_or_404(PersonImport.objects.select_related("organization", "created_by"), pk=pk)
    if not permissions.can(request.user, "registry.import_people", record.organization):
        raise PermissionDenied
    return record


@login_required
def person_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Before the start: the column mapping. After: progress (polled), then the report."""
    record = _import_or_404(request, pk)
    form = seen = None
    initial = ""
    if record.started_at is None:
        posted = request.POST if request.method == "POST" else None
        chosen = posted.get("encoding", "") if posted is not None else ""
        chosen = chosen if chosen in encodings.ENCODINGS else ""
        # another encoding than the one the page showed: show the file in it before anything starts
        switching = posted is not None and ("show" in posted or chosen != posted.get("shown_encoding", ""))
        seen = imports.person_import_preview(record, chosen or None)
        if seen.encoding:
            initial = chosen or (seen.encoding if seen.detection is None or seen.detection.confident else "")
        mapping = imports.detect_mapping(seen.header) if switching else record.mapping
        form = ImportMappingForm(
            None if switching else posted,
            header=seen.header,
            mapping=mapping,
            encoding=initial if seen.encoding else None,
        )
        if switching:
            messages.info(request, _("The file is shown in the encoding you chose: check the names, then start."))
        elif posted is not None and seen.undecodable:
            form.is_valid()
            form.add_error("encoding", imports.not_in_encoding(seen.encoding))
        elif posted is not None and form.is_valid():
            try:
                imports.person_import_start(
                    record=record, mapping=form.mapping(), acting_user=request.user, encoding=chosen or None
                )
            except DomainError as error:
                place = "encoding" if error.code == "encoding" and "encoding" in form.fields else None
                form.add_error(place, str(error.message))
            else:
                return redirect(record)
    return render(request, "registry/person_import_detail.html", {"record": record, "form": form, "preview": seen})


@login_required
def person_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import_or_404(request, pk)
    return render(request, "registry/_import_progress.html", {"record": record})


@login_required
def person_import_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The address the report had before private files: the one file view answers (asks can(), audits)."""
    return files.private_file(request, kind="import-report", key=str(pk))


__all__ = ["require_POST"]
