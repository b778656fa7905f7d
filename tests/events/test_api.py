"""The events API: lists and filters, the timetable, registration through the API, check-in and exports."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.events import services
from tamyr.events.models import (
    Delegation,
    Event,
    Invitation,
    Question,
    Registration,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from tamyr.registry.models import Consent, Organization, Person
from tests.events.factories import CategoryFactory, EventFactory, VenueFactory
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    country,
    grant,
    showing_their_name,
    with_totp,
)

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


def token_for(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def signed_up(username: str = "aruzhan") -> tuple[User, Person]:
    """A compatriot with an account and their own record."""
    user = UserFactory(username=username)
    person = PersonFactory(user=user, email=user.email, display_name=f"{username.title()} Serikkyzy")
    return user, person


def register(client: Client, event: Event, user: User, **body: Any) -> Any:
    return post(client, f"/api/v1/events/{event.slug}/registrations/", body, **token_for(user))


def slugs(response: Any) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def other_org_staff(db: None) -> User:
    user = UserFactory(username="otherstaff")
    grant(user, OrganizationFactory(slug="other-org"), "staff")
    with_totp(user)
    return user


# --- the list and its filters ---------------------------------------------------------------------------------


def test_event_list_is_paginated_with_count_next_previous_results(client: Client) -> None:
    EventFactory.create_batch(3)
    body = client.get("/api/v1/events/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], len(body["results"]), body["previous"]) == (3, 2, None)
    assert body["next"] is not None


def test_event_list_shows_times_in_utc_and_in_the_venue_time_zone(client: Client) -> None:
    starts = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)
    EventFactory(slug="vienna", starts_at=starts, ends_at=starts + timedelta(hours=8))
    row = client.get("/api/v1/events/").json()["results"][0]
    assert row["starts_at"] == "2026-01-14T08:00:00Z"
    assert row["local_starts_at"] == "2026-01-14T09:00:00+01:00"
    assert row["venue"]["time_zone"] == "Europe/Vienna"


def test_drafts_are_hidden_from_visitors_but_listed_for_their_organizers(
    client: Client, org_staff: User, organization: Organization
) -> None:
    EventFactory(slug="public-forum")
    EventFactory(slug="our-draft", status="draft", organizer=organization)
    EventFactory(slug="their-draft", status="draft")
    assert slugs(client.get("/api/v1/events/")) == ["public-forum"]
    assert client.get("/api/v1/events/our-draft/").status_code == 404
    staff = client.get("/api/v1/events/", headers=token_for(org_staff))
    assert sorted(slugs(staff)) == ["our-draft", "public-forum"]
    assert client.get("/api/v1/events/our-draft/", headers=token_for(org_staff)).status_code == 200


def test_event_list_filters_by_country_kind_online_and_dates(client: Client) -> None:
    now = timezone.now()
    EventFactory(slug="vienna-training", kind="training", starts_at=now + timedelta(days=10))
    EventFactory(
        slug="baku-forum",
        venue=VenueFactory(name="Forum venue", city="Baku", country=country("AZ"), time_zone="Asia/Baku"),
        starts_at=now + timedelta(days=40),
    )
    EventFactory(slug="film-week", kind="film_week", venue=None, online_url="https://example.org/films")
    assert slugs(client.get("/api/v1/events/?country=az")) == ["baku-forum"]
    assert slugs(client.get("/api/v1/events/?kind=training")) == ["vienna-training"]
    assert slugs(client.get("/api/v1/events/?online=true")) == ["film-week"]
    assert "film-week" not in slugs(client.get("/api/v1/events/?online=false"))
    later = (now + timedelta(days=35)).date().isoformat()
    assert slugs(client.get(f"/api/v1/events/?date_from={later}")) == ["baku-forum"]
    sooner = (now + timedelta(days=20)).date().isoformat()
    assert "baku-forum" not in slugs(client.get(f"/api/v1/events/?date_to={sooner}"))


def test_a_bad_date_filter_is_a_400_naming_the_parameter(client: Client) -> None:
    response = client.get("/api/v1/events/?date_from=14.01.2026")
    assert response.status_code == 400
    assert "date_from" in response.json()


def test_event_list_filters_by_organizer_network_and_search(client: Client) -> None:
    ots = OrganizationFactory(slug="ots-secretariat")
    network = NetworkFactory(slug="ots-diaspora")
    NetworkMembershipFactory(network=network, organization=ots)
    vienna = EventFactory(slug="vienna-training", title={"en": "Diaspora Capacity Building Training", "kk": "Оқу"})
    vienna.co_organizers.add(ots)
    EventFactory(slug="ots-budapest", organizer=ots, title={"en": "Ministerial meeting"})
    EventFactory(slug="kurultai", title={"en": "Kurultai"})
    assert sorted(slugs(client.get("/api/v1/events/?organizer=ots-secretariat"))) == ["ots-budapest", "vienna-training"]
    assert sorted(slugs(client.get("/api/v1/events/?network=ots-diaspora"))) == ["ots-budapest", "vienna-training"]
    assert slugs(client.get("/api/v1/events/?search=capacity")) == ["vienna-training"]
    assert slugs(client.get("/api/v1/events/?search=Оқу")) == ["vienna-training"]


def test_seat_counts_stay_right_when_filtering_through_co_organizers(client: Client) -> None:
    event = EventFactory(capacity=5)
    event.co_organizers.add(*OrganizationFactory.create_batch(3))
    organizer = event.organizer.slug
    for number in range(2):
        user, person = signed_up(f"person{number}")
        services.registration_create(event=event, person=person, acting_user=user)
    for path in ("/api/v1/events/", f"/api/v1/events/?organizer={organizer}"):
        assert client.get(path).json()["results"][0]["confirmed_count"] == 2


def test_event_list_runs_a_fixed_number_of_queries(client: Client) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/events/").status_code == 200
        return len(captured)

    for _ in range(2):
        EventFactory().co_organizers.add(OrganizationFactory())
    few = queries()
    for _ in range(10):
        EventFactory().co_organizers.add(OrganizationFactory())
    assert queries() == few <= 4


# --- one event: detail, timetable, delegations ------------------------------------------------------------------


@pytest.fixture
def vienna(organization: Organization) -> Event:
    starts = timezone.now() + timedelta(days=30)
    event = EventFactory(slug="vienna", organizer=organization, capacity=100, starts_at=starts)
    hall = VenueFactory(name="MuTh Concert and Theater Hall")
    concert = Session.objects.create(
        event=event, title={"en": "Gala Concert of Turkic Artists"}, kind="concert", venue=hall,
        starts_at=starts, ends_at=starts + timedelta(hours=2),
    )  # fmt: skip
    opening = Session.objects.create(
        event=event, title={"en": "Opening session"}, kind="opening", venue=event.venue,
        starts_at=starts + timedelta(days=1), ends_at=starts + timedelta(days=1, hours=1),
    )  # fmt: skip
    speaker = PersonFactory(display_name="Kubanychbek Omuraliev")
    title = "Secretary General of the Organization of Turkic States"
    SessionSpeaker.objects.create(session=concert, person=speaker, title_at_event=title)
    SessionSpeaker.objects.create(session=opening, person=speaker, title_at_event=title)
    CategoryFactory(event=event, name={"en": "Foreign scholars"}, capacity=40)
    Question.objects.create(event=event, label={"en": "Dietary needs"}, kind="single",
                            choices=[{"en": "None"}, {"en": "Vegetarian"}, {"en": "Halal"}])  # fmt: skip
    head = showing_their_name(PersonFactory(display_name="Daniyar Kadyrov"))
    Delegation.objects.create(event=event, country=country("KZ"), head=head)
    return event


def test_event_detail_has_sessions_speakers_categories_questions_and_delegations(client: Client, vienna: Event) -> None:
    body = client.get("/api/v1/events/vienna/").json()
    assert [s["display_title"] for s in body["sessions"]] == ["Gala Concert of Turkic Artists", "Opening session"]
    assert [s["venue"]["name"] for s in body["sessions"]] == ["MuTh Concert and Theater Hall", vienna.venue.name]
    assert body["sessions"][0]["speakers"][0] == {
        "person": SessionSpeaker.objects.first().person_id,  # type: ignore[union-attr]
        "name": "Kubanychbek Omuraliev",
        "title_at_event": "Secretary General of the Organization of Turkic States",
        "order": 0,
    }
    assert body["categories"][0]["display_name"] == "Foreign scholars"
    assert body["categories"][0]["capacity"] == 40
    assert body["questions"][0]["display_choices"] == ["None", "Vegetarian", "Halal"]
    assert body["delegations"][0]["country"] == "KZ"
    assert body["delegations"][0]["head_name"] == "Daniyar Kadyrov"


def test_sessions_and_delegations_are_paginated_lists(client: Client, vienna: Event) -> None:
    sessions = client.get("/api/v1/events/vienna/sessions/").json()
    assert sessions["count"] == 2
    assert sessions["results"][0]["kind"] == "concert"
    delegations = client.get("/api/v1/events/vienna/delegations/").json()
    assert set(delegations) == {"count", "next", "previous", "results"}
    assert delegations["results"][0]["country_name"]


def test_organizers_add_a_delegation_and_others_cannot(
    client: Client, vienna: Event, org_staff: User, other_org_staff: User
) -> None:
    body = {"country": "tr", "head_title": "Head of the delegation of Türkiye", "size_limit": 5}
    assert post(client, "/api/v1/events/vienna/delegations/", body, **token_for(other_org_staff)).status_code == 403
    response = post(client, "/api/v1/events/vienna/delegations/", body, **token_for(org_staff))
    assert response.status_code == 201, response.content
    assert (response.json()["country"], response.json()["size_limit"]) == ("TR", 5)
    again = post(client, "/api/v1/events/vienna/delegations/", body, **token_for(org_staff))
    assert (again.status_code, again.json()["code"]) == (400, "duplicate")


# --- organizers create, change, publish and cancel ---------------------------------------------------------------


def event_body(organizer: str, **extra: Any) -> dict[str, Any]:
    starts = timezone.now() + timedelta(days=60)
    return {
        "slug": "kurultai-2027",
        "title": {"en": "Kurultai of the Kazakh community", "kk": "Құрылтай"},
        "kind": "assembly",
        "organizer": organizer,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=6)).isoformat(),
        "capacity": 150,
        **extra,
    }


def test_organizers_create_a_draft_and_publish_it(client: Client, org_staff: User, organization: Organization) -> None:
    auth = token_for(org_staff)
    created = post(client, "/api/v1/events/", event_body(organization.slug), **auth)
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["display_title"]) == ("draft", "Kurultai of the Kazakh community")
    assert AuditEntry.objects.filter(action="events.event_created").count() == 1
    published = post(client, "/api/v1/events/kurultai-2027/publish/", **auth)
    assert published.json()["status"] == "published"
    changed = client.patch(
        "/api/v1/events/kurultai-2027/", json.dumps({"capacity": 200}), content_type="application/json", headers=auth
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["capacity"] == 200


def test_events_cannot_be_created_for_someone_elses_organization(
    client: Client, other_org_staff: User, organization: Organization
) -> None:
    response = post(client, "/api/v1/events/", event_body(organization.slug), **token_for(other_org_staff))
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_a_compatriot_cannot_create_events(client: Client, compatriot: User, organization: Organization) -> None:
    assert post(client, "/api/v1/events/", event_body(organization.slug), **token_for(compatriot)).status_code == 403


def test_an_organizer_cannot_hand_their_event_to_another_organization(
    client: Client, org_staff: User, vienna: Event
) -> None:
    elsewhere = OrganizationFactory(slug="elsewhere")
    response = client.patch(
        "/api/v1/events/vienna/", json.dumps({"organizer": elsewhere.slug}), content_type="application/json",
        headers=token_for(org_staff),
    )  # fmt: skip
    assert response.status_code == 403
    vienna.refresh_from_db()
    assert vienna.organizer_id != elsewhere.pk


def test_other_organizations_cannot_change_or_cancel_an_event(
    client: Client, other_org_staff: User, vienna: Event
) -> None:
    auth = token_for(other_org_staff)
    response = client.patch(
        "/api/v1/events/vienna/", json.dumps({"capacity": 1}), content_type="application/json", headers=auth
    )
    assert response.status_code == 403
    assert post(client, "/api/v1/events/vienna/cancel/", **auth).status_code == 403
    vienna.refresh_from_db()
    assert (vienna.capacity, vienna.status) == (100, "published")


def test_cancelling_an_event_tells_everyone_registered(
    client: Client, org_staff: User, vienna: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    user, person = signed_up()
    services.registration_create(event=vienna, person=person, acting_user=user, category=vienna.categories.get())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/v1/events/vienna/cancel/", {"reason": "venue closed"}, **token_for(org_staff))
    assert response.json()["status"] == "cancelled"
    assert [message.to for message in mailoutbox] == [[user.email]]


# --- registering through the API ----------------------------------------------------------------------------------


def test_registration_is_confirmed_then_waitlisted_when_full(client: Client) -> None:
    event = EventFactory(capacity=1)
    first = register(client, event, signed_up("first")[0])
    second = register(client, event, signed_up("second")[0])
    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")
    assert len(first.json()["code"]) == 10
    assert Registration.objects.get(code=first.json()["code"]).person.user.username == "first"  # type: ignore[union-attr]


def test_registration_takes_a_category_an_organization_and_answers(client: Client, vienna: Event) -> None:
    user, _person = signed_up()
    question = vienna.questions.get()
    body = {"category": vienna.categories.get().pk, "organization": vienna.organizer.slug, "answers": {question.pk: 2}}
    response = register(client, vienna, user, **body)
    assert response.status_code == 201, response.content
    registration = Registration.objects.get(code=response.json()["code"])
    assert (registration.category.capacity, registration.organization) == (40, vienna.organizer)  # type: ignore[union-attr]
    assert registration.answers == {str(question.pk): 2}


def test_a_second_registration_is_refused_with_a_code_and_changes_nothing(client: Client) -> None:
    event = EventFactory(capacity=5)
    user, _person = signed_up()
    register(client, event, user)
    before = AuditEntry.objects.count()
    response = register(client, event, user)
    assert (response.status_code, response.json()["code"]) == (400, "already_registered")
    assert response.json()["detail"]
    assert Registration.objects.count() == 1
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("event_fields", "code"),
    [
        ({"capacity": 0, "waiting_list": False}, "full"),
        ({"registration_closes_at": timezone.now() - timedelta(days=1)}, "deadline_passed"),
        ({"is_public": False}, "invitation_only"),
        ({"status": "cancelled"}, "not_published"),
    ],
)
def test_refusals_have_their_code_and_register_nobody(client: Client, event_fields: dict[str, Any], code: str) -> None:
    event = EventFactory(**event_fields)
    response = register(client, event, signed_up()[0])
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Registration.objects.exists()


def test_an_invitation_opens_an_invitation_only_event_once(client: Client) -> None:
    event = EventFactory(is_public=False, capacity=5)
    delegation = Delegation.objects.create(event=event, country=country("KZ"))
    invitation = Invitation.objects.create(event=event, delegation=delegation, email="aruzhan@example.org")
    user, _person = signed_up()
    response = register(client, event, user, invitation=invitation.token)
    assert response.status_code == 201, response.content
    assert response.json()["delegation"] == delegation.pk
    other = register(client, event, signed_up("second")[0], invitation=invitation.token)
    assert (other.status_code, other.json()["code"]) == (400, "bad_invitation")
    wrong = register(client, event, signed_up("third")[0], invitation="not-a-token")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "bad_invitation")
    assert Registration.objects.count() == 1


def test_a_category_of_another_event_is_refused(client: Client) -> None:
    event = EventFactory(capacity=5)
    response = register(client, event, signed_up()[0], category=CategoryFactory().pk)
    assert (response.status_code, response.json()["field"]) == (400, "category")
    assert not Registration.objects.exists()


def test_a_bad_answer_names_the_question_and_registers_nobody(client: Client, vienna: Event) -> None:
    question = vienna.questions.get()
    body = {"category": vienna.categories.get().pk, "answers": {question.pk: 7}}
    response = register(client, vienna, signed_up()[0], **body)
    assert (response.status_code, response.json()["field"]) == (400, f"q{question.pk}")
    assert not Registration.objects.exists()


def test_an_account_without_a_record_gets_one_with_consent_when_registering(client: Client) -> None:
    user = UserFactory(username="newcomer")
    response = register(client, EventFactory(capacity=5), user)
    assert response.status_code == 201, response.content
    person = Person.objects.get(user=user)
    assert person.email == user.email
    assert Consent.objects.filter(person=person, purpose="registry", withdrawn_at__isnull=True).exists()


def test_a_refused_registration_leaves_no_new_record_behind(client: Client) -> None:
    user = UserFactory(username="newcomer")
    response = register(client, EventFactory(is_public=False), user)
    assert response.status_code == 400
    assert not Person.objects.filter(user=user).exists()


def test_visitors_must_sign_in_to_register(client: Client) -> None:
    event = EventFactory()
    response = post(client, f"/api/v1/events/{event.slug}/registrations/")
    assert response.status_code == 401
    assert not Registration.objects.exists()


def test_staff_register_a_person_on_their_behalf(client: Client, org_staff: User, organization: Organization) -> None:
    event = EventFactory(organizer=organization, registration_closes_at=timezone.now() - timedelta(days=1))
    person = PersonFactory(display_name="Daniyar Kadyrov", registered_by=organization)
    response = register(client, event, org_staff, person=person.pk)
    assert response.status_code == 201, response.content
    assert (response.json()["person"], response.json()["on_behalf"]) == (person.pk, True)
    assert Registration.objects.get().registered_by == org_staff


def test_a_compatriot_cannot_register_someone_else(client: Client) -> None:
    event = EventFactory()
    other = PersonFactory()
    response = register(client, event, signed_up()[0], person=other.pk)
    assert response.status_code == 400  # as for an id that does not exist: a compatriot may name only themself
    assert not Registration.objects.exists()


# --- organizers' list, export and check-in ----------------------------------------------------------------------


@pytest.fixture
def registered(vienna: Event) -> list[Registration]:
    category = vienna.categories.get()
    question = vienna.questions.get()
    result = []
    for number, name in enumerate(["Aigerim Test", "=HYPERLINK(evil)", "Nurlan Test"]):
        user, person = signed_up(f"p{number}")
        person.display_name = name
        person.save(update_fields=["display_name"])
        result.append(
            services.registration_create(
                event=vienna, person=person, acting_user=user, category=category, answers={str(question.pk): 1}
            )
        )
    return result


def test_organizers_list_registrations_filtered_by_status_and_it_is_audited(
    client: Client, org_staff: User, registered: list[Registration]
) -> None:
    services.registration_cancel(registration=registered[2], acting_user=registered[2].person.user)
    body = client.get("/api/v1/events/vienna/registrations/?status=confirmed", headers=token_for(org_staff)).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert {row["status"] for row in body["results"]} == {"confirmed"}
    entry = AuditEntry.objects.get(action="events.registrations_listed")
    assert (entry.actor, entry.data["count"]) == (org_staff, 2)


def test_another_organizations_staff_cannot_list_registrations(
    client: Client, other_org_staff: User, compatriot: User, registered: list[Registration]
) -> None:
    path = "/api/v1/events/vienna/registrations/"
    assert client.get(path, headers=token_for(other_org_staff)).status_code == 403
    assert client.get(path, headers=token_for(compatriot)).status_code == 403
    assert client.get(f"{path}?format=csv", headers=token_for(other_org_staff)).status_code == 403
    assert client.get(path).status_code == 401
    assert not AuditEntry.objects.filter(action__startswith="events.registrations_").exists()


def test_registrations_export_as_csv_neutralizes_formulas_and_is_audited(
    client: Client, org_staff: User, registered: list[Registration]
) -> None:
    response = client.get("/api/v1/events/vienna/registrations/?format=csv", headers=token_for(org_staff))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0].startswith("Code,Name,E-mail")
    assert lines[0].endswith("Dietary needs")
    assert len(lines) == 4
    assert "'=HYPERLINK(evil)" in text
    assert "Vegetarian" in text
    entry = AuditEntry.objects.get(action="events.registrations_exported")
    assert (entry.data["format"], entry.data["count"]) == ("csv", 3)


def test_registrations_export_as_xlsx(client: Client, org_staff: User, registered: list[Registration]) -> None:
    response = client.get("/api/v1/events/vienna/registrations/?export=xlsx", headers=token_for(org_staff))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:2] == ("Code", "Name")
    assert len(rows) == 4


def test_check_in_through_the_api(client: Client, org_staff: User, registered: list[Registration]) -> None:
    auth = token_for(org_staff)
    code = registered[0].code.lower()
    first = post(client, "/api/v1/events/vienna/check-in/", {"code": code}, **auth)
    assert first.status_code == 200, first.content
    assert (first.json()["ok"], first.json()["name"]) == (True, "Aigerim Test")
    assert first.json()["checked_in_at"]
    again = post(client, "/api/v1/events/vienna/check-in/", {"code": code}, **auth)
    assert (again.status_code, again.json()["code"]) == (400, "already_checked_in")
    unknown = post(client, "/api/v1/events/vienna/check-in/", {"code": "NOPE2345"}, **auth)
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_code")


def test_check_in_refuses_a_registration_that_is_not_confirmed(
    client: Client, org_staff: User, registered: list[Registration]
) -> None:
    services.registration_cancel(registration=registered[1], acting_user=org_staff)
    response = post(client, "/api/v1/events/vienna/check-in/", {"code": registered[1].code}, **token_for(org_staff))
    assert (response.status_code, response.json()["code"]) == (400, "not_confirmed")


def test_only_organizers_check_people_in(client: Client, other_org_staff: User, registered: list[Registration]) -> None:
    response = post(
        client, "/api/v1/events/vienna/check-in/", {"code": registered[0].code}, **token_for(other_org_staff)
    )
    assert response.status_code == 403
    registered[0].refresh_from_db()
    assert registered[0].checked_in_at is None


# --- a person's own registrations ----------------------------------------------------------------------------------


def test_people_list_see_and_cancel_their_own_registrations(client: Client) -> None:
    event = EventFactory(capacity=1)
    user, _person = signed_up("first")
    waiting_user, _ = signed_up("second")
    code = register(client, event, user).json()["code"]
    waiting = register(client, event, waiting_user).json()["code"]
    mine = client.get("/api/v1/registrations/", headers=token_for(user)).json()
    assert [row["code"] for row in mine["results"]] == [code]
    assert client.get(f"/api/v1/registrations/{code}/", headers=token_for(user)).json()["status"] == "confirmed"
    assert client.get(f"/api/v1/registrations/{code}/", headers=token_for(waiting_user)).status_code == 404
    cancelled = post(client, f"/api/v1/registrations/{code}/cancel/", **token_for(user))
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(code=waiting).status == RegistrationStatus.CONFIRMED


def test_organizers_approve_and_decline_and_people_cannot_approve_themselves(
    client: Client, org_staff: User, organization: Organization
) -> None:
    event = EventFactory(organizer=organization, requires_approval=True, capacity=5)
    user, _ = signed_up("first")
    other, _ = signed_up("second")
    code = register(client, event, user).json()["code"]
    declined = register(client, event, other).json()["code"]
    assert Registration.objects.get(code=code).status == RegistrationStatus.PENDING
    assert post(client, f"/api/v1/registrations/{code}/approve/", **token_for(user)).status_code == 403
    approved = post(client, f"/api/v1/registrations/{code}/approve/", **token_for(org_staff))
    assert approved.json()["status"] == "confirmed"
    assert post(client, f"/api/v1/registrations/{declined}/decline/", **token_for(org_staff)).json()["status"] == (
        "declined"
    )
    again = post(client, f"/api/v1/registrations/{code}/decline/", **token_for(org_staff))
    assert (again.status_code, again.json()["code"]) == (400, "not_pending")


def test_an_event_dated_centuries_ago_is_refused_with_a_message_and_nothing_changes() -> None:
    """Before 1900 a zone's offset is local mean time (+03:19:24 in Baku), which no API date or calendar takes."""
    event = EventFactory(time_zone="Asia/Baku")
    before = event.starts_at
    with pytest.raises(DomainError, match="between 1900 and 2200"):
        services.event_update(event=event, acting_user=None, starts_at=datetime(275, 4, 5, 7, 33, tzinfo=UTC))
    event.refresh_from_db()
    assert event.starts_at == before
