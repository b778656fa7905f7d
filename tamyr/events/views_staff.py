"""Organizers' pages: the event form, the dashboard, timetable, registration form, registrations, delegations and
invitations, check-in, badges, statistics and the gallery.

Each view asks `can()` for its action on the event (403 otherwise), calls services and selectors, and renders.
Pages with several forms tell them apart by the `action` field of the POST; after a change they redirect (so a
reload never repeats it) and say what happened in a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.accounts import permissions
from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.core.exports import EXPORT_FORMATS, export_response
from tamyr.events import badges, services, services_programme, statistics
from tamyr.events.forms_staff import (
    CancelEventForm,
    CategoryForm,
    CheckInForm,
    DelegationEditForm,
    DelegationForm,
    EventForm,
    InvitationForm,
    MaterialForm,
    MemberForm,
    OnBehalfForm,
    OverviewFilterForm,
    PhotoCaptionForm,
    PhotoUploadForm,
    QuestionForm,
    RegistrationFilterForm,
    SessionForm,
    SpeakerForm,
    people_queryset,
    slug_from_title,
)
from tamyr.events.models import (
    Delegation,
    Event,
    EventStatus,
    Invitation,
    Photo,
    Question,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionMaterial,
    SessionSpeaker,
)
from tamyr.names import search_key
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.models import Person

PAGE_SIZE = 50
CANDIDATES = 15


def _event(request: HttpRequest, slug: str, action: str) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("organizer", "venue", "venue__country").prefetch_related("co_organizers"),
        slug=slug,
    )
    if not permissions.can(request.user, action, event):
        raise PermissionDenied(_("Only the organizers of this event can open this page."))
    return event


def _form_error(form: Form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _back(request: HttpRequest, name: str, event: Event, fragment: str = "") -> HttpResponse:
    return redirect(reverse(f"events:{name}", kwargs={"slug": event.slug}) + (f"#{fragment}" if fragment else ""))


def _candidates(request: HttpRequest, param: str) -> tuple[str, list[Person]]:
    """People the user may see whose name matches ?param=…, best first, for a person picker."""
    text = request.GET.get(param, "").strip()
    if not text:
        return "", []
    found = registry_selectors.person_search(people_queryset(request.user), text, limit=200)
    return text, found[:CANDIDATES]


def _nav(request: HttpRequest, event: Event, current: str) -> dict[str, Any]:
    """What every organizer's page of one event shows in its header."""
    public_url = ""
    if event.status != EventStatus.DRAFT or permissions.can(request.user, "events.view_event", event):
        try:
            public_url = event.get_absolute_url()
        except NoReverseMatch:  # the public pages are not mounted (an API-only deployment)
            public_url = ""
    return {
        "event": event,
        "current": current,
        "public_url": public_url,
        "can_manage": permissions.can(request.user, "events.change_event", event),
        "can_view_statistics": permissions.can(request.user, "events.view_statistics", event),
    }


# --- the event -------------------------------------------------------------------------------------------------


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "events.add_event"):
        raise PermissionDenied(_("Only admins and staff of an organization can create events."))
    form = EventForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fields = form.event_fields()
                new_venue = form.new_venue()
                if new_venue:
                    fields["venue"] = services_programme.venue_create(acting_user=request.user, **new_venue)
                slug = form.slug_for() or slug_from_title(fields["title"], fields["starts_at"])
                event = services.event_create(slug=slug, acting_user=request.user, **fields)
                if form.cleaned_data.get("co_organizers"):
                    services_programme.event_set_co_organizers(
                        event=event, organizations=form.cleaned_data["co_organizers"], acting_user=request.user
                    )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("The event is saved as a draft. Add its programme and registration form, then publish it."),
            )
            return redirect("events:event_manage", slug=event.slug)
    return render(request, "events/staff/event_create.html", {"form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    form = EventForm(request.POST or None, request.FILES or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fields = form.event_fields()
                new_venue = form.new_venue()
                if new_venue:
                    fields["venue"] = services_programme.venue_create(acting_user=request.user, **new_venue)
                services.event_update(event=event, acting_user=request.user, **fields)
                services_programme.event_set_co_organizers(
                    event=event, organizations=form.cleaned_data.get("co_organizers") or [], acting_user=request.user
                )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("events:event_manage", slug=event.slug)
    return render(request, "events/staff/event_form.html", {"form": form, **_nav(request, event, "edit")})


@login_required
def event_manage(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    cancel_form = CancelEventForm(request.POST if request.POST.get("action") == "cancel" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.event_publish(event=event, acting_user=request.user)
                messages.success(request, _("The event is published: its page is public and registration is open."))
                return _back(request, "event_manage", event)
            if action == "cancel" and cancel_form.is_valid():
                services.event_cancel(event=event, acting_user=request.user, reason=cancel_form.cleaned_data["reason"])
                messages.success(request, _("The event is cancelled. Everyone registered is being told by e-mail."))
                return _back(request, "event_manage", event)
        except DomainError as error:
            messages.error(request, str(error.message))
            return _back(request, "event_manage", event)
    confirming_cancel = request.GET.get("cancel") == "1" or cancel_form.is_bound
    context = {
        **_nav(request, event, "manage"),
        "counts": statistics.event_counts(event),
        "cancel_form": cancel_form,
        "confirming_cancel": confirming_cancel and event.status != EventStatus.CANCELLED,
        "session_count": event.sessions.count(),
        "category_count": event.categories.count(),
        "question_count": event.questions.count(),
        "delegation_count": event.delegations.count(),
        "photo_count": event.photos.count(),
    }
    return render(request, "events/staff/manage.html", context)


# --- timetable -------------------------------------------------------------------------------------------------


def _sessions_post(request: HttpRequest, event: Event) -> tuple[HttpResponse | None, dict[str, Form]]:
    """Handle one POST of the timetable page; returns a redirect, or the bound forms to show with errors."""
    action = request.POST.get("action")
    user = request.user
    forms: dict[str, Form] = {}
    if action == "session":
        session = None
        if request.POST.get("session"):
            session = get_object_or_404(Session, pk=request.POST["session"], event=event)
        form = SessionForm(request.POST, event=event)
        forms["session_form"] = form
        if form.is_valid():
            try:
                if session is None:
                    session = services_programme.session_create(event=event, acting_user=user, **form.session_fields())
                    messages.success(request, _("The session is added to the programme."))
                else:
                    services_programme.session_update(session=session, acting_user=user, **form.session_fields())
                    messages.success(request, _("The session is saved."))
                return _back(request, "event_sessions", event, f"session-{session.pk}"), forms
            except DomainError as error:
                _form_error(form, error)
        return None, forms
    if action == "session_delete":
        session = get_object_or_404(Session, pk=request.POST.get("session"), event=event)
        services_programme.session_delete(session=session, acting_user=user)
        messages.success(request, _("The session is deleted."))
        return _back(request, "event_sessions", event), forms
    if action == "speaker_add":
        session = get_object_or_404(Session, pk=request.POST.get("session"), event=event)
        speaker_form = SpeakerForm(request.POST, user=user)
        forms["speaker_form"] = speaker_form
        if speaker_form.is_valid():
            try:
                services_programme.speaker_add(
                    session=session,
                    person=speaker_form.cleaned_data["person"],
                    title_at_event=speaker_form.cleaned_data["title_at_event"],
                    acting_user=user,
                )
            except DomainError as error:
                _form_error(speaker_form, error)
            else:
                messages.success(request, _("The speaker is added."))
                return _back(request, "event_sessions", event, f"session-{session.pk}"), forms
        return None, forms
    if action == "speaker_remove":
        speaker = get_object_or_404(SessionSpeaker, pk=request.POST.get("speaker"), session__event=event)
        session_id = speaker.session_id
        services_programme.speaker_remove(speaker=speaker, acting_user=user)
        messages.success(request, _("The speaker is removed from the session."))
        return _back(request, "event_sessions", event, f"session-{session_id}"), forms
    if action == "material_add":
        session = get_object_or_404(Session, pk=request.POST.get("session"), event=event)
        material_form = MaterialForm(request.POST, request.FILES)
        forms["material_form"] = material_form
        if material_form.is_valid():
            try:
                services_programme.material_add(
                    session=session,
                    title=material_form.cleaned_data["title"],
                    file=material_form.cleaned_data.get("file"),
                    url=material_form.cleaned_data.get("url") or "",
                    acting_user=user,
                )
            except DomainError as error:
                _form_error(material_form, error)
            else:
                messages.success(request, _("The material is added."))
                return _back(request, "event_sessions", event, f"session-{session.pk}"), forms
        return None, forms
    if action == "material_remove":
        material = get_object_or_404(SessionMaterial, pk=request.POST.get("material"), session__event=event)
        session_id = material.session_id
        services_programme.material_remove(material=material, acting_user=user)
        messages.success(request, _("The material is removed."))
        return _back(request, "event_sessions", event, f"session-{session_id}"), forms
    return _back(request, "event_sessions", event), forms


def _days(event: Event, sessions: list[Session]) -> list[tuple[Any, list[Session]]]:
    """Sessions grouped by their day in the event's time zone."""
    days: dict[Any, list[Session]] = {}
    for session in sessions:
        day = timezone.localtime(session.starts_at, event.zone).date()
        days.setdefault(day, []).append(session)
    return list(days.items())


@login_required
def event_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    forms: dict[str, Form] = {}
    if request.method == "POST":
        response, forms = _sessions_post(request, event)
        if response is not None:
            return response
    sessions = list(
        Session.objects.filter(event=event)
        .select_related("venue")
        .prefetch_related(
            Prefetch("speakers", queryset=SessionSpeaker.objects.select_related("person")),
            "materials",
        )
    )
    edit_id = request.POST.get("session") if request.POST.get("action") == "session" else request.GET.get("edit")
    editing = next((s for s in sessions if str(s.pk) == edit_id), None)
    if "session_form" not in forms:
        initial = SessionForm.initial_for(editing) if editing else {}
        forms["session_form"] = SessionForm(event=event, initial=initial)
    posted_to = request.POST.get("session") if request.POST.get("action") in ("speaker_add", "material_add") else None
    focus_id = request.GET.get("speakers") or request.GET.get("materials") or posted_to
    focus = next((s for s in sessions if str(s.pk) == focus_id), None)
    who, candidates = _candidates(request, "who")
    context = {
        **_nav(request, event, "sessions"),
        "days": _days(event, sessions),
        "editing": editing,
        "focus": focus,
        "panel": "materials"
        if request.GET.get("materials") or request.POST.get("action") == "material_add"
        else "speakers",
        "session_form": forms["session_form"],
        "speaker_form": forms.get("speaker_form") or SpeakerForm(user=request.user),
        "material_form": forms.get("material_form") or MaterialForm(),
        "who": who,
        "candidates": candidates,
    }
    return render(request, "events/staff/sessions.html", context)


# --- registration form -----------------------------------------------------------------------------------------


@login_required
def event_form_builder(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    user = request.user
    categories = list(RegistrationCategory.objects.filter(event=event))
    editing = next(
        (c for c in categories if str(c.pk) == request.GET.get("category", request.POST.get("category"))), None
    )
    category_form = CategoryForm(initial={"name": editing.name, "capacity": editing.capacity} if editing else None)
    question_form = QuestionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "category":
                category_form = CategoryForm(request.POST)
                if category_form.is_valid():
                    data = category_form.cleaned_data
                    if editing is None:
                        services_programme.category_create(
                            event=event, name=data["name"], capacity=data["capacity"], acting_user=user
                        )
                        messages.success(request, _("The category is added."))
                    else:
                        services_programme.category_update(
                            category=editing, name=data["name"], capacity=data["capacity"], acting_user=user
                        )
                        messages.success(request, _("The category is saved."))
                    return _back(request, "event_form_builder", event, "categories")
            elif action == "question":
                question_form = QuestionForm(request.POST)
                if question_form.is_valid():
                    data = question_form.cleaned_data
                    services.question_create(
                        event=event,
                        label=data["label"],
                        kind=data["kind"],
                        choices=data["choices"],
                        required=data["required"],
                        acting_user=user,
                    )
                    messages.success(request, _("The question is added to the registration form."))
                    return _back(request, "event_form_builder", event, "questions")
            elif action in ("question_delete", "question_up", "question_down"):
                question = get_object_or_404(Question, pk=request.POST.get("question"), event=event)
                if action == "question_delete":
                    services_programme.question_delete(question=question, acting_user=user)
                    messages.success(request, _("The question is removed from the form."))
                else:
                    offset = -1 if action == "question_up" else 1
                    services_programme.question_move(question=question, offset=offset, acting_user=user)
                return _back(request, "event_form_builder", event, "questions")
        except DomainError as error:
            _form_error(question_form if action == "question" else category_form, error)
    context = {
        **_nav(request, event, "form"),
        "categories": categories,
        "questions": list(Question.objects.filter(event=event)),
        "editing": editing,
        "category_form": category_form,
        "question_form": question_form,
        "choice_kinds": [QuestionKind.SINGLE, QuestionKind.MULTIPLE],
    }
    return render(request, "events/staff/form_builder.html", context)


# --- registrations ---------------------------------------------------------------------------------------------


def _filtered_registrations(event: Event, form: RegistrationFilterForm) -> QuerySet[Registration]:
    qs = Registration.objects.filter(event=event).select_related(
        "person",
        "person__residence_country",
        "category",
        "delegation",
        "delegation__country",
        "delegation__organization",
        "organization",
    )
    if not form.is_valid():
        return qs.order_by("person__display_name", "id")
    data = form.cleaned_data
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("category"):
        qs = qs.filter(category_id=data["category"])
    if data.get("delegation") == "none":
        qs = qs.filter(delegation__isnull=True)
    elif data.get("delegation"):
        qs = qs.filter(delegation_id=data["delegation"])
    if data.get("checked_in") == "yes":
        qs = qs.filter(checked_in_at__isnull=False)
    elif data.get("checked_in") == "no":
        qs = qs.filter(checked_in_at__isnull=True)
    key = search_key(data.get("q") or "")
    if key:
        names = Person.objects.all()
        for token in key.split():
            names = names.filter(name_variants__key__contains=token)
        qs = qs.filter(person__in=names.values("pk"))
    return qs.order_by("person__display_name", "id")


def _answer_text(question: Question, value: Any) -> Any:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("yes") if value else _("no")
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        labels = question.display_choices
        indexes = value if isinstance(value, list) else [value]
        return "; ".join(labels[i] if isinstance(i, int) and 0 <= i < len(labels) else str(i) for i in indexes)
    return str(value)


def _export_rows(registrations: QuerySet[Registration], questions: list[Question], zone: Any) -> Iterator[list[Any]]:
    def when(value: Any) -> str:
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M") if value else ""

    for r in registrations.iterator(chunk_size=500):
        person = r.person
        yield [
            r.code,
            person.display_name,
            r.get_status_display(),
            str(r.category) if r.category_id else "",
            str(r.delegation) if r.delegation_id else "",
            r.organization.display_name if r.organization_id and r.organization else "",
            person.residence_country.name if person.residence_country_id and person.residence_country else "",
            person.get_gender_display() if person.gender else "",
            person.birth_year or "",
            person.email,
            when(r.created_at),
            when(r.checked_in_at),
            _("yes") if r.registered_by_id else "",
            *[_answer_text(q, r.answers.get(str(q.pk))) for q in questions],
        ]


def _registrations_post(request: HttpRequest, event: Event) -> tuple[HttpResponse | None, OnBehalfForm | None]:
    action = request.POST.get("action")
    user = request.user
    if action in ("approve", "decline", "cancel"):
        registration = get_object_or_404(Registration, pk=request.POST.get("registration"), event=event)
        try:
            if action == "cancel":
                services.registration_cancel(registration=registration, acting_user=user)
                messages.success(request, _("The registration is cancelled; the seat went to the waiting list."))
            else:
                decided = services.registration_decide(
                    registration=registration, approve=action == "approve", acting_user=user
                )
                messages.success(
                    request,
                    _("%(name)s: %(status)s.")
                    % {"name": registration.person.display_name, "status": decided.get_status_display()},
                )
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect(request.get_full_path()), None
    if action == "register":
        form = OnBehalfForm(request.POST, user=user, event=event)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.registration_create(
                    event=event,
                    person=data["person"],
                    category=data.get("category"),
                    delegation=data.get("delegation"),
                    organization=data.get("organization"),
                    acting_user=user,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered: %(status)s.")
                    % {"name": registration.person.display_name, "status": registration.get_status_display()},
                )
                return _back(request, "event_registrations", event), None
        return None, form
    return redirect(request.get_full_path()), None


@login_required
def event_registrations(request: HttpRequest, slug: str) -> HttpResponseBase:
    event = _event(request, slug, "events.manage_registrations")
    on_behalf: OnBehalfForm | None = None
    if request.method == "POST":
        response, on_behalf = _registrations_post(request, event)
        if response is not None:
            return response
    filters = RegistrationFilterForm(request.GET or None, event=event)
    registrations = _filtered_registrations(event, filters)
    questions = list(Question.objects.filter(event=event))
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        audit.record(request.user, "events.registrations_exported", event, format=export, filters=request.GET.dict())
        header = [
            _("Code"),
            _("Name"),
            _("Status"),
            _("Category"),
            _("Delegation"),
            _("Representing"),
            _("Country of residence"),
            _("Gender"),
            _("Year of birth"),
            _("E-mail"),
            _("Registered"),
            _("Checked in"),
            _("Registered by staff"),
            *[str(q) for q in questions],
        ]
        return export_response(
            export, f"registrations-{event.slug}", header, _export_rows(registrations, questions, event.zone)
        )
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request.user, "events.registrations_listed", event, page=page.number)
    who, candidates = _candidates(request, "who")
    context = {
        **_nav(request, event, "registrations"),
        "filters": filters,
        "page": page,
        "counts": statistics.event_counts(event),
        "on_behalf": on_behalf or OnBehalfForm(user=request.user, event=event),
        "who": who,
        "candidates": candidates,
        "statuses": RegistrationStatus,
    }
    return render(request, "events/staff/registrations.html", context)


# --- delegations and invitations ------------------------------------------------------------------------------


@login_required
def event_delegations(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    user = request.user
    delegation_form = DelegationForm(user=user)
    member_form = MemberForm(user=user, event=event)
    invitation_form = InvitationForm(event=event)
    edit_form: DelegationEditForm | None = None
    delegations = list(
        Delegation.objects.filter(event=event)
        .select_related("country", "organization", "head")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("person", "category").order_by("person__display_name"),
            )
        )
    )
    edit_id = (
        request.POST.get("delegation") if request.POST.get("action") == "delegation_edit" else request.GET.get("edit")
    )
    editing = next((d for d in delegations if str(d.pk) == edit_id), None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "delegation":
                delegation_form = DelegationForm(request.POST, user=user)
                if delegation_form.is_valid():
                    data = delegation_form.cleaned_data
                    services.delegation_create(
                        event=event,
                        country=data.get("country"),
                        organization=data.get("organization"),
                        head=data.get("head"),
                        head_title=data.get("head_title") or "",
                        size_limit=data.get("size_limit"),
                        acting_user=user,
                    )
                    messages.success(request, _("The delegation is added."))
                    return _back(request, "event_delegations", event)
            elif action == "delegation_edit" and editing is not None:
                edit_form = DelegationEditForm(request.POST, user=user)
                if edit_form.is_valid():
                    data = edit_form.cleaned_data
                    services_programme.delegation_update(
                        delegation=editing,
                        head=data.get("head"),
                        head_title=data.get("head_title") or "",
                        size_limit=data.get("size_limit"),
                        acting_user=user,
                    )
                    messages.success(request, _("The delegation is saved."))
                    return _back(request, "event_delegations", event, f"delegation-{editing.pk}")
            elif action == "member":
                member_form = MemberForm(request.POST, user=user, event=event)
                if member_form.is_valid():
                    data = member_form.cleaned_data
                    registration = services.registration_create(
                        event=event,
                        person=data["person"],
                        delegation=data["delegation"],
                        category=data.get("category"),
                        organization=data["delegation"].organization,
                        acting_user=user,
                    )
                    messages.success(
                        request,
                        _("%(name)s is registered in the delegation: %(status)s.")
                        % {"name": registration.person.display_name, "status": registration.get_status_display()},
                    )
                    return _back(request, "event_delegations", event, f"delegation-{data['delegation'].pk}")
            elif action == "invite":
                invitation_form = InvitationForm(request.POST, event=event)
                if invitation_form.is_valid():
                    sent, skipped = services_programme.invitations_send(
                        event=event,
                        emails=invitation_form.cleaned_data["emails"],
                        delegation=invitation_form.cleaned_data.get("delegation"),
                        acting_user=user,
                    )
                    if sent:
                        messages.success(request, _("%(count)s invitation(s) sent.") % {"count": len(sent)})
                    if skipped:
                        messages.warning(
                            request, _("Already invited, not sent again: %(emails)s.") % {"emails": ", ".join(skipped)}
                        )
                    return _back(request, "event_delegations", event, "invitations")
        except DomainError as error:
            target: Form = {"delegation": delegation_form, "member": member_form, "invite": invitation_form}.get(
                action or "", edit_form or delegation_form
            )
            _form_error(target, error)
    if editing is not None and edit_form is None:
        edit_form = DelegationEditForm(
            user=user,
            initial={"head": editing.head_id, "head_title": editing.head_title, "size_limit": editing.size_limit},
        )
    member_for = next((d for d in delegations if str(d.pk) == request.GET.get("members")), None)
    if member_for is not None and not member_form.is_bound:
        member_form = MemberForm(user=user, event=event, initial={"delegation": member_for.pk})
    who, candidates = _candidates(request, "who")
    head_q, head_candidates = _candidates(request, "head")
    invitations = list(
        Invitation.objects.filter(event=event).select_related(
            "delegation", "delegation__country", "delegation__organization", "person"
        )
    )
    context = {
        **_nav(request, event, "delegations"),
        "delegations": delegations,
        "delegation_form": delegation_form,
        "editing": editing,
        "edit_form": edit_form,
        "member_for": member_for,
        "member_form": member_form,
        "invitation_form": invitation_form,
        "invitations": invitations,
        "accepted_count": sum(1 for i in invitations if i.accepted_at),
        "who": who,
        "candidates": candidates,
        "head_q": head_q,
        "head_candidates": head_candidates,
    }
    return render(request, "events/staff/delegations.html", context)


# --- check-in --------------------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def event_checkin(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.check_in")
    form = CheckInForm(request.POST or None)
    result: dict[str, Any] | None = None
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_check_in(
                    event=event, code=form.cleaned_data["code"], acting_user=request.user
                )
            except DomainError as error:
                # a second scan of the same badge is no fault of the person at the door: it is said as a notice
                tone = "notice" if error.code == "already_checked_in" else "error"
                result = {"ok": False, "tone": tone, "message": str(error.message), "name": "", "code": error.code}
            else:
                name = registration.person.display_name
                result = {
                    "ok": True,
                    "tone": "ok",
                    "message": _("Welcome, %(name)s!") % {"name": name},
                    "name": name,
                    "code": "checked_in",
                    "category": str(registration.category) if registration.category_id else "",
                }
        else:
            result = {
                "ok": False,
                "tone": "error",
                "message": _("Type the code printed under the QR code."),
                "name": "",
                "code": "empty",
            }
        counts = statistics.event_counts(event)
        result.update({"checked_in": counts.attended, "confirmed": counts.confirmed})
        if _wants_json(request):
            # a refused code is an answer, not an error: `ok` says which (an empty form is a bad request)
            return JsonResponse(result, status=400 if result["code"] == "empty" else 200)
        form = CheckInForm()  # an empty input, ready for the next badge
    else:
        counts = statistics.event_counts(event)
    context = {**_nav(request, event, "checkin"), "form": form, "result": result, "counts": counts}
    return render(request, "events/staff/checkin.html", context, status=200)


# --- badges ----------------------------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def registration_badge(request: HttpRequest, code: str) -> HttpResponse:
    registration = (
        badges.badge_registrations(Registration.objects.filter(code=code.upper()))
        .prefetch_related("event__co_organizers")
        .first()
    )
    if registration is None:
        raise Http404(_("No such registration."))
    if not permissions.can(request.user, "events.view_registration", registration):
        raise PermissionDenied(_("A badge is for its participant and the event's organizers."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404(_("Only a confirmed registration has a badge."))
    return _pdf(badges.badge_pdf(registration), f"badge-{registration.code}.pdf")


@login_required
def event_badges(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.manage_registrations")
    registrations = list(badges.confirmed_registrations(event))
    if not registrations:
        messages.warning(request, _("There are no confirmed registrations yet, so no badges to print."))
        return _back(request, "event_manage", event)
    audit.record(request.user, "events.badges_printed", event, count=len(registrations))
    return _pdf(badges.event_badges_pdf(event, registrations), f"badges-{event.slug}.pdf")


# --- statistics ------------------------------------------------------------------------------------------------


@login_required
def event_statistics(request: HttpRequest, slug: str) -> HttpResponseBase:
    event = _event(request, slug, "events.view_statistics")
    stats = statistics.event_statistics(event)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        audit.record(request.user, "events.statistics_exported", event, format=export)
        header = [_("Table"), _("Group"), _("Registered"), _("Confirmed"), _("Attended")]
        return export_response(export, f"statistics-{event.slug}", header, statistics.table_rows(stats))
    return render(request, "events/staff/statistics.html", {**_nav(request, event, "statistics"), "stats": stats})


@login_required
def statistics_overview(request: HttpRequest) -> HttpResponseBase:
    if not permissions.can(request.user, "events.view_statistics"):
        raise PermissionDenied(_("Statistics are open to staff of the organizations that run the events."))
    events = statistics.events_in_scope(request.user)
    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(timezone.now().year)
    form = OverviewFilterForm(data, events=events)
    filters: dict[str, Any] = {"year": timezone.now().year}
    took_part = statistics.TOOK_PART_CONFIRMED
    if form.is_valid():
        filters = {
            "year": form.cleaned_data.get("year"),
            "organizer": form.cleaned_data.get("organizer"),
            "network": form.cleaned_data.get("network"),
        }
        took_part = form.cleaned_data.get("took_part") or statistics.TOOK_PART_CONFIRMED
    result = statistics.overview(request.user, kind=took_part, **filters)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        audit.record(
            request.user, "events.statistics_exported", None, format=export, **{k: str(v) for k, v in filters.items()}
        )
        header = [_("Event or table"), _("Date or group"), _("Figure"), _("Count")]
        return export_response(export, "event-statistics", header, statistics.overview_rows(result))
    context = {
        "form": form,
        "result": result,
        "year": filters.get("year"),
        "took_part": took_part,
        "largest_country": max((row.registered for row in result.by_country), default=0),
    }
    return render(request, "events/staff/statistics_overview.html", context)


# --- gallery ---------------------------------------------------------------------------------------------------


@login_required
def event_gallery(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, "events.change_event")
    user = request.user
    upload_form = PhotoUploadForm()
    photos = list(Photo.objects.filter(event=event))
    editing = next((p for p in photos if str(p.pk) == request.GET.get("edit", request.POST.get("photo"))), None)
    caption_form = PhotoCaptionForm(initial={"caption": editing.caption} if editing else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "upload":
                upload_form = PhotoUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    added = services_programme.photos_add(
                        event=event,
                        images=upload_form.cleaned_data["images"],
                        caption=upload_form.cleaned_data.get("caption"),
                        acting_user=user,
                    )
                    messages.success(request, _("%(count)s photo(s) added.") % {"count": len(added)})
                    return _back(request, "event_gallery", event)
            elif editing is not None and action == "caption":
                caption_form = PhotoCaptionForm(request.POST)
                if caption_form.is_valid():
                    services_programme.photo_update(
                        photo=editing, caption=caption_form.cleaned_data["caption"], acting_user=user
                    )
                    messages.success(request, _("The caption is saved."))
                    return _back(request, "event_gallery", event, f"photo-{editing.pk}")
            elif editing is not None and action in ("up", "down", "first"):
                services_programme.photo_move(
                    photo=editing, offset=-1 if action == "up" else 1, first=action == "first", acting_user=user
                )
                if action == "first":
                    messages.success(request, _("This photo now comes first: the family photo."))
                return _back(request, "event_gallery", event, f"photo-{editing.pk}")
            elif editing is not None and action == "delete":
                services_programme.photo_remove(photo=editing, acting_user=user)
                messages.success(request, _("The photo is deleted."))
                return _back(request, "event_gallery", event)
        except DomainError as error:
            _form_error(caption_form if action == "caption" else upload_form, error)
    context = {
        **_nav(request, event, "gallery"),
        "photos": photos,
        "editing": editing,
        "upload_form": upload_form,
        "caption_form": caption_form,
    }
    return render(request, "events/staff/gallery.html", context)
