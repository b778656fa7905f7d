"""Pages of joint projects and the practice library. Each view asks `can()`, calls selectors or a service,
renders; a refused write shows the service's message and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.cooperation import selectors_projects as selectors
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.forms_projects import (
    DecideForm,
    LearnForm,
    MediaForm,
    PartnerForm,
    PracticeForm,
    ProjectForm,
)
from tamyr.cooperation.models import JointProject, LearnRequest, Practice, PracticeStatus, PracticeTheme
from tamyr.core.errors import DomainError
from tamyr.registry.models import Organization


def _refuse(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _own_organizations(user: Any) -> list[Organization]:
    """The organizations the user acts for (admin or staff); a platform admin acts for none by default."""
    held = permissions.roles_of(user).organizations_with(permissions.PEOPLE_ROLES)
    return list(Organization.objects.filter(pk__in=held).order_by("slug"))


def _choices(organizations: list[Organization]) -> list[tuple[str, str]]:
    return [(org.slug, org.display_name) for org in organizations]


def _project_or_404(request: HttpRequest, slug: str) -> JointProject:
    project = selectors.project_detail(slug)
    if project is None or not permissions.can(request.user, "cooperation.view_project", project):
        raise Http404(_("No such project."))
    return project


# --- projects ---


def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_visible(request.user)
    can_add = bool(_own_organizations(request.user))
    return render(request, "cooperation/project_list.html", {"projects": projects, "can_add": can_add})


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(request, slug)
    can_change = permissions.can(request.user, "cooperation.change_project", project)
    partner_form = media_form = None
    if can_change:
        others = Organization.objects.exclude(pk=project.lead_id).order_by("slug")
        partner_form = PartnerForm(
            prefix="partner", organizations=[(project.lead.slug, project.lead.display_name), *_choices(list(others))]
        )
        media_form = MediaForm(prefix="media")
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "partner":
                    partner_form = PartnerForm(
                        request.POST,
                        prefix="partner",
                        organizations=partner_form.fields["organization"].choices,  # type: ignore[attr-defined]
                    )
                    if partner_form.is_valid():
                        data = partner_form.cleaned_data
                        services.partner_set(
                            project=project,
                            organization=Organization.objects.get(slug=data["organization"]),
                            role=data["role"],
                            role_note=data["role_note"],
                            contribution=data["contribution"],
                            in_kind=data["in_kind"],
                            acting_user=request.user,
                        )
                        messages.success(request, _("The partner is saved."))
                        return redirect(project.get_absolute_url())
                elif action == "media":
                    media_form = MediaForm(request.POST, prefix="media")
                    if media_form.is_valid():
                        services.project_media_add(project=project, acting_user=request.user, **media_form.cleaned_data)
                        messages.success(request, _("The link is added."))
                        return redirect(project.get_absolute_url())
                elif action == "remove_partner":
                    organization = Organization.objects.filter(slug=request.POST.get("organization", "")).first()
                    if organization is not None:
                        services.partner_remove(project=project, organization=organization, acting_user=request.user)
                        messages.success(request, _("The partner is removed."))
                    return redirect(project.get_absolute_url())
            except DomainError as error:
                messages.error(request, str(error.message))
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "project": project,
        "money": selectors.project_contributions(project),
        "can_change": can_change,
        "partner_form": partner_form,
        "media_form": media_form,
    }
    return render(request, "cooperation/project_detail.html", context)


@login_required
def project_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    project = _project_or_404(request, slug) if slug else None
    if project is not None and not permissions.can(request.user, "cooperation.change_project", project):
        raise PermissionDenied
    organizations = _own_organizations(request.user)
    if project is None and not organizations:
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if project is not None:
        initial = {
            name: getattr(project, name) for name in services.PROJECT_FIELDS if name not in ("measure", "network")
        }
    form = ProjectForm(request.POST or None, initial=initial, organizations=_choices(organizations))
    if project is not None:
        del form.fields["organization"], form.fields["slug"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if project is None:
                lead = Organization.objects.get(slug=data.pop("organization"))
                project = services.project_create(slug=data.pop("slug"), lead=lead, acting_user=request.user, **data)
                messages.success(request, _("The project is created; add its partners."))
            else:
                services.project_update(project=project, acting_user=request.user, **data)
                messages.success(request, _("The project is saved."))
            return redirect(project.get_absolute_url())
        except DomainError as error:
            _refuse(form, error)
    return render(request, "cooperation/project_edit.html", {"project": project, "form": form})


# --- practices ---


def _practice_or_404(request: HttpRequest, slug: str) -> Practice:
    practice = (
        Practice.objects.select_related("organization", "country", "direction", "network").filter(slug=slug).first()
    )
    if practice is None or not permissions.can(request.user, "cooperation.view_practice", practice):
        raise Http404(_("No such practice."))
    return practice


def practice_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    theme = request.GET.get("theme", "")
    theme = theme if theme in PracticeTheme.values else ""
    country = request.GET.get("country", "").strip()[:2]
    practices = selectors.practices_visible(request.user, q=q, theme=theme, country=country)
    context = {
        "practices": practices,
        "q": q,
        "theme": theme,
        "country": country,
        "themes": PracticeTheme.choices,
        "can_submit": bool(_own_organizations(request.user)),
        "to_review": selectors.practices_to_review(request.user).count() if request.user.is_authenticated else 0,
    }
    return render(request, "cooperation/practice_list.html", context)


@login_required
def practice_submit(request: HttpRequest) -> HttpResponse:
    organizations = [org for org in _own_organizations(request.user) if org.network_memberships.exists()]
    if not organizations:
        raise PermissionDenied
    form = PracticeForm(request.POST or None, organizations=_choices(organizations))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organization = Organization.objects.get(slug=data.pop("organization"))
        membership = organization.network_memberships.select_related("network").order_by("pk").first()
        try:
            practice = services.practice_submit(
                organization=organization,
                network=membership.network,  # type: ignore[union-attr]
                acting_user=request.user,
                **data,
            )
            messages.success(request, _("The practice is submitted; the network's coordinators will review it."))
            return redirect(practice.get_absolute_url())
        except DomainError as error:
            _refuse(form, error)
    return render(request, "cooperation/practice_submit.html", {"form": form})


def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice_or_404(request, slug)
    can_review = practice.status == PracticeStatus.SUBMITTED and permissions.can(
        request.user, "cooperation.review_practice", practice
    )
    askers = [org for org in _own_organizations(request.user) if org.pk != practice.organization_id]
    can_ask = practice.status == PracticeStatus.ACCEPTED and bool(askers)
    context = {
        "practice": practice,
        "can_review": can_review,
        "review_form": DecideForm() if can_review else None,
        "learn_form": LearnForm(organizations=_choices(askers)) if can_ask else None,
        "requests": selectors.learn_requests_for(request.user, practice) if request.user.is_authenticated else [],
        "is_owner": permissions.can(request.user, "cooperation.change_practice", practice),
    }
    return render(request, "cooperation/practice_detail.html", context)


@require_POST
@login_required
def practice_review(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice_or_404(request, slug)
    if not permissions.can(request.user, "cooperation.review_practice", practice):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.practice_review(
                practice=practice,
                accept=form.cleaned_data["accept"],
                reason=form.cleaned_data["text"],
                acting_user=request.user,
            )
            messages.success(request, _("The decision is recorded."))
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, _("Choose accept or reject."))
    return redirect(practice.get_absolute_url())


@require_POST
@login_required
def practice_learn(request: HttpRequest, slug: str) -> HttpResponse:
    practice = _practice_or_404(request, slug)
    askers = [org for org in _own_organizations(request.user) if org.pk != practice.organization_id]
    if not askers:
        raise PermissionDenied
    form = LearnForm(request.POST, organizations=_choices(askers))
    if form.is_valid():
        try:
            services.learn_request(
                practice=practice,
                organization=Organization.objects.get(slug=form.cleaned_data["organization"]),
                message=form.cleaned_data["message"],
                acting_user=request.user,
            )
            messages.success(request, _("Your request is sent; the practice's organization will answer by e-mail."))
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, _("Say what you would like to learn."))
    return redirect(practice.get_absolute_url())


@require_POST
@login_required
def learn_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    practice = _practice_or_404(request, slug)
    learn = LearnRequest.objects.select_related("practice").filter(pk=pk, practice=practice).first()
    if learn is None:
        raise Http404(_("No such request."))
    if not permissions.can(request.user, "cooperation.answer_learning", learn):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.learn_answer(
                request=learn,
                accept=form.cleaned_data["accept"],
                answer=form.cleaned_data["text"],
                acting_user=request.user,
            )
            messages.success(request, _("Your answer is sent."))
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, _("Choose accept or reject."))
    return redirect(practice.get_absolute_url())
