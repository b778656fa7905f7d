"""The matcher: similarity of two expertise profiles, profiles read from the registry, and host pairing."""

from __future__ import annotations

import random

import pytest

from tamyr.registry import expertise, services
from tamyr.registry.expertise import Profile, pair, pair_visitors_with_hosts, rank_hosts, similarity
from tests.factories import ConsentFactory, PersonFactory, with_expertise


def profile(*fields: str, keywords: tuple[str, ...] = ()) -> Profile:
    return Profile.of(fields, keywords)


# --- similarity --------------------------------------------------------------------------------------------------


def test_the_same_field_is_a_full_match() -> None:
    assert similarity(profile("6.1"), profile("6.1", "5.2")) == 1.0


def test_a_field_of_the_same_major_field_is_half_a_match() -> None:
    assert similarity(profile("6.1"), profile("6.2")) == 0.5


def test_fields_of_different_major_fields_do_not_match() -> None:
    assert similarity(profile("6.1"), profile("1.1")) == 0.0


def test_a_major_field_matches_its_own_fields_by_half() -> None:
    assert similarity(profile("6"), profile("6.4")) == 0.5


def test_field_2_10_is_not_in_major_field_21() -> None:
    assert similarity(profile("2.10"), profile("21.1")) == 0.0


def test_each_shared_keyword_adds_a_quarter() -> None:
    a = profile("6.2", keywords=("Kazakh diaspora", "Turkic languages"))
    b = profile("6.1", keywords=("kazakh diaspora", "turkic languages"))
    assert similarity(a, b) == 0.5 + 2 * expertise.KEYWORD_WEIGHT


def test_keywords_are_compared_casefolded() -> None:
    assert similarity(profile(keywords=("TARİH",)), profile(keywords=("tari̇h",))) == expertise.KEYWORD_WEIGHT


def test_similarity_is_clipped_to_one() -> None:
    words = ("a", "b", "c", "d", "e")
    assert similarity(profile("6.1", keywords=words), profile("6.1", keywords=words)) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (profile("6.1", keywords=("x",)), profile("6.2", "5.2", keywords=("x", "y"))),
        (profile("1.1"), profile()),
        (profile("2.10", "3.1"), profile("2.1")),
    ],
)
def test_similarity_is_symmetric(a: Profile, b: Profile) -> None:
    assert similarity(a, b) == similarity(b, a)


def test_an_empty_profile_matches_nothing() -> None:
    assert similarity(Profile.of(), profile("6.1", keywords=("history",))) == 0.0


# --- ranking and pairing -------------------------------------------------------------------------------------


def test_rank_hosts_puts_the_best_first_and_keeps_the_limit() -> None:
    hosts = {1: profile("1.1"), 2: profile("6.2"), 3: profile("6.1"), 4: profile("6.1", keywords=("archives",))}
    ranked = rank_hosts(profile("6.1", keywords=("archives",)), hosts, limit=3)
    assert ranked == [(3, 1.0), (4, 1.0), (2, 0.5)]


def test_pairing_is_one_to_one() -> None:
    visitors = {v: profile("6.1") for v in range(1, 6)}
    hosts = {h: profile("6.1") for h in range(10, 13)}
    pairs = pair(visitors, hosts)
    assert len(pairs) == 3
    assert len({p.visitor for p in pairs}) == len({p.host for p in pairs}) == 3


def test_pairing_maximizes_the_total_where_greedy_would_not() -> None:
    # Greedy gives visitor 1 its best host (10, a full match) and leaves visitor 2 with nothing in common;
    # the best pairing gives visitor 1 host 11 (half) and visitor 2 host 10 (full): 1.5 instead of 1.0.
    visitors = {1: profile("6.1", "6.2"), 2: profile("6.1")}
    hosts = {10: profile("6.1"), 11: profile("6.2"), 12: profile("1.1")}
    pairs = pair(visitors, hosts)
    assert {(p.visitor, p.host) for p in pairs} == {(1, 11), (2, 10)}
    assert sum(p.score for p in pairs) == 2.0


def test_pairs_below_the_minimum_score_are_left_out() -> None:
    pairs = pair({1: profile("6.1"), 2: profile("3.2")}, {10: profile("6.1"), 11: profile("1.1")}, min_score=0.5)
    assert [(p.visitor, p.host) for p in pairs] == [(1, 10)]


def test_the_forum_pairs_40_visitors_with_100_hosts_no_worse_than_greedy() -> None:
    rng = random.Random(2025)
    codes = ["1.1", "1.2", "2.2", "5.2", "5.4", "5.6", "6.1", "6.2", "6.3", "6.4"]
    words = ["diaspora", "turkic", "archives", "energy", "poetry", "migration", "ai"]

    def random_profile() -> Profile:
        return profile(*rng.sample(codes, rng.randint(1, 2)), keywords=tuple(rng.sample(words, rng.randint(0, 2))))

    visitors = {v: random_profile() for v in range(40)}
    hosts = {100 + h: random_profile() for h in range(100)}
    pairs = pair(visitors, hosts)
    taken: set[int] = set()
    greedy = 0.0
    for visitor in sorted(visitors):
        best = max((h for h in hosts if h not in taken), key=lambda h: similarity(visitors[visitor], hosts[h]))
        taken.add(best)
        greedy += similarity(visitors[visitor], hosts[best])
    assert len(pairs) == 40
    assert sum(p.score for p in pairs) >= greedy


# --- profiles from the registry ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_profiles_of_people_read_fields_and_casefolded_keywords() -> None:
    person = with_expertise(PersonFactory(), "6.1", "5.2", keywords=("Kazakh Diaspora",))
    assert expertise.profiles_of_people([person.pk]) == {
        person.pk: Profile(frozenset({"6.1", "5.2"}), frozenset({"kazakh diaspora"}))
    }


@pytest.mark.django_db
def test_a_person_without_the_expertise_consent_has_an_empty_profile() -> None:
    person = with_expertise(PersonFactory(), "6.1", keywords=("history",), consent=False)
    assert expertise.profiles_of_people([person.pk])[person.pk].is_empty


@pytest.mark.django_db
def test_a_withdrawn_expertise_consent_empties_the_profile() -> None:
    person = with_expertise(PersonFactory(), "6.1")
    services.consent_withdraw(consent=person.consents.get(purpose="expertise"), acting_user=None)
    assert expertise.profiles_of_people([person.pk])[person.pk].is_empty


@pytest.mark.django_db
def test_profiles_of_people_take_two_queries_for_any_number(django_assert_num_queries: object) -> None:
    people = [with_expertise(PersonFactory(), "6.1", "6.2", keywords=("x",)) for _ in range(15)]
    ConsentFactory(person=people[0], purpose="registry")
    with django_assert_num_queries(2):  # type: ignore[operator]
        profiles = expertise.profiles_of_people([p.pk for p in people])
    assert len(profiles) == 15


@pytest.mark.django_db
def test_the_pairing_service_pairs_people_by_their_registry_profiles() -> None:
    historian = with_expertise(PersonFactory(), "6.1")
    economist = with_expertise(PersonFactory(), "5.2")
    host_economist = with_expertise(PersonFactory(), "5.2")
    host_historian = with_expertise(PersonFactory(), "6.1")
    pairs = pair_visitors_with_hosts(
        visitor_ids=[historian.pk, economist.pk], host_ids=[host_economist.pk, host_historian.pk]
    )
    assert {(p.visitor, p.host) for p in pairs} == {
        (historian.pk, host_historian.pk),
        (economist.pk, host_economist.pk),
    }


def test_two_poor_pairs_never_displace_one_good_one() -> None:
    # Without a minimum the best total is 1-11 (0.5) + 2-10 (0.5) = 1.0 against 1-10 (0.75) + 2-11 (0) = 0.75;
    # with a minimum of 0.75 neither of the first two pairs would be made, so the pairing keeps the one good pair.
    visitors = {1: profile("6.1", keywords=("k",)), 2: profile("1.1", keywords=("k", "m"))}
    hosts = {10: profile("6.2", keywords=("k", "m")), 11: profile("6.3")}
    assert [(p.visitor, p.host) for p in pair(visitors, hosts)] == [(1, 11), (2, 10)]
    assert [(p.visitor, p.host, p.score) for p in pair(visitors, hosts, min_score=0.75)] == [(1, 10, 0.75)]
