"""Segment rules, each one behaviour: who a rule names, and who of them may be written to."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tamyr.content.models import Campaign, Segment
from tamyr.content.segments import SegmentError, clean_rules, recipients, recipients_with_language, segment_people
from tamyr.registry.models import SpokenLanguage
from tests.calls.factories import ApplicationFactory, CallFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import (
    AffiliationFactory,
    ConsentFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    country,
)
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def ids(queryset) -> set[int]:  # type: ignore[no-untyped-def]
    return set(queryset.values_list("pk", flat=True))


def consenting(**values):  # type: ignore[no-untyped-def]
    values.setdefault("email", "a@example.org")
    person = PersonFactory(**values)
    ConsentFactory(person=person, purpose="contact")
    return person


def test_countries_rule_names_residents_of_those_countries() -> None:
    in_hu = PersonFactory(residence_country=country("HU"))
    PersonFactory(residence_country=country("TR"))
    assert ids(segment_people({"countries": ["HU"]})) == {in_hu.pk}


def test_events_rule_names_registered_people_not_cancelled_ones() -> None:
    event = EventFactory()
    registered = RegistrationFactory(event=event).person
    RegistrationFactory(event=event, status="cancelled")
    assert ids(segment_people({"events": [event.slug]})) == {registered.pk}


def test_courses_rule_names_enrolled_learners_not_withdrawn_ones() -> None:
    enrolled = EnrollmentFactory()
    EnrollmentFactory(group=enrolled.group, status="withdrawn")
    assert ids(segment_people({"courses": [enrolled.group.course.slug]})) == {enrolled.person_id}


def test_calls_rule_names_applicants_who_submitted() -> None:
    call = CallFactory()
    submitted = ApplicationFactory(call=call, status="submitted").person
    ApplicationFactory(call=call, status="draft")
    assert ids(segment_people({"calls": [call.slug]})) == {submitted.pk}


def test_organizations_rule_names_affiliated_people() -> None:
    affiliation = AffiliationFactory()
    PersonFactory()
    assert ids(segment_people({"organizations": [affiliation.organization.slug]})) == {affiliation.person_id}


def test_organizations_rule_names_participants_learners_and_applicants_of_its_activities() -> None:
    org = OrganizationFactory()
    participant = RegistrationFactory(event=EventFactory(organizer=org)).person
    learner = EnrollmentFactory(group__course__provider=org).person
    applicant = ApplicationFactory(call=CallFactory(organization=org), status="submitted").person
    assert ids(segment_people({"organizations": [org.slug]})) == {participant.pk, learner.pk, applicant.pk}


def test_networks_rule_names_people_of_member_organizations_and_their_events() -> None:
    membership = NetworkMembershipFactory()
    affiliated = AffiliationFactory(organization=membership.organization).person
    participant = RegistrationFactory(event=EventFactory(organizer=membership.organization)).person
    AffiliationFactory()  # of an organization outside the network
    assert ids(segment_people({"networks": [membership.network.slug]})) == {affiliated.pk, participant.pk}


def test_languages_rule_uses_the_accounts_preferred_language_first() -> None:
    prefers_kk = PersonFactory(user=UserFactory(preferred_language="kk"))
    prefers_ru = PersonFactory(user=UserFactory(preferred_language="ru"))
    SpokenLanguage.objects.create(person=prefers_ru, language="kk")
    assert ids(segment_people({"languages": ["kk"]})) == {prefers_kk.pk}


def test_languages_rule_uses_spoken_languages_without_a_preference() -> None:
    speaker = PersonFactory()
    SpokenLanguage.objects.create(person=speaker, language="hu")
    PersonFactory()
    assert ids(segment_people({"languages": ["hu"]})) == {speaker.pk}


def test_rules_of_two_keys_narrow_each_other() -> None:
    event = EventFactory()
    both = RegistrationFactory(event=event, person__residence_country=country("HU")).person
    RegistrationFactory(event=event, person__residence_country=country("TR"))
    assert ids(segment_people({"events": [event.slug], "countries": ["HU"]})) == {both.pk}


def test_a_person_matching_twice_is_named_once() -> None:
    org = OrganizationFactory()
    person = AffiliationFactory(organization=org).person
    RegistrationFactory(person=person, event=EventFactory(organizer=org))
    assert segment_people({"organizations": [org.slug]}).count() == 1


def test_erased_and_merged_people_are_left_out() -> None:
    kept = PersonFactory()
    PersonFactory(erased_at=timezone.now())
    PersonFactory(merged_into=kept)
    assert ids(segment_people({})) == {kept.pk}


def test_recipients_need_an_active_contact_consent() -> None:
    consented = consenting()
    withdrawn = PersonFactory(email="w@example.org")
    ConsentFactory(person=withdrawn, purpose="contact", withdrawn_at=timezone.now())
    other_purpose = PersonFactory(email="o@example.org")
    ConsentFactory(person=other_purpose, purpose="registry")
    assert ids(recipients({})) == {consented.pk}


def test_recipients_need_an_email_address() -> None:
    consenting(email="")
    assert recipients({}).count() == 0


def test_recipients_leave_out_erased_people_even_with_consent() -> None:
    consenting(erased_at=timezone.now())
    assert recipients({}).count() == 0


def test_recipients_are_counted_in_one_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    event = EventFactory()
    for _ in range(3):
        ConsentFactory(person=RegistrationFactory(event=event, person__email="x@example.org").person, purpose="contact")
    segment = Segment(organization=event.organizer, name="s", rules={"events": [event.slug], "languages": ["kk", "en"]})
    with django_assert_num_queries(1):
        recipients(segment).count()


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(SegmentError):
        clean_rules({"religion": ["x"]})


def test_rule_naming_a_missing_event_is_refused() -> None:
    with pytest.raises(SegmentError):
        clean_rules({"events": ["no-such-event"]})


def _campaign(subject: dict[str, str], fallback: str = "en") -> Campaign:
    org = OrganizationFactory()
    segment = Segment.objects.create(organization=org, name="all", rules={})
    return Campaign.objects.create(
        organization=org, segment=segment, name="c", subject=subject, fallback_language=fallback
    )


def test_mail_language_is_the_preferred_one_when_the_campaign_has_it() -> None:
    person = consenting(user=UserFactory(preferred_language="kk"))
    campaign = _campaign({"kk": "Сәлем", "en": "Hello"})
    assert recipients_with_language(campaign).get(pk=person.pk).mail_language == "kk"


def test_mail_language_falls_back_when_the_campaign_lacks_the_preferred_one() -> None:
    person = consenting(user=UserFactory(preferred_language="hu"))
    campaign = _campaign({"ru": "Привет", "en": "Hello"}, fallback="ru")
    assert recipients_with_language(campaign).get(pk=person.pk).mail_language == "ru"


def test_mail_language_uses_the_best_spoken_language_without_an_account() -> None:
    person = consenting()
    SpokenLanguage.objects.create(person=person, language="kk", level="B1")
    SpokenLanguage.objects.create(person=person, language="ru", level="native")
    campaign = _campaign({"kk": "Сәлем", "ru": "Привет", "en": "Hello"})
    assert recipients_with_language(campaign).get(pk=person.pk).mail_language == "ru"
