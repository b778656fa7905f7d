"""Duplicate detection (`tamyr.registry.dedupe`), the `tamyr dedupe` command and the review pages."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tamyr.accounts.models import User
from tamyr.core import processes
from tamyr.core.models import AuditEntry
from tamyr.registry import dedupe
from tamyr.registry.models import DedupeRun, DuplicateCandidate, DuplicateStatus, Organization, Person, RunStatus
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, country, grant, with_totp

pytestmark = pytest.mark.django_db

NEAR_MISSES = Path(__file__).resolve().parents[1] / "names" / "data" / "near_misses.tsv"


def near_misses(count: int) -> list[tuple[str, str]]:
    """The first pairs of different people with two-word names from the hand-written set of look-alikes."""
    with NEAR_MISSES.open(encoding="utf-8", newline="") as handle:
        rows = [(row["a"], row["b"]) for row in csv.DictReader(handle, delimiter="\t") if " " in row["a"]]
    return rows[:count]


def person(organization: Organization, name: str, **fields: Any) -> Person:
    fields.setdefault("birth_year", 1985)
    fields.setdefault("residence_country", country("TR"))
    return PersonFactory(display_name=name, registered_by=organization, **fields)


def pairs() -> set[tuple[str, str]]:
    return {
        tuple(sorted((c.person_a.display_name, c.person_b.display_name)))  # type: ignore[misc]
        for c in DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).select_related("person_a", "person_b")
    }


@pytest.fixture
def family(organization: Organization) -> dict[str, Person]:
    """One person written twice (Cyrillic by an embassy, Latin by a course) and near-miss pairs born the same year
    in the same country: the hard case, where only the names can tell them apart."""
    made = {
        "cyrillic": person(organization, "Тоқаев Қасым-Жомарт Кемелұлы", email="kt@example.org"),
        "latin": person(organization, "Kassym-Jomart Tokayev", email="KT@example.org"),
    }
    for index, (a, b) in enumerate(near_misses(12)):
        made[f"miss{index}a"] = person(organization, a, birth_year=1970 + index)
        made[f"miss{index}b"] = person(organization, b, birth_year=1970 + index)
    return made


def test_dedupe_proposes_the_true_duplicate_and_no_near_miss(family: dict[str, Person]) -> None:
    dedupe.run_dedupe(acting_user=None)
    assert pairs() == {("Kassym-Jomart Tokayev", "Тоқаев Қасым-Жомарт Кемелұлы")}


def test_a_big_run_computes_keys_in_worker_processes_with_the_same_result(
    family: dict[str, Person], monkeypatch: Any
) -> None:
    records = dedupe.load_records()
    serial = {(a.pk, b.pk) for a, b, _comparison in dedupe.find_duplicates(records)}
    monkeypatch.setattr(dedupe, "PARALLEL_RECORDS", 1)
    monkeypatch.setattr(dedupe, "KEY_CHUNK", 5)
    monkeypatch.setattr(dedupe.os, "cpu_count", lambda: 2)
    contexts: list[str] = []
    get_context = processes.multiprocessing.get_context
    monkeypatch.setattr(
        processes.multiprocessing, "get_context", lambda method: contexts.append(method) or get_context(method)
    )
    fresh = dedupe.load_records()
    parallel = {(a.pk, b.pk) for a, b, _comparison in dedupe.find_duplicates(fresh)}
    assert contexts == ["spawn"]
    assert parallel == serial == {(family["cyrillic"].pk, family["latin"].pk)}
    assert [record.sortkeys for record in fresh] == [record.sortkeys for record in records]


def test_the_pair_carries_its_reasons(family: dict[str, Person]) -> None:
    dedupe.run_dedupe(acting_user=None)
    candidate = DuplicateCandidate.objects.get()
    assert candidate.person_a_id < candidate.person_b_id
    assert candidate.score >= dedupe.THRESHOLD
    assert {"name_same", "year_same", "country_same", "email_same"} <= set(candidate.reasons["levels"])
    assert candidate.reasons["name_similarity"] == 1.0


def test_a_typing_error_and_a_missing_year_still_pair_with_the_same_email(organization: Organization) -> None:
    person(organization, "Айгерім Сәрсенбаева", email="aigerim@example.org")
    person(organization, "Aigerim Sarsenbaeva", email="aigerim@example.org", birth_year=None)
    dedupe.run_dedupe(acting_user=None)
    assert pairs() == {("Aigerim Sarsenbaeva", "Айгерім Сәрсенбаева")}


def test_the_same_name_born_years_apart_is_not_proposed(organization: Organization) -> None:
    person(organization, "Нұрлан Абенов", birth_year=1960)
    person(organization, "Nurlan Abenov", birth_year=1990)
    dedupe.run_dedupe(acting_user=None)
    assert pairs() == set()


def test_not_the_same_person_is_never_proposed_again(family: dict[str, Person], org_admin: User) -> None:
    dedupe.run_dedupe(acting_user=None)
    candidate = DuplicateCandidate.objects.get()
    dedupe.duplicate_dismiss(candidate=candidate, acting_user=org_admin)
    dedupe.run_dedupe(acting_user=None)
    assert pairs() == set()
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE
    assert candidate.decided_by == org_admin


def test_a_second_run_updates_an_open_pair_rather_than_adding_one(family: dict[str, Person]) -> None:
    dedupe.run_dedupe(acting_user=None)
    dedupe.run_dedupe(acting_user=None)
    assert DuplicateCandidate.objects.count() == 1


def test_blocking_never_compares_all_pairs(organization: Organization) -> None:
    given = ["Aidos", "Bolat", "Dana", "Erlan", "Gulnar", "Marat"]
    family_names = ["Omarov", "Sadykov", "Kassymov", "Ibrayev", "Zhakupov"]
    for index, (first, last) in enumerate((g, f) for g in given for f in family_names):
        person(organization, f"{first} {last}", birth_year=1950 + index)
    run = dedupe.run_dedupe(acting_user=None)
    assert run.pairs_scored < 30 * 29 / 2 / 10


def test_the_run_is_recorded_and_audited(family: dict[str, Person]) -> None:
    run = dedupe.run_dedupe(acting_user=None)
    assert run.status == RunStatus.DONE
    assert (run.people, run.candidates_found) == (len(family), 1)
    assert AuditEntry.objects.filter(action="registry.dedupe_run").exists()


def test_the_command_reports_and_fills_the_queue(family: dict[str, Person], capsys: Any) -> None:
    out = StringIO()
    call_command("dedupe", stdout=out)
    assert "1 possible duplicates" in out.getvalue()
    assert "dedupe: pairs" in capsys.readouterr().err  # progress on stderr
    assert DuplicateCandidate.objects.count() == 1


# --- the review pages ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client, org_admin: User) -> Client:
    client.force_login(org_admin)
    return client


@pytest.fixture
def candidate(family: dict[str, Person]) -> DuplicateCandidate:
    dedupe.run_dedupe(acting_user=None)
    return DuplicateCandidate.objects.get()


def test_the_list_shows_the_pair(admin_client: Client, candidate: DuplicateCandidate) -> None:
    response = admin_client.get("/people/duplicates/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [candidate]


def test_the_detail_page_shows_both_records_and_the_reasons(
    admin_client: Client, candidate: DuplicateCandidate
) -> None:
    page = admin_client.get(f"/people/duplicates/{candidate.pk}/").content.decode()
    assert "Тоқаев Қасым-Жомарт Кемелұлы" in page and "Kassym-Jomart Tokayev" in page
    assert "Same year of birth" in page and "Same e-mail" in page


def test_not_the_same_person_from_the_page(admin_client: Client, candidate: DuplicateCandidate) -> None:
    response = admin_client.post(f"/people/duplicates/{candidate.pk}/", {"action": "not_duplicate"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.NOT_DUPLICATE


def test_merge_from_the_page_keeps_the_chosen_record(admin_client: Client, candidate: DuplicateCandidate) -> None:
    keep = candidate.person_b_id
    response = admin_client.post(f"/people/duplicates/{candidate.pk}/", {"action": "merge", "keep": keep})
    assert response.status_code == 302 and response["Location"] == f"/people/{keep}/"
    assert Person.objects.get(pk=candidate.person_a_id).merged_into_id == keep
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.MERGED


def test_staff_of_another_organization_cannot_review_the_pair(client: Client, candidate: DuplicateCandidate) -> None:
    staff = UserFactory(username="other-staff")
    grant(staff, OrganizationFactory(slug="other"), "staff")
    with_totp(staff)
    client.force_login(staff)
    assert client.get(f"/people/duplicates/{candidate.pk}/").status_code == 403
    assert list(client.get("/people/duplicates/").context["page"].object_list) == []


def test_a_compatriot_gets_403_on_the_duplicate_pages(
    client: Client, compatriot: User, candidate: DuplicateCandidate
) -> None:
    client.force_login(compatriot)
    assert client.get("/people/duplicates/").status_code == 403
    assert client.get(f"/people/duplicates/{candidate.pk}/").status_code == 403
    assert client.post("/people/duplicates/run/").status_code == 403


def test_the_run_button_starts_a_task(
    admin_client: Client, family: dict[str, Person], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/people/duplicates/run/")
    assert response.status_code == 302
    run = DedupeRun.objects.get()
    assert run.status == RunStatus.DONE  # the task ran (tasks run at once in tests)
    assert DuplicateCandidate.objects.count() == 1


def test_the_list_page_runs_a_fixed_number_of_queries(
    admin_client: Client, organization: Organization, django_assert_max_num_queries: Any
) -> None:
    people = [person(organization, f"Name{i} Family") for i in range(20)]
    DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(person_a=people[i], person_b=people[i + 1], score=0.95, reasons={}) for i in range(0, 20, 2)
    )
    with django_assert_max_num_queries(12):
        response = admin_client.get("/people/duplicates/")
    assert len(response.context["page"].object_list) == 10
