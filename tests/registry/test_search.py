"""Search for people across scripts with typing errors (`tamyr.registry.search`), on both databases.

The SQLite tests exercise the `NameGram` path; the PostgreSQL tests (skipped on SQLite) the vocabulary and
trigram path. Both run the same public function, `selectors.person_search`, as the staff page and the API do.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tamyr.accounts.models import User
from tamyr.registry import search, selectors, services
from tamyr.registry.models import NameGram, NameVariant, NameWord, Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (pg_trgm)")
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")


@pytest.fixture
def people(organization: Organization) -> dict[str, Person]:
    """A few compatriots, each written in one script only, and some look-alikes."""
    specs = {
        "tokayev": ("Қасым-Жомарт Тоқаев", []),
        "tokayeva": ("Aliya Tokayeva", []),
        "nurlan": ("Абенов Нұрлан Серікұлы", []),
        "nurbol": ("Нұрбол Абенов", []),
        "sholpan": ("Шолпан Жақыпова", ["Sholpan Zhakypova"]),
        "aidos": ("Aidos Sarsenbayev", []),
        "lorinc": ("Nacsa Lőrinc", []),
        "ozturk": ("Mehmet Öztürk", []),
    }
    return {
        key: PersonFactory(display_name=name, registered_by=organization, variants=variants)
        for key, (name, variants) in specs.items()
    }


def found(text: str, user: User | None = None, qs: Any = None) -> list[str]:
    if qs is None:
        qs = selectors.people_visible_to(user) if user else Person.objects.prefetch_related("name_variants")
    return [person.display_name for person in selectors.person_search(qs, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев"),  # Latin for Cyrillic
        ("Tokayev Kassym Jomart", "Қасым-Жомарт Тоқаев"),  # surname first, hyphen as a space
        ("Kasym Tokaev", "Қасым-Жомарт Тоқаев"),  # part of the given name, another transliteration
        ("Kasim Tokyaev", "Қасым-Жомарт Тоқаев"),  # one typing error in each word
        ("Nurlan Abenov", "Абенов Нұрлан Серікұлы"),  # without the patronymic, other order
        ("Нурлан Серикович Абенов", "Абенов Нұрлан Серікұлы"),  # Russian patronymic for the Kazakh one
        ("Cholpan Jakypova", "Шолпан Жақыпова"),  # irregular spelling
        ("Lőrinc Nacsa", "Nacsa Lőrinc"),  # Hungarian order turned round
        ("Мехмет Озтюрк", "Mehmet Öztürk"),  # Turkish name in Russian Cyrillic
        ("Tok", "Қасым-Жомарт Тоқаев"),  # typed halfway
    ],
)
def test_search_finds_the_person_first_across_scripts_and_with_typos(
    people: dict[str, Person], text: str, expected: str
) -> None:
    assert found(text)[:1] == [expected]


def test_search_keeps_the_male_and_female_forms_apart(people: dict[str, Person]) -> None:
    assert "Aliya Tokayeva" not in found("Kassym Tokayev")
    assert found("Aliya Tokayeva")[:1] == ["Aliya Tokayeva"]


def test_search_does_not_confuse_two_given_names_of_one_family(people: dict[str, Person]) -> None:
    results = found("Нұрбол Абенов")
    assert results[0] == "Нұрбол Абенов"


def test_search_leaves_out_names_that_only_look_a_little_alike(people: dict[str, Person]) -> None:
    assert found("Aidos Sarsenbayev") == ["Aidos Sarsenbayev"]


def test_an_empty_search_lists_everyone(people: dict[str, Person]) -> None:
    assert len(found("  ")) == len(people)


def test_search_shows_only_people_the_user_may_see(people: dict[str, Person]) -> None:
    other = OrganizationFactory(slug="elsewhere")
    PersonFactory(display_name="Kasym Tokayev", registered_by=other)
    staff = UserFactory(username="elsewhere-staff")
    grant(staff, other, "staff")
    assert found("Қасым Тоқаев", staff) == ["Kasym Tokayev"]


def test_a_merged_record_is_not_found(people: dict[str, Person], org_admin: User) -> None:
    people["nurbol"].merged_into = people["nurlan"]
    people["nurbol"].save(update_fields=["merged_into"])
    assert "Нұрбол Абенов" not in found("Нұрбол Абенов", org_admin)


def test_variants_written_by_the_service_carry_every_key(organization: Organization, org_admin: User) -> None:
    person = services.person_create(
        display_name="Тоқаев Қасым", name_variants=["Kassym Tokayev"], acting_user=org_admin
    )
    keys = search.variant_keys("Kassym Tokayev")
    variant = person.name_variants.get(text="Kassym Tokayev")
    assert (variant.key, variant.sorted_key, variant.blocking) == (keys.key, keys.sorted_key, keys.blocking)
    assert variant.sorted_key == person.name_variants.get(text="Тоқаев Қасым").sorted_key == "kasim tokaev"


@on_sqlite
def test_on_sqlite_variants_get_their_grams(organization: Organization, org_admin: User) -> None:
    person = services.person_create(display_name="Kassym Tokayev", acting_user=org_admin)
    grams = set(NameGram.objects.filter(variant__person=person).values_list("gram", flat=True))
    assert grams == {"^kas", "sim$", "^tok", "kav$"}


@on_sqlite
def test_on_sqlite_changing_the_names_replaces_the_grams(organization: Organization, org_admin: User) -> None:
    person = services.person_create(display_name="Kassym Tokayev", acting_user=org_admin)
    services.person_update(person=person, display_name="Aidos Sarsenbayev", name_variants=[], acting_user=org_admin)
    grams = set(NameGram.objects.filter(variant__person=person).values_list("gram", flat=True))
    assert "^tok" not in grams and "^sar" in grams


def test_search_runs_a_fixed_number_of_queries(
    people: dict[str, Person], org_admin: User, django_assert_max_num_queries: Any
) -> None:
    qs = selectors.people_visible_to(org_admin)
    with django_assert_max_num_queries(12):  # roles, candidates (a few on PostgreSQL), people, variants, countries
        selectors.person_search(qs, "Kassym Tokayev")


# --- PostgreSQL: the vocabulary, the word index and the whole-key trigram pass -------------------------------


@on_postgres
def test_on_postgres_the_vocabulary_holds_every_word(people: dict[str, Person]) -> None:
    words = set(NameWord.objects.values_list("word", flat=True))
    assert {"kasim", "jomart", "tokaev", "abenov", "nurlan"} <= words


@on_postgres
def test_on_postgres_a_typo_in_each_word_is_found_through_the_vocabulary(people: dict[str, Person]) -> None:
    rows = search.candidate_rows(Person.objects.all(), search.name_keys("Kasym Tokeyav"), restricted=False)
    assert people["tokayev"].pk in {person_id for person_id, _text, _key in rows}


@on_postgres
def test_on_postgres_words_run_together_are_found_by_the_whole_key_trigram_pass(organization: Organization) -> None:
    person = PersonFactory(display_name="Kasymzhomart Tokayev", registered_by=organization)
    assert found("Kasym Zhomart Tokayev")[:1] == [person.display_name]


@on_postgres
def test_on_postgres_the_trigram_index_answers_the_raw_similarity_operator(people: dict[str, Person]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_limit(0.3)")
        cursor.execute(
            "SELECT person_id FROM registry_namevariant WHERE sorted_key %% %s ORDER BY similarity(sorted_key, %s) DESC",
            ["jomart kasim tokaev", "jomart kasim tokaev"],
        )
        assert cursor.fetchone()[0] == people["tokayev"].pk


@on_postgres
def test_on_postgres_imported_rows_reach_the_vocabulary_through_the_trigger(organization: Organization) -> None:
    NameVariant.objects.bulk_create([search.new_variant(person_id=PersonFactory().pk, text="Zhanbolat Qyzyrbekov")])
    assert NameWord.objects.filter(word="kizirbekov").exists()
