"""Who may apply to a call, and why not in words."""

from __future__ import annotations

from datetime import date

import pytest

from tamyr.calls.selectors import eligibility, person_for_eligibility
from tamyr.registry.models import SpokenLanguage
from tests.calls.factories import CallFactory
from tests.factories import ConsentFactory, PersonFactory, country

pytestmark = pytest.mark.django_db


def verdict(call, person):  # type: ignore[no-untyped-def]
    return eligibility(call, person_for_eligibility(person))


def test_a_call_without_conditions_takes_everyone() -> None:
    assert verdict(CallFactory(), PersonFactory()).ok


def test_residence_outside_the_calls_countries_is_refused_with_the_countries_named() -> None:
    call = CallFactory()
    call.residence_countries.set([country("KZ")])
    result = verdict(call, PersonFactory(residence_country=country("TR")))
    assert not result.ok
    assert "Kazakhstan" in result.reasons[0]


def test_a_citizenship_among_the_calls_is_enough() -> None:
    call = CallFactory()
    call.citizenships.set([country("KZ")])
    person = PersonFactory()
    person.citizenships.set([country("TR"), country("KZ")])
    assert verdict(call, person).ok


def test_without_the_citizenship_the_applicant_is_told_which_is_asked() -> None:
    call = CallFactory()
    call.citizenships.set([country("KZ")])
    assert "Kazakhstan" in verdict(call, PersonFactory()).reasons[0]


def test_age_gives_the_benefit_of_the_doubt_when_only_the_year_of_birth_is_known() -> None:
    call = CallFactory(age_max=30, age_on=date(2027, 6, 1))
    # born in 1996: 30 or 31 on 1 June 2027, depending on the birthday
    assert verdict(call, PersonFactory(birth_year=1996)).ok


def test_someone_older_whatever_their_birthday_is_refused() -> None:
    call = CallFactory(age_max=30, age_on=date(2027, 6, 1))
    assert not verdict(call, PersonFactory(birth_year=1995)).ok


def test_someone_too_young_whatever_their_birthday_is_refused() -> None:
    call = CallFactory(age_min=18, age_on=date(2027, 6, 1))
    assert not verdict(call, PersonFactory(birth_year=2010)).ok


def test_an_age_limit_without_a_year_of_birth_asks_for_it() -> None:
    result = verdict(CallFactory(age_min=18), PersonFactory(birth_year=None))
    assert "year of birth" in result.reasons[0]


def test_a_language_at_a_lower_level_than_asked_is_refused() -> None:
    call = CallFactory(languages=[{"language": "hu", "level": "B2"}])
    person = PersonFactory()
    SpokenLanguage.objects.create(person=person, language="hu", level="B1")
    assert not verdict(call, person).ok


def test_a_native_speaker_meets_every_level() -> None:
    call = CallFactory(languages=[{"language": "kk", "level": "C2"}])
    person = PersonFactory()
    SpokenLanguage.objects.create(person=person, language="kk", level="native")
    assert verdict(call, person).ok


def test_heritage_without_the_explicit_consent_does_not_count() -> None:
    call = CallFactory(heritage_asked=True)
    person = PersonFactory(heritage="Kazakh")
    result = verdict(call, person)
    assert not result.ok
    assert "consent" in result.reasons[0]


def test_heritage_with_the_explicit_consent_counts() -> None:
    call = CallFactory(heritage_asked=True)
    person = PersonFactory(heritage="Kazakh")
    ConsentFactory(person=person, purpose="heritage")
    assert verdict(call, person).ok


def test_a_withdrawn_heritage_consent_does_not_count() -> None:
    from django.utils import timezone

    call = CallFactory(heritage_asked=True)
    person = PersonFactory(heritage="Kazakh")
    ConsentFactory(person=person, purpose="heritage", withdrawn_at=timezone.now())
    assert not verdict(call, person).ok


def test_every_condition_missed_has_its_own_reason() -> None:
    call = CallFactory(age_min=18, languages=[{"language": "hu", "level": "B1"}])
    call.residence_countries.set([country("KZ")])
    assert len(verdict(call, PersonFactory(birth_year=None)).reasons) == 3
