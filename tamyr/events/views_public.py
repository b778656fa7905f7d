"""Public and participant pages of events: list, calendar, event page, programme, registration, "my registrations",
iCalendar files and feeds. Each view asks `can()`, calls selectors or a service, and renders; no rules live here.
"""

from __future__ import annotations

import base64
import calendar as month_calendar
import json
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tamyr.accounts import permissions
from tamyr.accounts.services import signed_in_user, user_name_set
from tamyr.core import cldr
from tamyr.core.errors import DomainError
from tamyr.core.files import private_url
from tamyr.events import selectors, selectors_public, services
from tamyr.events.calendar import event_ics as build_event_ics
from tamyr.events.calendar import feed_ics
from tamyr.events.forms_public import EventFilterForm, RegistrationForm
from tamyr.events.models import (
    ACTIVE_STATUSES,
    Event,
    EventStatus,
    Invitation,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
)
from tamyr.events.notifications import qr_png
from tamyr.events.templatetags.events_tags import days_spanned, local
from tamyr.registry import selectors as registry_selectors
from tamyr.registry import services as registry_services
from tamyr.registry.models import Network, Organization, Person

PAGE_SIZE = 25
ICS_TYPE = "text/calendar; charset=utf-8"


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the app provides, or "" while it does not exist, so no page crashes."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def may_view(user: Any, event: Event) -> bool:
    """The `events.view_event` rule, with its public case asked first: `can()` answers False for every anonymous
    visitor (AnonymousUser.is_active is False), and published or cancelled events are public pages."""
    return event.status in selectors_public.PUBLIC_STATUSES or permissions.can(user, "events.view_event", event)


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    """The event, if this user may see it; drafts are 404 for everyone but their organizers."""
    try:
        event = selectors.event_get(slug)
    except Event.DoesNotExist as error:
        raise Http404(_("No such event.")) from error
    if not may_view(request.user, event):
        raise Http404(_("No such event."))
    return event


def _registration_or_404(request: HttpRequest, code: str) -> Registration:
    """The registration, if this user may see it; to anyone else, codes that exist and codes that don't look alike."""
    try:
        registration = selectors_public.registration_get(code)
    except Registration.DoesNotExist as error:
        raise Http404(_("No such registration.")) from error
    if not permissions.can(request.user, "events.view_registration", registration):
        raise Http404(_("No such registration."))
    return registration


def _ics_response(content: bytes, filename: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- list and calendar -----------------------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> EventFilterForm:
    params = request.GET.copy()
    for key in ("page", "month"):
        params.pop(key, None)
    return EventFilterForm(params or None, organizers=selectors_public.organizers_with_events())


def _subscriptions(filters: dict[str, Any]) -> list[dict[str, str]]:
    """Feeds to offer beside the list: the filtered organizer's or network's, else every network's."""
    feeds: list[dict[str, str]] = []
    if filters.get("organizer"):
        organization = Organization.objects.filter(slug=filters["organizer"]).first()
        if organization is not None:
            feeds.append(
                {
                    "name": organization.display_name,
                    "url": reverse("events:organization_feed", kwargs={"slug": organization.slug}),
                }
            )
    networks = Network.objects.order_by("slug")
    if filters.get("network"):
        networks = networks.filter(slug=filters["network"])
    elif feeds:
        networks = networks.none()
    for network in networks:
        feeds.append(
            {"name": network.display_name, "url": reverse("events:network_feed", kwargs={"slug": network.slug})}
        )
    return feeds


def event_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.selector_filters() if form.is_bound else {}
    events = selectors.event_list(**filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "now": timezone.now(),
        "subscriptions": _subscriptions(filters),
        "view": "list",
    }
    if request.headers.get("HX-Request"):
        return render(request, "events/public/_event_results.html", context)
    return render(request, "events/public/event_list.html", context)


def _month(value: str) -> date:
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except (TypeError, ValueError):
        today = timezone.localdate()
        return today.replace(day=1)


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month grid; each event appears on every day it spans, on the calendar of its own time zone."""
    first = _month(request.GET.get("month", ""))
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    form = _filter_form(request)
    for name in ("date_from", "date_to"):
        form.fields.pop(name)
    filters = form.selector_filters() if form.is_bound else {}
    # a day either side: an event's day in its own zone can be the day before or after in UTC
    filters.update(date_from=grid_start - timedelta(days=1), date_to=grid_end + timedelta(days=1))
    entries: dict[date, list[dict[str, Any]]] = {}
    for event in selectors.event_list(**filters).order_by("starts_at", "slug"):
        first_day, last_day = days_spanned(event.starts_at, event.ends_at, event.time_zone)
        day = max(first_day, grid_start)
        while day <= min(last_day, grid_end):
            entries.setdefault(day, []).append(
                {
                    "event": event,
                    "starts": cldr.time(event.starts_at, zone=event.time_zone) if day == first_day else "",
                    "continues": day != first_day,
                }
            )
            day += timedelta(days=1)
    today = timezone.localdate()
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "entries": entries.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    previous, following = _shift_month(first, -1), _shift_month(first, 1)
    context = {
        "form": form,
        "weeks": grid,
        "weekdays": [(WEEKDAYS[index], WEEKDAYS_ABBR[index]) for index in range(7)],
        "month_title": cldr.date(first, "yMMMM"),
        "month_value": first.strftime("%Y-%m"),
        "previous_month": previous.strftime("%Y-%m"),
        "previous_title": cldr.date(previous, "yMMMM"),
        "next_month": following.strftime("%Y-%m"),
        "next_title": cldr.date(following, "yMMMM"),
        "event_count": len({entry["event"].pk for day_entries in entries.values() for entry in day_entries}),
        "subscriptions": _subscriptions(filters),
        "view": "calendar",
    }
    return render(request, "events/public/event_calendar.html", context)


# --- the event page ------------------------------------------------------------------------------------------


def _timetable(event: Event) -> list[dict[str, Any]]:
    """Sessions grouped by day on the event's wall clock, each with the venue it takes place at."""
    days: dict[date, list[Session]] = {}
    for session in event.sessions.all():
        session.where = session.venue or event.venue  # type: ignore[attr-defined]
        days.setdefault(local(session.starts_at, event.time_zone).date(), []).append(session)
    timetable = []
    for day, sessions in sorted(days.items()):
        venues = []
        for session in sessions:
            if session.where is not None and session.where not in venues:  # type: ignore[attr-defined]
                venues.append(session.where)  # type: ignore[attr-defined]
        timetable.append({"date": day, "sessions": sessions, "venues": venues})
    return timetable


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _json_ld(event: Event, availability: selectors_public.Availability) -> SafeString:
    """schema.org Event as a JSON data block (not executed, so the content security policy leaves it alone).

    Registration at Tamyr is free, so `offers` is a free offer while registration is open to anyone: its URL the
    event's registration box, `validFrom` the moment registration opened, and its availability from the seats left
    (a full event with a waiting list is sold out, as search engines mean it)."""
    zone = event.time_zone
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.display_title,
        "startDate": local(event.starts_at, zone).isoformat(),
        "endDate": local(event.ends_at, zone).isoformat(),
        "eventStatus": "https://schema.org/"
        + ("EventCancelled" if event.status == EventStatus.CANCELLED else "EventScheduled"),
        "url": _absolute(event.get_absolute_url()),
    }
    mode = "Mixed" if event.venue and event.online_url else "Online" if event.online_url else "Offline"
    data["eventAttendanceMode"] = f"https://schema.org/{mode}EventAttendanceMode"
    locations: list[dict[str, Any]] = []
    if event.venue is not None:
        address = {
            "@type": "PostalAddress",
            "addressLocality": event.venue.city,
            "addressCountry": event.venue.country_id,
        }
        if event.venue.address:
            address["streetAddress"] = event.venue.address
        locations.append({"@type": "Place", "name": event.venue.name, "address": address})
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organizers = [event.organizer, *event.co_organizers.all()]
    data["organizer"] = [
        {"@type": "Organization", "name": organization.display_name, "url": _absolute(organization.get_absolute_url())}
        for organization in organizers
    ]
    if event.display_description:
        data["description"] = event.display_description
    if event.banner:
        data["image"] = _absolute(event.banner.url)
    data["isAccessibleForFree"] = True
    if availability.code == "open" and event.is_public:
        left = selectors_public.seats_left(event)
        data["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": _absolute(event.get_absolute_url()) + "#registration-title",
            "validFrom": local(event.registration_opens_at or event.created_at, zone).isoformat(),
            "availability": "https://schema.org/" + ("SoldOut" if left == 0 else "InStock"),
        }
        if event.registration_closes_at:
            data["offers"]["validThrough"] = local(event.registration_closes_at, zone).isoformat()
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # inside <script>, "</script>" or "<!--" must never appear: escape the characters as JSON allows
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


def _registration_box(
    request: HttpRequest, event: Event, person: Person | None, categories: list[RegistrationCategory]
) -> dict[str, Any]:
    registration = selectors.registration_for(event, person)
    token = request.GET.get("invitation", "")
    invitation = selectors_public.open_invitation(event, token)
    availability = selectors_public.registration_availability(event, invited=invitation is not None)
    box: dict[str, Any] = {
        "registration": registration if registration and registration.status in ACTIVE_STATUSES else None,
        "past_registration": registration if registration and registration.status not in ACTIVE_STATUSES else None,
        "availability": availability,
        "invitation": invitation,
        "register_url": reverse("events:event_register", kwargs={"slug": event.slug})
        + (f"?invitation={invitation.token}" if invitation else ""),
        "form": None,
    }
    if (
        request.user.is_authenticated
        and box["registration"] is None
        and availability.is_open
        and permissions.can(request.user, "events.register", event)
    ):
        box["form"] = RegistrationForm(
            questions=event.questions.all(),
            categories=categories,
            organizations=selectors_public.organizations_for_registration(),
            ask_name=person is None and signed_in_user(request).needs_name,
        )
        box["needs_person"] = person is None
    return box


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    person = registry_selectors.person_of_user(request.user)
    can_manage = permissions.can(request.user, "events.change_event", event)
    categories = selectors_public.categories_with_seats(event) if event.categories.all() else []
    context = {
        "event": event,
        "co_organizers": list(event.co_organizers.all()),
        "co_chairs": list(event.co_chairs.all()),
        "timetable": _timetable(event),
        "delegations": selectors_public.delegations_for_page(event, organizer=can_manage),
        "photos": list(event.photos.all()),
        "categories": categories,
        "seats_left": selectors_public.seats_left(event),
        "box": _registration_box(request, event, person, categories),
        "json_ld": _json_ld(event, selectors_public.registration_availability(event)),
        "can_manage": can_manage,
        "manage_url": optional_url("events:event_manage", event.slug) if can_manage else "",
        "is_over": event.ends_at < timezone.now(),
    }
    return render(request, "events/public/event_detail.html", context)


def event_programme(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    return render(
        request,
        "events/public/event_programme.html",
        {"event": event, "timetable": _timetable(event), "co_organizers": list(event.co_organizers.all())},
    )


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    return _ics_response(build_event_ics(event), f"{event.slug}.ics")


# --- registration -----------------------------------------------------------------------------------------------


def status_message(registration: Registration) -> str:
    event = registration.event.display_title
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("You are registered for %(event)s. Your code is %(code)s; we have sent it to you by e-mail.") % {
            "event": event,
            "code": registration.code,
        }
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "%(event)s is full, so you are on the waiting list. We will write to you as soon as a seat frees up."
        ) % {"event": event}
    if registration.status == RegistrationStatus.PENDING:
        return _("Your registration for %(event)s is awaiting the organizers' approval; we will write to you.") % {
            "event": event
        }
    return registration.get_status_display()


def _person_for(user: Any) -> Person:
    """The signed-in user's record in the registry, created from their account with their consent."""
    person = registry_services.person_create_for_user(user=user)
    return person


@login_required
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    user = signed_in_user(request)
    person = registry_selectors.person_of_user(user)
    existing = selectors_public.active_registration(event, person)
    if existing is not None:
        messages.info(request, _("You are already registered for this event."))
        return redirect(existing)
    token = request.GET.get("invitation", "")
    invitation = selectors_public.open_invitation(event, token)
    availability = selectors_public.registration_availability(event, invited=invitation is not None)
    may_register = availability.is_open and permissions.can(user, "events.register", event)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        questions=event.questions.all(),
        categories=selectors_public.categories_with_seats(event),
        organizations=selectors_public.organizations_for_registration(),
        ask_name=person is None and user.needs_name,
    )
    if request.method == "POST" and may_register and form.is_valid():
        try:
            # one transaction: a record created for a first-time registrant goes away if the registration fails,
            # and so does the name given with it
            with transaction.atomic():
                given = form.given_name()
                if given is not None:
                    user_name_set(user=user, name=given[0], name_latin=given[1])
                registrant = person or _person_for(user)
                registration = services.registration_create(
                    event=event,
                    person=registrant,
                    acting_user=user,
                    invitation=invitation,
                    language=translation.get_language() or "",
                    **form.service_arguments(),
                )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            level = messages.SUCCESS if registration.status == RegistrationStatus.CONFIRMED else messages.INFO
            greeting = _("Thank you, %(name)s!") % {"name": registrant.display_name}
            messages.add_message(request, level, f"{greeting} {status_message(registration)}")
            return redirect(registration)
    return render(
        request,
        "events/public/event_register.html",
        {
            "event": event,
            "form": form,
            "availability": availability,
            "may_register": may_register,
            "invitation": invitation,
            "bad_invitation": bool(token) and invitation is None,
            "needs_person": person is None,
            "action": request.get_full_path(),
        },
    )


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors_public.invitation_get(token)
    except Invitation.DoesNotExist as error:
        raise Http404(_("No such invitation.")) from error
    if not may_view(request.user, invitation.event):
        raise Http404(_("No such invitation."))
    person = registry_selectors.person_of_user(request.user)
    registration = selectors_public.active_registration(invitation.event, person)
    return render(
        request,
        "events/public/invitation.html",
        {
            "invitation": invitation,
            "event": invitation.event,
            "registration": registration,
            "register_url": reverse("events:event_register", kwargs={"slug": invitation.event.slug})
            + f"?invitation={invitation.token}",
        },
    )


def _answers(registration: Registration) -> list[dict[str, Any]]:
    """Each question of the event with this registration's answer, as the participant would read it."""
    files = {upload.question_id: upload for upload in registration.files.all()}
    rows = []
    for question in registration.event.questions.all():
        value = registration.answers.get(str(question.pk))
        url = ""
        if question.kind == QuestionKind.FILE:
            upload = files.get(question.pk)
            text = (upload.original_name or upload.file.name.rsplit("/", 1)[-1]) if upload else ""
            url = private_url("answer", upload) if upload else ""  # a private file: the view asks can()
        elif value is None or value == "":
            text = ""
        elif question.kind == QuestionKind.YES_NO:
            text = _("Yes") if value else _("No")
        elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            choices = question.display_choices
            indexes = value if isinstance(value, list) else [value]
            text = ", ".join(choices[index] for index in indexes if isinstance(index, int) and index < len(choices))
        else:
            text = str(value)
        rows.append({"question": question, "answer": text, "url": url})
    return rows


@login_required
def registration_detail(request: HttpRequest, code: str) -> HttpResponse:
    registration = _registration_or_404(request, code)
    event = registration.event
    qr = base64.b64encode(qr_png(registration.code, box_size=6)).decode("ascii")
    return render(
        request,
        "events/public/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "answers": _answers(registration),
            "qr_data_uri": f"data:image/png;base64,{qr}",
            "badge_url": optional_url("events:registration_badge", registration.code)
            if registration.status == RegistrationStatus.CONFIRMED
            else "",
            "is_active": registration.status in ACTIVE_STATUSES,
            "can_cancel": registration.status in ACTIVE_STATUSES
            and permissions.can(request.user, "events.cancel_registration", registration),
            "is_own": registration.person.user_id == request.user.pk,
        },
    )


@require_POST
@login_required
def registration_cancel(request: HttpRequest, code: str) -> HttpResponse:
    registration = _registration_or_404(request, code)
    if not permissions.can(request.user, "events.cancel_registration", registration):
        raise Http404(_("No such registration."))
    try:
        services.registration_cancel(registration=registration, acting_user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The registration for %(event)s is cancelled. If you held a seat, it goes to the next person waiting.")
            % {"event": registration.event.display_title},
        )
    return redirect(registration)


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    person = registry_selectors.person_of_user(request.user)
    upcoming, past = selectors_public.registrations_of_person_split(person) if person else ([], [])
    return render(request, "events/public/my_registrations.html", {"upcoming": upcoming, "past": past})


# --- iCalendar feeds --------------------------------------------------------------------------------------------


def organization_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404(_("No such organization."))
    name = _("Events of %(name)s") % {"name": organization.display_name}
    return _ics_response(feed_ics(selectors_public.organization_feed_events(organization), name))


def network_feed(request: HttpRequest, slug: str) -> HttpResponse:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise Http404(_("No such network."))
    name = _("Events of %(name)s") % {"name": network.display_name}
    return _ics_response(feed_ics(selectors_public.network_feed_events(network), name))
