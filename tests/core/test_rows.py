"""Plain-SQL row reads and inserts (`tamyr.core.rows`) build what the ORM builds, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tamyr.core import rows
from tamyr.core.models import AuditEntry
from tamyr.events.models import Event, Registration, RegistrationStatus
from tests.events.factories import EventFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def field_values(instance: object) -> dict[str, object]:
    fields = type(instance)._meta.concrete_fields  # type: ignore[attr-defined]
    return {field.attname: getattr(instance, field.attname) for field in fields}


def test_a_loaded_row_equals_the_orm_instance_field_by_field() -> None:
    event = EventFactory(
        title={"kk": "Ғалымдар форумы", "en": "Scholars forum"},
        registration_closes_at=timezone.now() + timedelta(days=3),
        requires_approval=True,
        capacity=None,
    )
    loaded = rows.load(Event, "slug = %s", [event.slug])
    assert loaded is not None
    assert field_values(loaded) == field_values(Event.objects.get(pk=event.pk))
    assert timezone.is_aware(loaded.starts_at) and loaded.title["kk"] == "Ғалымдар форумы"


def test_loading_a_missing_row_gives_none() -> None:
    assert rows.load(Event, "slug = %s", ["no-such-event"]) is None


def test_a_loaded_instance_saves_like_any_other() -> None:
    event = EventFactory(capacity=5)
    loaded = rows.load(Event, "id = %s", [event.pk], lock="update")
    assert loaded is not None and loaded._state.adding is False
    loaded.capacity = 7
    loaded.save(update_fields=["capacity"])
    event.refresh_from_db()
    assert event.capacity == 7


def test_an_insert_applies_defaults_and_timestamps_and_sets_the_key() -> None:
    event, person = EventFactory(), PersonFactory()
    before = timezone.now()
    registration = Registration(event=event, person=person, status=RegistrationStatus.CONFIRMED, answers={"1": "да"})
    rows.insert(registration)
    assert registration.pk is not None and registration._state.adding is False
    stored = Registration.objects.get(pk=registration.pk)
    assert stored.code == registration.code and len(stored.code) >= 8
    assert stored.created_at >= before and stored.answers == {"1": "да"}
    assert field_values(stored) == field_values(registration)


def test_inserted_audit_entries_read_back_through_the_orm() -> None:
    user = UserFactory()
    rows.insert(AuditEntry(actor=user, actor_label=user.username, action="test.done", data={"n": 1}))
    entry = AuditEntry.objects.get(action="test.done")
    assert (entry.actor, entry.data) == (user, {"n": 1})
    assert entry.at is not None


def test_a_token_signs_in_its_user_through_the_api(client: Client) -> None:
    user = UserFactory()
    person = PersonFactory(user=user)
    token = Token.objects.create(user=user)
    event = EventFactory(capacity=3)
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations/",
        {},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201
    assert Registration.objects.get(event=event).person == person


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_a_bad_token_is_refused_with_drf_s_message(client: Client, case: str) -> None:
    user = UserFactory(is_active=case != "inactive")
    key = Token.objects.create(user=user).key if case == "inactive" else "0" * 40
    response = client.get("/api/v1/events/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 401
    expected = "Invalid token." if case == "unknown" else "User inactive or deleted."
    assert response.json()["detail"] == expected


def test_the_lock_is_taken_on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE instead")
    event = EventFactory()
    with CaptureQueriesContext(connection) as captured:
        rows.load(Event, "id = %s", [event.pk], lock="update")
    assert captured.captured_queries[-1]["sql"].endswith("FOR UPDATE")


def test_the_no_key_lock_lets_foreign_key_checks_through_on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE instead")
    event = EventFactory()
    with CaptureQueriesContext(connection) as captured:
        rows.load(Event, "id = %s", [event.pk], lock="no key update")
    assert captured.captured_queries[-1]["sql"].endswith("FOR NO KEY UPDATE")


def test_a_row_read_beside_another_table_builds_the_same_instance() -> None:
    event = EventFactory(title={"kk": "Құрылтай", "en": "Kurultai"})
    columns, width = rows.columns(Event)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, 1 FROM {Event._meta.db_table} WHERE id = %s", [event.pk])
        row = cursor.fetchone()
    assert field_values(rows.build(Event, row[:width])) == field_values(Event.objects.get(pk=event.pk))
