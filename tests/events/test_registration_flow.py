"""Registering through the pages: the form built from the event's questions, waiting list, approval, invitations,
"my registrations", the registration page with its QR code, and cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.events.models import Registration, RegistrationFile, RegistrationStatus
from tamyr.registry.models import Consent, Organization, Person
from tests.events.factories import (
    CategoryFactory,
    EventFactory,
    InvitationFactory,
    QuestionFactory,
    RegistrationFactory,
)
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def register_url(event: Any, **query: str) -> str:
    url = reverse("events:event_register", kwargs={"slug": event.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def compatriot_with_record() -> tuple[User, Person]:
    user = UserFactory()
    return user, PersonFactory(user=user, email=user.email)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def form_with_every_kind_of_question() -> tuple[Any, dict[str, Any]]:
    event = EventFactory(capacity=10)
    questions = {
        "text": QuestionFactory(event=event, kind="text", label={"en": "Field of research"}, required=True),
        "single": QuestionFactory(
            event=event, kind="single", required=True, choices=[{"en": "History"}, {"en": "IT"}, {"en": "Medicine"}]
        ),
        "multiple": QuestionFactory(event=event, kind="multiple", choices=[{"en": "Lunch"}, {"en": "Dinner"}]),
        "yes_no": QuestionFactory(event=event, kind="yes_no", label={"en": "Visa letter?"}, required=True),
        "file": QuestionFactory(event=event, kind="file", label={"en": "CV"}),
    }
    return event, questions


def valid_answers(questions: dict[str, Any]) -> dict[str, Any]:
    return {
        f"q{questions['text'].pk}": "History of the Kazakh diaspora",
        f"q{questions['single'].pk}": "1",
        f"q{questions['multiple'].pk}": ["0", "1"],
        f"q{questions['yes_no'].pk}": "no",
        f"q{questions['file'].pk}": SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv", content_type="application/pdf"),
    }


# --- the form ---------------------------------------------------------------------------------------------------


def test_form_has_a_field_per_question_of_each_kind(client: Client) -> None:
    event, questions = form_with_every_kind_of_question()
    client.force_login(compatriot_with_record()[0])
    content = client.get(register_url(event)).content.decode()
    assert f'name="q{questions["text"].pk}"' in content and "<textarea" in content
    assert f'type="radio" name="q{questions["single"].pk}"' in content
    assert f'type="checkbox" name="q{questions["multiple"].pk}"' in content
    assert f'type="radio" name="q{questions["yes_no"].pk}" value="yes"' in content
    assert f'type="file" name="q{questions["file"].pk}"' in content
    assert 'enctype="multipart/form-data"' in content


def test_registering_with_every_kind_of_answer(client: Client) -> None:
    event, questions = form_with_every_kind_of_question()
    user, person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), valid_answers(questions), follow=True)
    registration = Registration.objects.get(event=event, person=person)
    assert response.redirect_chain[-1][0] == registration.get_absolute_url()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.answers == {
        str(questions["text"].pk): "History of the Kazakh diaspora",
        str(questions["single"].pk): 1,
        str(questions["multiple"].pk): [0, 1],
        str(questions["yes_no"].pk): False,
        str(questions["file"].pk): "cv.pdf",
    }
    assert RegistrationFile.objects.filter(registration=registration, question=questions["file"]).exists()
    assert any("You are registered" in message for message in messages_of(response))


def test_missing_answers_are_shown_and_nothing_is_saved(client: Client) -> None:
    event, questions = form_with_every_kind_of_question()
    user = UserFactory(name="Aigerim Test")  # no record in the registry yet (a name, so the form asks for no name)
    client.force_login(user)
    response = client.post(register_url(event), {f"q{questions['single'].pk}": "7"})
    form = response.context["form"]
    assert set(form.errors) == {f"q{questions['text'].pk}", f"q{questions['single'].pk}", f"q{questions['yes_no'].pk}"}
    assert not Registration.objects.filter(event=event).exists()
    assert not Person.objects.filter(user=user).exists()


def test_a_service_error_lands_on_its_field_and_nothing_is_saved(client: Client) -> None:
    """The service refuses a file over 10 MB; the record made for a first-time registrant goes too."""
    event, questions = form_with_every_kind_of_question()
    user = UserFactory()
    client.force_login(user)
    answers = valid_answers(questions)
    answers[f"q{questions['file'].pk}"] = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(register_url(event), answers)
    assert "larger than 10 MB" in str(response.context["form"].errors[f"q{questions['file'].pk}"])
    assert not Registration.objects.filter(event=event).exists()
    assert not Person.objects.filter(user=user).exists()


def test_first_registration_creates_the_persons_record_with_consent(client: Client) -> None:
    event = EventFactory()
    user = UserFactory(first_name="Aruzhan", last_name="Serikkyzy")
    client.force_login(user)
    assert "you consent to being kept" in client.get(register_url(event)).content.decode()
    client.post(register_url(event), {})
    person = Person.objects.get(user=user)
    assert person.display_name == "Aruzhan Serikkyzy"
    assert person.email == user.email
    assert Consent.objects.filter(person=person, purpose="registry", method="web_form").exists()
    assert Registration.objects.filter(event=event, person=person).exists()


def test_registration_is_in_the_language_of_the_interface(client: Client) -> None:
    event = EventFactory()
    user, person = compatriot_with_record()
    client.force_login(user)
    client.post(register_url(event), {}, headers={"Accept-Language": "kk"})
    assert Registration.objects.get(event=event, person=person).language == "kk"


def test_category_and_organization_are_kept(client: Client) -> None:
    event = EventFactory(capacity=100)
    scholars = CategoryFactory(event=event, capacity=40)
    otandastar = OrganizationFactory()
    user, person = compatriot_with_record()
    client.force_login(user)
    client.post(register_url(event), {"category": str(scholars.pk), "organization": str(otandastar.pk)})
    registration = Registration.objects.get(event=event, person=person)
    assert (registration.category, registration.organization) == (scholars, otandastar)


def test_a_category_must_be_chosen_when_the_event_has_them(client: Client) -> None:
    event = EventFactory()
    CategoryFactory(event=event)
    user, _person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), {})
    assert "category" in response.context["form"].errors
    assert not Registration.objects.filter(event=event).exists()


def test_full_event_puts_the_person_on_the_waiting_list(client: Client) -> None:
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    user, person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), {}, follow=True)
    assert Registration.objects.get(event=event, person=person).status == RegistrationStatus.WAITLISTED
    assert any("waiting list" in message for message in messages_of(response))


def test_event_needing_approval_says_the_registration_awaits_it(client: Client) -> None:
    event = EventFactory(requires_approval=True)
    user, person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), {}, follow=True)
    assert Registration.objects.get(event=event, person=person).status == RegistrationStatus.PENDING
    assert any("awaiting the organizers' approval" in message for message in messages_of(response))


def test_already_registered_person_is_sent_to_their_registration(client: Client) -> None:
    event = EventFactory()
    user, person = compatriot_with_record()
    registration = RegistrationFactory(event=event, person=person)
    client.force_login(user)
    response = client.get(register_url(event))
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()


def test_registration_after_the_deadline_is_refused_with_the_reason(client: Client) -> None:
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(days=1))
    user, _person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), {})
    assert "The registration deadline has passed." in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_visitors_are_sent_to_log_in(client: Client) -> None:
    event = EventFactory()
    response = client.get(register_url(event))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- invitations ------------------------------------------------------------------------------------------------


def test_invitation_only_event_refuses_registration_without_a_token(client: Client) -> None:
    event = EventFactory(is_public=False)
    user, _person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(event), {})
    assert "by invitation only" in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_invitation_only_event_refuses_a_wrong_token(client: Client) -> None:
    invitation = InvitationFactory()
    user, _person = compatriot_with_record()
    client.force_login(user)
    response = client.post(register_url(invitation.event, invitation="not-the-token"), {})
    assert "This invitation link is not valid" in response.content.decode()
    assert not Registration.objects.filter(event=invitation.event).exists()


def test_invitation_only_event_registers_with_the_invitations_token(client: Client) -> None:
    invitation = InvitationFactory()
    user, person = compatriot_with_record()
    client.force_login(user)
    client.post(register_url(invitation.event, invitation=invitation.token), {})
    assert Registration.objects.get(event=invitation.event, person=person).status == RegistrationStatus.CONFIRMED
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_invitation_page_leads_to_the_form_with_the_token(client: Client) -> None:
    invitation = InvitationFactory()
    client.force_login(compatriot_with_record()[0])
    response = client.get(reverse("events:invitation_accept", kwargs={"token": invitation.token}))
    assert register_url(invitation.event, invitation=invitation.token) in response.content.decode()


def test_unknown_invitation_is_404(client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("events:invitation_accept", kwargs={"token": "nope"})).status_code == 404


# --- my registrations and the registration page ----------------------------------------------------------------------


def test_my_registrations_lists_upcoming_then_past(client: Client) -> None:
    user, person = compatriot_with_record()
    past = EventFactory(starts_at=timezone.now() - timedelta(days=40), ends_at=timezone.now() - timedelta(days=39))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=60))
    sooner = EventFactory(starts_at=timezone.now() + timedelta(days=5))
    for event in (past, later, sooner):
        RegistrationFactory(event=event, person=person)
    client.force_login(user)
    response = client.get(reverse("events:my_registrations"))
    assert [r.event for r in response.context["upcoming"]] == [sooner, later]
    assert [r.event for r in response.context["past"]] == [past]


def test_my_registrations_without_any(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("events:my_registrations"))
    assert "You have not registered for any event yet." in response.content.decode()
    assert reverse("events:event_list") in response.content.decode()


def test_registration_page_shows_the_qr_code_and_the_code(client: Client) -> None:
    user, person = compatriot_with_record()
    registration = RegistrationFactory(person=person)
    client.force_login(user)
    content = client.get(registration.get_absolute_url()).content.decode()
    assert 'src="data:image/png;base64,' in content
    assert registration.code in content
    assert reverse("events:registration_cancel", kwargs={"code": registration.code}) in content


def test_registration_page_is_404_for_another_user(client: Client) -> None:
    registration = RegistrationFactory()
    client.force_login(UserFactory())
    assert client.get(registration.get_absolute_url()).status_code == 404
    assert client.get("/events/registrations/NOSUCHCODE/").status_code == 404


def test_registration_page_is_open_to_the_organizers(
    client: Client, org_staff: User, organization: Organization
) -> None:
    registration = RegistrationFactory(event=EventFactory(organizer=organization))
    client.force_login(org_staff)
    assert client.get(registration.get_absolute_url()).status_code == 200


def test_cancelling_through_the_page_promotes_the_first_waiting(client: Client) -> None:
    event = EventFactory(capacity=1)
    user, person = compatriot_with_record()
    client.force_login(user)
    client.post(register_url(event), {})
    mine = Registration.objects.get(event=event, person=person)
    waiting = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, confirmed_at=None, waitlisted_at=timezone.now()
    )
    response = client.post(reverse("events:registration_cancel", kwargs={"code": mine.code}), follow=True)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert any("is cancelled" in message for message in messages_of(response))


def test_cancelling_needs_a_post(client: Client) -> None:
    user, person = compatriot_with_record()
    registration = RegistrationFactory(person=person)
    client.force_login(user)
    assert client.get(reverse("events:registration_cancel", kwargs={"code": registration.code})).status_code == 405


def test_another_user_cannot_cancel(client: Client) -> None:
    registration = RegistrationFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("events:registration_cancel", kwargs={"code": registration.code}))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
