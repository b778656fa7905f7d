"""Computed indicators count the platform's own data and follow it; reported ones count once approved."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tamyr.cooperation import selectors, services
from tamyr.cooperation.models import IndicatorPeriod, ValueStatus
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.events import services as event_services
from tamyr.learning import services as learning_services
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PersonFactory, country
from tests.factories.cooperation import PeriodFactory, PlanWorld
from tests.learning.factories import CourseFactory, EnrollmentFactory, GroupFactory

YEAR = (date(2026, 1, 1), date(2026, 12, 31), 10)


def at(month: int, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def computed(world: PlanWorld, query: str, params: dict[str, Any] | None = None, periods: Any = None) -> Any:
    return services.indicator_create(
        measure=world.measure,
        title={"en": "Counted"},
        unit="people",
        source="computed",
        query=query,
        params=params or {},
        periods=periods or [YEAR],
        acting_user=world.coordinator,
    )


def actual(indicator: Any, index: int = 0) -> Decimal | None:
    return list(IndicatorPeriod.objects.filter(indicator=indicator).order_by("starts_on"))[index].actual


def test_unique_participants_counts_each_person_from_a_member_state_once(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(3), capacity=None)
    second = EventFactory(organizer=world.az, kind="training", starts_at=at(5), capacity=None)
    kazakh = PersonFactory(residence_country=country("KZ"))
    RegistrationFactory(event=training, person=kazakh)
    RegistrationFactory(event=second, person=kazakh)
    RegistrationFactory(event=training, person=PersonFactory(residence_country=country("AZ")))
    indicator = computed(world, "unique_participants", {"kind": "training"})
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 2


def test_unique_participants_leaves_out_people_from_elsewhere(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(3), capacity=None)
    RegistrationFactory(event=training, person=PersonFactory(residence_country=country("DE")))
    indicator = computed(world, "unique_participants")
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 0


def test_unique_participants_counts_a_citizen_of_a_member_state_living_elsewhere(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(3), capacity=None)
    person = PersonFactory(residence_country=country("DE"))
    person.citizenships.add(country("KZ"))
    RegistrationFactory(event=training, person=person)
    indicator = computed(world, "unique_participants")
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 1


def test_an_observers_country_is_not_a_member_state(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(3), capacity=None)
    RegistrationFactory(event=training, person=PersonFactory(residence_country=country("HU")))
    indicator = computed(world, "unique_participants")
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 0


def test_events_of_another_kind_are_not_counted(world: PlanWorld) -> None:
    concert = EventFactory(organizer=world.kz, kind="concert", starts_at=at(3), capacity=None)
    RegistrationFactory(event=concert, person=PersonFactory(residence_country=country("KZ")))
    indicator = computed(world, "unique_participants", {"kind": "training"})
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 0


def test_each_period_counts_the_events_that_start_in_it(world: PlanWorld) -> None:
    march = EventFactory(organizer=world.kz, starts_at=at(3), capacity=None)
    RegistrationFactory(event=march, person=PersonFactory(residence_country=country("KZ")))
    halves = [(date(2026, 1, 1), date(2026, 6, 30), 5), (date(2026, 7, 1), date(2026, 12, 31), 5)]
    indicator = computed(world, "unique_participants", periods=halves)
    services.indicator_recompute(indicator_id=indicator.pk)
    assert (actual(indicator, 0), actual(indicator, 1)) == (1, 0)


def test_young_registered_counts_by_age_in_the_events_year(world: PlanWorld) -> None:
    forum = EventFactory(organizer=world.tr, starts_at=at(9), capacity=None)
    RegistrationFactory(event=forum, person=PersonFactory(birth_year=2000))  # 26
    RegistrationFactory(event=forum, person=PersonFactory(birth_year=1980))  # 46
    indicator = computed(world, "young_registered", {"max_age": 35})
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 1


def test_courses_completed_counts_completions_by_people_from_member_states(world: PlanWorld) -> None:
    group = GroupFactory(course=CourseFactory(provider=world.kz), capacity=None)
    for code in ("KZ", "AZ", "DE"):
        EnrollmentFactory(
            group=group, person=PersonFactory(residence_country=country(code)), status="completed", completed_at=at(4)
        )
    indicator = computed(world, "courses_completed")
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 2


def test_a_measures_linked_events_replace_the_networks_events(world: PlanWorld) -> None:
    linked = EventFactory(organizer=world.kz, starts_at=at(3), capacity=None)
    other = EventFactory(organizer=world.kz, starts_at=at(3), capacity=None)
    world.measure.events.add(linked)
    RegistrationFactory(event=other, person=PersonFactory(residence_country=country("KZ")))
    indicator = computed(world, "unique_participants")
    services.indicator_recompute(indicator_id=indicator.pk)
    assert actual(indicator) == 0


def test_a_new_registration_recomputes_the_indicators_that_count_its_event(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    training = EventFactory(organizer=world.kz, kind="training", starts_at=at(6), capacity=None)
    indicator = computed(world, "unique_participants", {"kind": "training"})
    person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(event=training, person=person, acting_user=world.admin_kz)
    assert actual(indicator) == 1


def test_a_cancelled_registration_is_no_longer_counted(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    training = EventFactory(organizer=world.kz, starts_at=at(6), capacity=None)
    person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz)
    registration = RegistrationFactory(event=training, person=person)
    indicator = computed(world, "unique_participants")
    services.indicator_recompute(indicator_id=indicator.pk)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=registration, acting_user=world.admin_kz, now=at(1))
    assert actual(indicator) == 0


def test_a_completion_recomputes_the_indicators_that_count_its_course(
    world: PlanWorld, django_capture_on_commit_callbacks: Any
) -> None:
    group = GroupFactory(course=CourseFactory(provider=world.kz), capacity=None)
    person = PersonFactory(residence_country=country("KZ"), registered_by=world.kz)
    enrollment = EnrollmentFactory(group=group, person=person, status="active")
    indicator = computed(world, "courses_completed", periods=[(date(2020, 1, 1), date(2100, 12, 31), 10)])
    with django_capture_on_commit_callbacks(execute=True):
        learning_services.completion_override(
            enrollment=enrollment, complete=True, reason="Passed the oral exam", acting_user=world.admin_kz
        )
    assert actual(indicator) == 1


def test_a_registration_at_another_networks_event_recomputes_nothing(world: PlanWorld) -> None:
    outside = EventFactory(starts_at=at(6), capacity=None)
    computed(world, "unique_participants")
    assert services.recompute_for_event(event_id=outside.pk, changed_at=timezone.now()) == 0


def test_a_change_already_seen_by_a_later_count_is_not_counted_again(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, starts_at=at(6), capacity=None)
    indicator = computed(world, "unique_participants")
    changed_at = timezone.now()
    services.indicator_recompute(indicator_id=indicator.pk)
    assert services.recompute_for_event(event_id=training.pk, changed_at=changed_at) == 0


def test_an_unknown_query_is_refused_with_the_known_ones_named(world: PlanWorld) -> None:
    with pytest.raises(DomainError, match="unique_participants"):
        computed(world, "everyone_happy")
    assert not world.measure.indicators.exists()


def test_an_unknown_query_parameter_is_refused(world: PlanWorld) -> None:
    with pytest.raises(DomainError, match="colour"):
        computed(world, "unique_participants", {"colour": "blue"})


def test_the_drill_down_lists_the_people_counted(world: PlanWorld) -> None:
    training = EventFactory(organizer=world.kz, starts_at=at(3), capacity=None)
    RegistrationFactory(
        event=training, person=PersonFactory(display_name="Aruzhan Bekova", residence_country=country("KZ"))
    )
    indicator = computed(world, "unique_participants")
    period = selectors.period_get(indicator.periods.get().pk)
    assert [row[0] for row in selectors.counted_items(period)] == ["Aruzhan Bekova"]


# --- reported values ----------------------------------------------------------------------------------------------


def reported_period(world: PlanWorld) -> IndicatorPeriod:
    indicator = services.indicator_create(
        measure=world.measure,
        title={"en": "Agreements signed"},
        unit="agreements",
        source="reported",
        periods=[YEAR],
        acting_user=world.coordinator,
    )
    return selectors.period_get(indicator.periods.get().pk)


def test_the_lead_reports_a_value_with_a_link_as_evidence(world: PlanWorld) -> None:
    period = reported_period(world)
    value = services.value_report(
        period=period, value="3", evidence_url="https://example.org/minutes", acting_user=world.staff_kz
    )
    assert (value.status, value.organization) == (ValueStatus.SUBMITTED, world.kz)


def test_a_reported_value_does_not_count_before_approval(world: PlanWorld) -> None:
    period = reported_period(world)
    services.value_report(period=period, value="3", evidence_url="https://example.org/m", acting_user=world.staff_kz)
    period.refresh_from_db()
    assert period.actual is None


def test_a_value_without_evidence_is_refused(world: PlanWorld) -> None:
    period = reported_period(world)
    with pytest.raises(DomainError, match="evidence"):
        services.value_report(period=period, value="3", acting_user=world.staff_kz)
    assert not period.reported_values.exists()


def test_evidence_is_checked_by_its_content(world: PlanWorld) -> None:
    period = reported_period(world)
    fake = SimpleUploadedFile("minutes.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.value_report(period=period, value="3", evidence_file=fake, acting_user=world.staff_kz)
    assert not period.reported_values.exists()


def test_another_member_cannot_report_the_leads_value(world: PlanWorld) -> None:
    period = reported_period(world)
    with pytest.raises(NotAllowed):
        services.value_report(
            period=period, value="3", evidence_url="https://example.org/m", acting_user=world.admins[world.az.slug]
        )


def test_a_computed_indicator_takes_no_reported_value(world: PlanWorld) -> None:
    indicator = computed(world, "unique_participants")
    with pytest.raises(DomainError, match="computed"):
        services.value_report(
            period=indicator.periods.get(), value="99", evidence_url="https://example.org/m", acting_user=world.staff_kz
        )


def test_the_coordinator_approves_and_the_value_becomes_the_actual(world: PlanWorld) -> None:
    period = reported_period(world)
    value = services.value_report(period=period, value="3", evidence_url="https://e.org/m", acting_user=world.staff_kz)
    services.value_decide(reported=value, approve=True, acting_user=world.coordinator)
    period.refresh_from_db()
    assert period.actual == 3


def test_the_lead_cannot_approve_its_own_value(world: PlanWorld) -> None:
    period = reported_period(world)
    value = services.value_report(period=period, value="3", evidence_url="https://e.org/m", acting_user=world.staff_kz)
    with pytest.raises(NotAllowed):
        services.value_decide(reported=value, approve=True, acting_user=world.admin_kz)


def test_a_returned_value_needs_a_reason(world: PlanWorld) -> None:
    period = reported_period(world)
    value = services.value_report(period=period, value="3", evidence_url="https://e.org/m", acting_user=world.staff_kz)
    with pytest.raises(DomainError, match="why"):
        services.value_decide(reported=value, approve=False, acting_user=world.coordinator)
    value.refresh_from_db()
    assert value.status == ValueStatus.SUBMITTED


def test_progress_is_the_way_from_baseline_to_target(world: PlanWorld) -> None:
    period = PeriodFactory(indicator__measure=world.measure, indicator__baseline=Decimal(20), target=Decimal(120))
    period.actual = Decimal(70)
    assert selectors.period_progress(period, Decimal(20)) == 0.5
