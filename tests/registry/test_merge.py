"""Merging two records of one person, and undoing it (`tamyr.registry.merge`).

Registrations and enrollments belong to the events and learning apps; the registry moves them without importing
either (it finds every foreign key to Person), which these tests check with those apps' own factories.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from tamyr.accounts.models import User
from tamyr.core.errors import DomainError
from tamyr.core.models import AuditEntry
from tamyr.events.models import Registration, RegistrationStatus
from tamyr.learning.models import Certificate, Enrollment, EnrollmentStatus
from tamyr.registry import selectors
from tamyr.registry.merge import person_merge, person_merge_undo, person_relations
from tamyr.registry.models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    DuplicateStatus,
    NameVariant,
    Organization,
    Person,
    PersonMerge,
    SpokenLanguage,
)
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import AffiliationFactory, ConsentFactory, OrganizationFactory, PersonFactory, country
from tests.learning.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep(organization: Organization) -> Person:
    person = PersonFactory(display_name="Қасым Тоқаев", registered_by=organization, email="", birth_year=None)
    person.citizenships.add(country("KZ"))
    SpokenLanguage.objects.create(person=person, language="kk", level="native")
    return person


@pytest.fixture
def merge(organization: Organization) -> Person:
    other_org = OrganizationFactory(slug="course-provider")
    person = PersonFactory(
        display_name="Kassym Tokayev",
        registered_by=other_org,
        variants=["Kasım Tokayev"],
        email="kt@example.org",
        birth_year=1953,
    )
    person.citizenships.add(country("KZ"), country("TR"))
    SpokenLanguage.objects.create(person=person, language="kk", level="C1")
    SpokenLanguage.objects.create(person=person, language="tr", level="B2")
    AffiliationFactory(person=person, organization=organization, role="alumnus")
    ConsentFactory(person=person, purpose="contact")
    return person


def enroll(person: Person, group: Any, status: str = EnrollmentStatus.ACTIVE) -> Enrollment:
    return Enrollment.objects.create(person=person, group=group, status=status)


def belongings(person: Person) -> dict[str, set[int]]:
    """Every row in any app that points at the person, by model (what a merge must move and undo put back)."""
    found: dict[str, set[int]] = {}
    for model, field in person_relations():
        pks = set(model._default_manager.filter(**{field.attname: person.pk}).values_list("pk", flat=True))
        if pks:
            found.setdefault(model._meta.label_lower, set()).update(pks)
    return found


def test_merge_moves_names_affiliations_consents_languages_and_citizenships(
    keep: Person, merge: Person, org_admin: User
) -> None:
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    texts = set(NameVariant.objects.filter(person=keep).values_list("text", flat=True))
    assert texts == {"Қасым Тоқаев", "Kassym Tokayev", "Kasım Tokayev"}
    assert Affiliation.objects.filter(person=keep, role="alumnus").exists()
    assert Consent.objects.filter(person=keep, purpose="contact").exists()
    assert set(keep.languages.values_list("language", flat=True)) == {"kk", "tr"}
    assert set(keep.citizenships.values_list("code", flat=True)) == {"KZ", "TR"}
    assert belongings(merge) == {}


def test_merge_keeps_the_kept_record_as_it_was_where_both_have_a_value(
    keep: Person, merge: Person, org_admin: User
) -> None:
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    keep.refresh_from_db()
    assert keep.display_name == "Қасым Тоқаев"
    assert (keep.email, keep.birth_year) == ("kt@example.org", 1953)  # blanks filled from the other record
    assert keep.languages.get(language="kk").level == "native"  # the kept record's level wins the tie


def test_the_merged_record_is_hidden_and_points_at_the_kept_one(keep: Person, merge: Person, org_admin: User) -> None:
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    merge.refresh_from_db()
    assert merge.merged_into == keep
    visible = selectors.people_visible_to(org_admin)
    assert keep in visible and merge not in visible


def test_the_merged_records_organization_still_sees_the_person(keep: Person, merge: Person, org_admin: User) -> None:
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    assert keep.affiliations.filter(organization=merge.registered_by).exists()


def test_merge_moves_registrations_enrollments_and_certificates(keep: Person, merge: Person, org_admin: User) -> None:
    registration = RegistrationFactory(person=merge)
    enrollment = enroll(merge, GroupFactory())
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        person=merge,
        course=enrollment.group.course,
        issuer=enrollment.group.course.provider,
        holder_name=merge.display_name,
        issued_at=timezone.now(),
    )
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    registration.refresh_from_db()
    enrollment.refresh_from_db()
    certificate.refresh_from_db()
    assert registration.person == enrollment.person == certificate.person == keep


def test_both_registered_for_one_event_the_better_registration_stays(
    keep: Person, merge: Person, org_admin: User
) -> None:
    event = EventFactory()
    waitlisted = RegistrationFactory(event=event, person=keep, status=RegistrationStatus.WAITLISTED)
    confirmed = RegistrationFactory(event=event, person=merge, status=RegistrationStatus.CONFIRMED)
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    assert list(Registration.objects.filter(event=event).values_list("pk", "person", "status")) == [
        (confirmed.pk, keep.pk, RegistrationStatus.CONFIRMED)
    ]
    [dropped] = [item for item in record.dropped if item["rows"][0]["model"] == "events.registration"]
    assert dropped["owner"] == keep.pk and dropped["rows"][0]["pk"] == waitlisted.pk


def test_undo_restores_both_people_exactly(keep: Person, merge: Person, org_admin: User) -> None:
    event = EventFactory()
    RegistrationFactory(event=event, person=keep, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, person=merge, status=RegistrationStatus.CONFIRMED)
    RegistrationFactory(person=merge)
    enroll(merge, GroupFactory())
    group = GroupFactory()
    enroll(keep, group, EnrollmentStatus.COMPLETED)
    enroll(merge, group, EnrollmentStatus.WITHDRAWN)
    before = (belongings(keep), belongings(merge))
    fields = [(p.pk, p.email, p.birth_year, p.user_id) for p in (keep, merge)]
    statuses = dict(Registration.objects.values_list("pk", "status"))

    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    assert belongings(merge) == {}
    person_merge_undo(merge_record=record, acting_user=org_admin)

    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (belongings(keep), belongings(merge)) == before
    assert [(p.pk, p.email, p.birth_year, p.user_id) for p in (keep, merge)] == fields
    assert dict(Registration.objects.values_list("pk", "status")) == statuses
    assert merge.merged_into is None
    record.refresh_from_db()
    assert record.undone_by == org_admin


def test_a_merge_cannot_be_undone_twice(keep: Person, merge: Person, org_admin: User) -> None:
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    person_merge_undo(merge_record=record, acting_user=org_admin)
    with pytest.raises(DomainError):
        person_merge_undo(merge_record=record, acting_user=org_admin)


def test_a_login_moves_to_the_kept_record_and_back(keep: Person, merge: Person, org_admin: User) -> None:
    login = User.objects.create_user("tokayev", "kt@example.org", "a-long-password-1")
    merge.user = login
    merge.save(update_fields=["user"])
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    assert selectors.person_of_user(login) == keep
    keep.refresh_from_db()
    assert keep.user == login
    person_merge_undo(merge_record=record, acting_user=org_admin)
    assert selectors.person_of_user(login) == merge


def test_merge_and_undo_are_audited_on_both_records(keep: Person, merge: Person, org_admin: User) -> None:
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    person_merge_undo(merge_record=record, acting_user=org_admin)
    actions = set(
        AuditEntry.objects.filter(target_id__in=[str(keep.pk), str(merge.pk)]).values_list("target_id", "action")
    )
    assert {
        (str(keep.pk), "registry.person_merged"),
        (str(merge.pk), "registry.person_merged_away"),
        (str(keep.pk), "registry.person_merge_undone"),
        (str(merge.pk), "registry.person_merge_undone"),
    } <= actions


def test_merging_closes_the_pair_in_the_review_queue(keep: Person, merge: Person, org_admin: User) -> None:
    a, b = sorted((keep, merge), key=lambda p: p.pk)
    pair = DuplicateCandidate.objects.create(person_a=a, person_b=b, score=0.99, reasons={})
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED and record.candidate == pair
    person_merge_undo(merge_record=record, acting_user=org_admin)
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_a_record_cannot_be_merged_twice_or_with_itself(keep: Person, merge: Person, org_admin: User) -> None:
    with pytest.raises(DomainError):
        person_merge(keep=keep, merge=keep, acting_user=org_admin)
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    with pytest.raises(DomainError):
        person_merge(keep=keep, merge=merge, acting_user=org_admin)


def test_unique_people_count_a_merged_person_once(keep: Person, merge: Person, org_admin: User) -> None:
    event_a, event_b = EventFactory(), EventFactory()
    RegistrationFactory(event=event_a, person=keep)
    registration = RegistrationFactory(event=event_b, person=merge)
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    # a row made before the merge that the merge could not move (here: put back by hand) still counts once
    Registration.objects.filter(pk=registration.pk).update(person=merge)
    rows = Registration.objects.all()
    assert rows.aggregate(n=Count("person", distinct=True))["n"] == 2
    assert selectors.unique_people_count(rows) == 1


def test_undo_from_the_kept_records_page(client: Client, keep: Person, merge: Person, org_admin: User) -> None:
    record = person_merge(keep=keep, merge=merge, acting_user=org_admin)
    client.force_login(org_admin)
    page = client.get(f"/people/{keep.pk}/").content.decode()
    assert f"/people/merges/{record.pk}/undo/" in page
    response = client.post(f"/people/merges/{record.pk}/undo/")
    assert response.status_code == 302
    assert PersonMerge.objects.get().undone_at is not None


def test_the_merged_records_page_leads_to_the_kept_one(
    client: Client, keep: Person, merge: Person, org_admin: User
) -> None:
    person_merge(keep=keep, merge=merge, acting_user=org_admin)
    client.force_login(org_admin)
    response = client.get(f"/people/{merge.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{keep.pk}/"
