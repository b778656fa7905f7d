"""Organizers' pages: who may open them, the event form (times typed in the event's zone), publish and cancel, the
timetable, the registration form, registrations, delegations and invitations, and the gallery."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from tamyr.accounts.models import User
from tamyr.core.models import AuditEntry
from tamyr.events.models import (
    Delegation,
    Event,
    Invitation,
    Photo,
    Question,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionMaterial,
    SessionSpeaker,
    Venue,
)
from tamyr.registry.models import Organization
from tests.events.factories import (
    CategoryFactory,
    EventFactory,
    RegistrationFactory,
    SessionFactory,
    VenueFactory,
)
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp

pytestmark = pytest.mark.django_db

EVENT_PAGES = (
    "event_edit",
    "event_manage",
    "event_sessions",
    "event_form_builder",
    "event_registrations",
    "event_delegations",
    "event_checkin",
    "event_badges",
    "event_statistics",
    "event_gallery",
)


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


@pytest.fixture
def event(organization: Organization) -> Event:
    return EventFactory(
        organizer=organization,
        status="draft",
        capacity=10,
        starts_at=datetime(2026, 1, 13, 17, 0, tzinfo=UTC),
        ends_at=datetime(2026, 1, 14, 16, 0, tzinfo=UTC),
    )


@pytest.fixture
def other_staff(db: Any) -> User:
    user = UserFactory(username="other-staff")
    grant(user, OrganizationFactory(slug="other-org"), "staff")
    with_totp(user)
    return user


def url(name: str, event: Event, **kwargs: Any) -> str:
    return reverse(f"events:{name}", kwargs={"slug": event.slug, **kwargs})


def translations(name: str, text: str, language: str = "en") -> dict[str, str]:
    return {f"{name}_{language}": text}


# --- who may open the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_staff_of_another_organization_gets_403(client: Client, other_staff: User, event: Event, name: str) -> None:
    client.force_login(other_staff)
    assert client.get(url(name, event)).status_code == 403


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_a_compatriot_gets_403(client: Client, compatriot: User, event: Event, name: str) -> None:
    client.force_login(compatriot)
    assert client.get(url(name, event)).status_code == 403


@pytest.mark.parametrize("path", ["/events/new/", "/events/statistics/"])
def test_a_compatriot_can_neither_create_events_nor_see_statistics(client: Client, compatriot: User, path: str) -> None:
    client.force_login(compatriot)
    assert client.get(path).status_code == 403


def test_visitors_are_sent_to_log_in(client: Client, event: Event) -> None:
    response = client.get(url("event_manage", event))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", [n for n in EVENT_PAGES if n != "event_badges"])
def test_the_organizers_staff_opens_every_page(staff_client: Client, event: Event, name: str) -> None:
    assert staff_client.get(url(name, event)).status_code == 200


def test_a_network_coordinator_sees_the_statistics_but_does_not_manage(client: Client, event: Event) -> None:
    from tests.factories import NetworkFactory, NetworkMembershipFactory, coordinate

    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=event.organizer)
    coordinator = UserFactory(username="coordinator")
    coordinate(coordinator, network)
    with_totp(coordinator)
    client.force_login(coordinator)
    assert client.get(url("event_statistics", event)).status_code == 200
    assert client.get(url("event_manage", event)).status_code == 403
    assert client.get("/events/statistics/").status_code == 200


def test_the_staff_of_a_co_organizer_manages_the_event(client: Client, other_staff: User, event: Event) -> None:
    event.co_organizers.add(Organization.objects.get(slug="other-org"))
    client.force_login(other_staff)
    assert client.get(url("event_manage", event)).status_code == 200


# --- creating and editing an event ---------------------------------------------------------------------------


def event_form(organization: Organization, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        **translations("title", "3rd Diaspora Capacity Building Training Program"),
        **translations("title", "Диаспора өкілдеріне арналған 3-ші оқу бағдарламасы", "kk"),
        **translations("description", "Training at the Azerbaijan Cultural Center."),
        "kind": "training",
        "access": "public",
        "organizer": organization.pk,
        "venue": "",
        "venue_name": "MuTh",
        "venue_address": "Am Augartenspitz 1",
        "venue_city": "Vienna",
        "venue_country": "AT",
        "venue_time_zone": "Europe/Vienna",
        "online_url": "",
        "time_zone": "",
        "starts_at": "2026-01-13T18:00",
        "ends_at": "2026-01-14T17:00",
        "capacity": "60",
        "registration_opens_at": "",
        "registration_closes_at": "2026-01-10T23:59",
        "cancellation_closes_at": "",
        "waiting_list": "on",
    }
    data.update(changes)
    return data


def test_creating_an_event_stores_vienna_times_as_utc_and_leaves_a_draft(
    staff_client: Client, organization: Organization
) -> None:
    response = staff_client.post("/events/new/", event_form(organization))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("event_manage", event)
    assert event.status == "draft"
    assert event.time_zone == "Europe/Vienna"
    assert event.starts_at == datetime(2026, 1, 13, 17, 0, tzinfo=UTC)  # 18:00 CET
    assert event.ends_at == datetime(2026, 1, 14, 16, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2026, 1, 10, 22, 59, tzinfo=UTC)
    assert event.venue is not None and event.venue.name == "MuTh" and event.venue.time_zone == "Europe/Vienna"
    assert event.title["kk"].startswith("Диаспора")
    assert event.slug == "3rd-diaspora-capacity-building-training-program-2026"


def test_editing_shows_the_zone_and_converts_summer_time(staff_client: Client, event: Event) -> None:
    form_page = staff_client.get(url("event_edit", event))
    assert "Europe/Vienna" in form_page.content.decode()
    assert 'value="2026-01-13T18:00"' in form_page.content.decode()  # shown in Vienna time, not UTC
    data = event_form(
        event.organizer, venue=event.venue_id, venue_name="", venue_address="", venue_city="", venue_country="",
        venue_time_zone="", time_zone="Europe/Vienna", starts_at="2026-07-01T10:00", ends_at="2026-07-01T18:00",
    )  # fmt: skip
    response = staff_client.post(url("event_edit", event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert event.capacity == 60


def test_an_event_for_an_organization_outside_ones_scope_cannot_be_created(
    staff_client: Client, organization: Organization
) -> None:
    response = staff_client.post("/events/new/", event_form(OrganizationFactory()))
    assert response.status_code == 200
    assert response.context["form"].errors["organizer"]
    assert not Event.objects.exists()
    assert not Venue.objects.exists()


def test_a_domain_error_is_shown_on_the_form_and_nothing_is_saved(
    staff_client: Client, organization: Organization, event: Event
) -> None:
    response = staff_client.post("/events/new/", event_form(organization, slug=event.slug))
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["slug"])
    assert Event.objects.count() == 1
    assert not Venue.objects.filter(name="MuTh").exists()  # the new venue was rolled back with the event


def test_an_event_without_venue_or_link_is_refused(staff_client: Client, organization: Organization) -> None:
    data = event_form(organization, venue_name="", venue_address="", venue_city="", venue_country="")
    response = staff_client.post("/events/new/", {**data, "venue_time_zone": ""})
    assert response.context["form"].errors["venue"]
    assert not Event.objects.exists()


# --- publish and cancel ----------------------------------------------------------------------------------------


def test_publishing(staff_client: Client, event: Event) -> None:
    staff_client.post(url("event_manage", event), {"action": "publish"})
    event.refresh_from_db()
    assert event.status == "published"


def test_the_dashboard_counts_from_the_records(staff_client: Client, event: Event) -> None:
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, checked_in_at=datetime(2026, 1, 13, 17, 30, tzinfo=UTC))
    counts = staff_client.get(url("event_manage", event)).context["counts"]
    assert (counts.confirmed, counts.waitlisted, counts.attended, counts.seats_left) == (4, 1, 1, 6)


def test_cancelling_asks_for_confirmation_then_tells_everyone_registered(
    staff_client: Client, event: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event.status = "published"
    event.save()
    RegistrationFactory(event=event, person=PersonFactory(email="aigerim@example.org"))
    RegistrationFactory(event=event, person=PersonFactory(email="bolat@example.org"), status="waitlisted")
    assert staff_client.get(url("event_manage", event) + "?cancel=1").context["confirming_cancel"]
    staff_client.post(url("event_manage", event), {"action": "cancel", "reason": "Storm"})  # not confirmed
    event.refresh_from_db()
    assert event.status == "published"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url("event_manage", event), {"action": "cancel", "reason": "Storm", "confirm": "on"})
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert sorted(address for m in mailoutbox for address in m.to) == ["aigerim@example.org", "bolat@example.org"]
    assert AuditEntry.objects.filter(action="events.event_cancelled", data__reason="Storm").exists()


# --- the timetable ---------------------------------------------------------------------------------------------


def session_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "session",
        **translations("title", "Gala concert"),
        "kind": "concert",
        "starts_at": "2026-01-13T19:00",
        "ends_at": "2026-01-13T21:00",
        "venue": "",
        "room": "Great hall",
        "language": "az",
    }
    data.update(changes)
    return data


def test_adding_a_session_in_another_venue_with_times_in_vienna(staff_client: Client, event: Event) -> None:
    concert_hall = VenueFactory(name="MuTh")
    staff_client.post(url("event_sessions", event), session_form(venue=concert_hall.pk))
    session = Session.objects.get()
    assert session.starts_at == datetime(2026, 1, 13, 18, 0, tzinfo=UTC)
    assert (session.venue, session.room, session.language, session.kind) == (
        concert_hall,
        "Great hall",
        "az",
        "concert",
    )


def test_editing_and_deleting_a_session(staff_client: Client, event: Event) -> None:
    session = SessionFactory(event=event)
    page = staff_client.get(url("event_sessions", event) + f"?edit={session.pk}")
    assert page.context["editing"] == session
    staff_client.post(
        url("event_sessions", event), session_form(session=session.pk, **translations("title", "Opening speeches"))
    )
    session.refresh_from_db()
    assert session.title == {"en": "Opening speeches"}
    staff_client.post(url("event_sessions", event), {"action": "session_delete", "session": session.pk})
    assert not Session.objects.exists()


def test_a_session_ending_before_it_starts_is_refused(staff_client: Client, event: Event) -> None:
    response = staff_client.post(url("event_sessions", event), session_form(ends_at="2026-01-13T18:00"))
    assert response.context["session_form"].errors["ends_at"]
    assert not Session.objects.exists()


def test_finding_and_adding_a_speaker_with_the_title_said_at_the_event(
    staff_client: Client, event: Event, organization: Organization
) -> None:
    session = SessionFactory(event=event)
    speaker = PersonFactory(
        display_name="Kubanychbek Omuraliev", registered_by=organization, variants=["Кубанычбек Омуралиев"]
    )
    page = staff_client.get(url("event_sessions", event) + f"?speakers={session.pk}&who=Омуралиев")
    assert speaker in page.context["candidates"]
    staff_client.post(
        url("event_sessions", event),
        {"action": "speaker_add", "session": session.pk, "person": speaker.pk,
         "title_at_event": "Secretary General of the Organization of Turkic States"},
    )  # fmt: skip
    added = SessionSpeaker.objects.get()
    assert (added.person, added.title_at_event) == (speaker, "Secretary General of the Organization of Turkic States")
    staff_client.post(url("event_sessions", event), {"action": "speaker_remove", "speaker": added.pk})
    assert not SessionSpeaker.objects.exists()


def test_a_person_the_staff_may_not_see_cannot_be_made_a_speaker(staff_client: Client, event: Event) -> None:
    session = SessionFactory(event=event)
    stranger = PersonFactory()  # kept by another organization
    response = staff_client.post(
        url("event_sessions", event), {"action": "speaker_add", "session": session.pk, "person": stranger.pk}
    )
    assert response.status_code == 200
    assert not SessionSpeaker.objects.exists()


def test_adding_a_link_as_material(staff_client: Client, event: Event) -> None:
    session = SessionFactory(event=event)
    staff_client.post(
        url("event_sessions", event),
        {"action": "material_add", "session": session.pk, "title": "Slides", "url": "https://example.org/slides.pdf"},
    )
    assert SessionMaterial.objects.get().url == "https://example.org/slides.pdf"


# --- the registration form -------------------------------------------------------------------------------------


def test_categories_with_their_own_seats(staff_client: Client, event: Event) -> None:
    staff_client.post(
        url("event_form_builder", event),
        {"action": "category", **translations("name", "Foreign scholars"), "capacity": "40"},
    )
    category = RegistrationCategory.objects.get()
    assert (category.name, category.capacity) == ({"en": "Foreign scholars"}, 40)
    staff_client.post(
        url("event_form_builder", event),
        {"action": "category", "category": category.pk, **translations("name", "Шетелдік ғалымдар", "kk"),
         "capacity": "45"},
    )  # fmt: skip
    category.refresh_from_db()
    assert (category.name, category.capacity) == ({"kk": "Шетелдік ғалымдар"}, 45)


def test_questions_are_added_moved_and_deleted(staff_client: Client, event: Event) -> None:
    page = url("event_form_builder", event)
    staff_client.post(page, {"action": "question", **translations("label", "Dietary needs"), "kind": "text"})
    staff_client.post(
        page,
        {"action": "question", **translations("label", "Which day?"), "kind": "single",
         "choices": "13 January\n14 January\n", "required": "on"},
    )  # fmt: skip
    first, second = Question.objects.order_by("order")
    assert second.choices == [{"en": "13 January"}, {"en": "14 January"}] and second.required
    staff_client.post(page, {"action": "question_up", "question": second.pk})
    assert list(Question.objects.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]
    staff_client.post(page, {"action": "question_delete", "question": first.pk})
    assert list(Question.objects.values_list("pk", flat=True)) == [second.pk]


def test_a_choice_question_without_choices_is_refused(staff_client: Client, event: Event) -> None:
    response = staff_client.post(
        url("event_form_builder", event), {"action": "question", **translations("label", "Pick"), "kind": "single"}
    )
    assert response.context["question_form"].errors
    assert not Question.objects.exists()


# --- registrations ---------------------------------------------------------------------------------------------


def listed(response: Any) -> list[str]:
    return [r.person.display_name for r in response.context["page"].object_list]


def test_filters_by_status_category_and_check_in_and_finds_names_across_scripts(
    staff_client: Client, event: Event
) -> None:
    scholars = CategoryFactory(event=event, capacity=None)
    aigerim = PersonFactory(display_name="Айгерім Сәрсенова", variants=["Aigerim Sarsenova"])
    RegistrationFactory(event=event, person=aigerim, category=scholars)
    RegistrationFactory(event=event, person=PersonFactory(display_name="Bolat Nurlanov"), status="pending")
    RegistrationFactory(event=event, person=PersonFactory(display_name="Dana Ermekova"),
                        checked_in_at=datetime(2026, 1, 13, 17, 30, tzinfo=UTC))  # fmt: skip
    page = url("event_registrations", event)
    assert listed(staff_client.get(page, {"status": "pending"})) == ["Bolat Nurlanov"]
    assert listed(staff_client.get(page, {"category": scholars.pk})) == ["Айгерім Сәрсенова"]
    assert listed(staff_client.get(page, {"checked_in": "yes"})) == ["Dana Ermekova"]
    assert listed(staff_client.get(page, {"q": "Sarsenova"})) == ["Айгерім Сәрсенова"]


def test_the_registrations_list_runs_a_fixed_number_of_queries(
    staff_client: Client, event: Event, django_assert_max_num_queries: Any
) -> None:
    scholars = CategoryFactory(event=event, capacity=None)
    delegation = Delegation.objects.create(event=event, country=country("KZ"))
    for _index in range(30):
        RegistrationFactory(event=event, category=scholars, delegation=delegation, organization=event.organizer)
    with django_assert_max_num_queries(22):  # 18 today, whatever the number of rows
        response = staff_client.get(url("event_registrations", event))
    assert len(response.context["page"].object_list) == 30


def test_approving_and_declining_pending_registrations(
    staff_client: Client, event: Event, django_capture_on_commit_callbacks: Any
) -> None:
    event.status = "published"
    event.save()
    first = RegistrationFactory(event=event, status="pending")
    second = RegistrationFactory(event=event, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url("event_registrations", event), {"action": "approve", "registration": first.pk})
        staff_client.post(url("event_registrations", event), {"action": "decline", "registration": second.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "declined")


def test_staff_cancel_a_registration_and_the_seat_goes_to_the_waiting_list(staff_client: Client, event: Event) -> None:
    event.capacity = 1
    event.status = "published"
    event.save()
    seated = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", confirmed_at=None, waitlisted_at=datetime.now(UTC))
    staff_client.post(url("event_registrations", event), {"action": "cancel", "registration": seated.pk})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_registering_someone_on_their_behalf(
    staff_client: Client, event: Event, organization: Organization, org_staff: User
) -> None:
    event.status = "published"
    event.requires_approval = True
    event.save()
    scholars = CategoryFactory(event=event, capacity=5)
    person = PersonFactory(display_name="Qasym Tokayev", registered_by=organization, variants=["Қасым Тоқаев"])
    found = staff_client.get(url("event_registrations", event), {"who": "Тоқаев"})
    assert person in found.context["candidates"]
    staff_client.post(
        url("event_registrations", event),
        {"action": "register", "person": person.pk, "category": scholars.pk, "organization": organization.pk},
    )
    registration = Registration.objects.get(person=person)
    # staff skip the approval step
    assert (registration.status, registration.category, registration.registered_by) == (
        "confirmed",
        scholars,
        org_staff,
    )
    assert registration.organization == organization


def test_the_xlsx_export_has_answers_as_columns_and_neutralizes_formulas(staff_client: Client, event: Event) -> None:
    diet = Question.objects.create(event=event, label={"en": "Dietary needs"}, kind="text", order=0)
    day = Question.objects.create(
        event=event, label={"en": "Which day?"}, kind="single", choices=[{"en": "13 January"}, {"en": "14 January"}],
        order=1,
    )  # fmt: skip
    RegistrationFactory(
        event=event,
        person=PersonFactory(display_name="Айгерім Сәрсенова"),
        answers={str(diet.pk): '=HYPERLINK("http://evil.example","click")', str(day.pk): 1},
    )
    response = staff_client.get(url("event_registrations", event), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert header[-2:] == ("Dietary needs", "Which day?")
    assert row[1] == "Айгерім Сәрсенова"
    assert row[-2] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[-1] == "14 January"
    assert AuditEntry.objects.filter(action="events.registrations_exported", target_id=str(event.pk)).exists()


# --- delegations and invitations -------------------------------------------------------------------------------


def test_adding_a_delegation_with_its_head_and_a_member(
    staff_client: Client, event: Event, organization: Organization
) -> None:
    event.status = "published"
    event.is_public = False
    event.save()
    head = PersonFactory(display_name="Yerlan Ospanov", registered_by=organization)
    member = PersonFactory(display_name="Saule Ahmetova", registered_by=organization)
    page = url("event_delegations", event)
    staff_client.post(
        page,
        {"action": "delegation", "country": "KZ", "head": head.pk, "head_title": "Chairman of Otandastar",
         "size_limit": "5"},
    )  # fmt: skip
    delegation = Delegation.objects.get()
    assert (delegation.country_id, delegation.head, delegation.size_limit) == ("KZ", head, 5)
    staff_client.post(page, {"action": "member", "delegation": delegation.pk, "person": member.pk})
    registration = Registration.objects.get(person=member)
    assert (registration.delegation, registration.status) == (delegation, "confirmed")
    listed_members = staff_client.get(page).context["delegations"][0].registrations.all()
    assert [r.person for r in listed_members] == [member]


def test_invitations_are_emailed_with_a_personal_link(
    staff_client: Client, event: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://tamyr.example"
    delegation = Delegation.objects.create(event=event, country=country("HU"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url("event_delegations", event),
            {"action": "invite", "emails": "anna@example.hu\nbela@example.hu\n", "delegation": delegation.pk},
        )
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"anna@example.hu", "bela@example.hu"}
    message = next(m for m in mailoutbox if m.to == ["anna@example.hu"])
    assert f"https://tamyr.example/events/invitations/{invitations['anna@example.hu'].token}/" in message.body
    assert invitations["anna@example.hu"].delegation == delegation
    page = staff_client.get(url("event_delegations", event))
    assert page.context["accepted_count"] == 0
    assert "anna@example.hu" in page.content.decode()


def test_one_bad_address_sends_no_invitation(
    staff_client: Client, event: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("event_delegations", event), {"action": "invite", "emails": "anna@example.hu\nnot-an-address"}
        )
    assert "not-an-address" in " ".join(response.context["invitation_form"].errors["emails"])
    assert not Invitation.objects.exists()
    assert mailoutbox == []


# --- gallery ---------------------------------------------------------------------------------------------------


def image_upload(name: str, size: tuple[int, int] = (1200, 800)) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 105)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_uploading_photos_makes_400_pixel_thumbnails(staff_client: Client, event: Event) -> None:
    staff_client.post(
        url("event_gallery", event),
        {"action": "upload", "images": [image_upload("family.png"), image_upload("concert.png")],
         **translations("caption", "Vienna, 13 January 2026")},
    )  # fmt: skip
    photos = list(Photo.objects.order_by("order"))
    assert len(photos) == 2
    with Image.open(photos[0].thumbnail.path) as thumbnail:
        assert (thumbnail.format, thumbnail.width, thumbnail.height) == ("JPEG", 400, 267)
    assert photos[0].caption == {"en": "Vienna, 13 January 2026"}


def test_a_file_that_is_not_a_photo_adds_nothing(staff_client: Client, event: Event) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bogus = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")
    response = staff_client.post(
        url("event_gallery", event), {"action": "upload", "images": [image_upload("a.png"), bogus]}
    )
    assert response.status_code == 200
    assert response.context["upload_form"].errors
    assert not Photo.objects.exists()


def test_making_a_photo_the_family_photo_puts_it_first(staff_client: Client, event: Event) -> None:
    staff_client.post(
        url("event_gallery", event), {"action": "upload", "images": [image_upload("a.png"), image_upload("b.png")]}
    )
    first, second = Photo.objects.order_by("order")
    staff_client.post(url("event_gallery", event), {"action": "first", "photo": second.pk})
    assert list(Photo.objects.order_by("order")) == [second, first]
    staff_client.post(url("event_gallery", event), {"action": "delete", "photo": first.pk})
    assert list(Photo.objects.all()) == [second]


def test_people_outside_the_scope_are_not_offered(staff_client: Client, event: Event) -> None:
    PersonFactory(display_name="Hidden Person")
    page = staff_client.get(url("event_registrations", event), {"who": "Hidden"})
    assert page.context["candidates"] == []
