"""People files in the encodings offices save them in: recognised, shown, chosen, and never imported garbled."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from tamyr.accounts.models import User
from tamyr.core import encodings
from tamyr.registry import imports
from tamyr.registry.models import ImportStatus, Organization, Person, PersonImport

pytestmark = pytest.mark.django_db

HUNGARIAN = [
    ["Név", "Születési év", "Város"],
    ["Kovács Ödön", "1970", "Győr"],
    ["Szőke Anikó", "1985", "Pécs"],
    ["Őry Ferenc", "1991", "Székesfehérvár"],
    ["Tűzkő Ágnes", "1962", "Debrecen"],
    ["Bíró Lőrinc", "1999", "Nyíregyháza"],
    ["Fűzfa Kálmán", "1977", "Eger"],
]
TURKISH = [
    ["Ad Soyad", "Doğum yılı", "Şehir"],
    ["Şükrü Yılmaz", "1970", "İstanbul"],
    ["Ayşe Gül Çelik", "1985", "İzmir"],
    ["Doğan Öztürk", "1991", "Muğla"],
    ["İsmail Kılıç", "1962", "Eskişehir"],
    ["Gülşen Ağaoğlu", "1999", "Çanakkale"],
    ["Ilgın Şahin", "1980", "Kırşehir"],
]
CYRILLIC = [
    ["ФИО", "Год рождения", "Город"],
    ["Иванова Светлана Петровна", "1985", "Москва"],
    ["Жумабаев Ерлан Нурланович", "1970", "Алматы"],
    ["Сергеев Дмитрий", "1991", "Караганда"],
    ["Нурланов Арман", "1962", "Шымкент"],
    ["Щукина Юлия", "1999", "Новосибирск"],
]

KAZAKH = [
    ["Аты-жөні", "Туған жылы", "Қала"],
    ["Сәрсенбаева Әйгерім", "1990", "Алматы"],
    ["Нұрғалиев Қайрат", "1985", "Өскемен"],
    ["Жұмабаев Ерлан", "1970", "Шымкент"],
    ["Ағыбаева Гүлнар", "1977", "Қарағанды"],
]


def encoded(rows: list[list[str]], encoding: str) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode(encoding)


def write(tmp_path: Path, data: bytes, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def names(rows: list[list[str]]) -> list[str]:
    return sorted(row[0] for row in rows[1:])


def run(path: Path, organization: Organization, **options: Any) -> imports.ImportReport:
    return imports.import_people(path=path, organization=organization, acting_user=None, **options)


@pytest.mark.parametrize(
    ("rows", "encoding", "detected"),
    [
        (HUNGARIAN, "cp1250", "cp1250"),
        (TURKISH, "cp1254", "cp1254"),
        (CYRILLIC, "cp1251", "cp1251"),
        (KAZAKH, "kz1048", "kz1048"),
        (TURKISH, "utf-16", "utf-16"),
        (HUNGARIAN, "utf-8", "utf-8"),
        (CYRILLIC, "utf-8-sig", "utf-8"),
    ],
)
def test_a_file_in_each_encoding_is_recognised_and_imported_with_the_right_names(
    tmp_path: Path, organization: Organization, rows: list[list[str]], encoding: str, detected: str
) -> None:
    path = write(tmp_path, encoded(rows, encoding))
    report = run(path, organization)
    assert (report.encoding, report.imported, report.bad_row_count) == (detected, len(rows) - 1, 0)
    assert report.detection is not None and report.detection.confident
    assert sorted(Person.objects.values_list("display_name", flat=True)) == names(rows)
    assert sorted(Person.objects.values_list("residence_city", flat=True)) == sorted(row[2] for row in rows[1:])


def test_utf16_is_read_by_its_byte_order_mark_not_refused_for_a_missing_column(
    tmp_path: Path, organization: Organization
) -> None:
    path = write(tmp_path, encoded(TURKISH, "utf-16"))
    assert imports.read_header(path) == TURKISH[0]
    assert imports.detect_encoding(path).method == "bom"


def test_a_byte_order_mark_does_not_stick_to_the_first_column(tmp_path: Path, organization: Organization) -> None:
    path = write(tmp_path, encoded(HUNGARIAN, "utf-16-le"))  # no byte-order mark: recognised by its NUL bytes
    assert imports.read_header(path) == HUNGARIAN[0]
    assert imports.read_header(write(tmp_path, encoded(HUNGARIAN, "utf-16"), "bom.csv"), "utf-16-le") == HUNGARIAN[0]


@pytest.mark.parametrize(("rows", "right", "wrong"), [(HUNGARIAN, "cp1250", "cp1252"), (TURKISH, "cp1254", "cp1250")])
def test_the_decoding_of_the_wrong_code_page_looks_garbled(rows: list[list[str]], right: str, wrong: str) -> None:
    data = encoded(rows, right)
    assert encodings.assess(data.decode(right)).suspects == 0
    garbled = encodings.assess(data.decode(wrong))
    assert garbled.suspects >= 3 and garbled.examples


def test_cp1251_text_read_as_koi8_is_garbled() -> None:
    assert encodings.assess(encoded(CYRILLIC, "cp1251").decode("koi8-r")).suspects >= 3


AMBIGUOUS = b"Name,Year\r\n\xc4\xe0\xed\xe0,1990\r\n"
""""Дана" in Windows-1251, "Äàíà" in Windows-1252: both plausible, nothing to tell them apart."""


def test_a_file_whose_encoding_is_not_recognised_with_confidence_stops_for_a_choice(
    tmp_path: Path, organization: Organization
) -> None:
    path = write(tmp_path, AMBIGUOUS)
    assert not imports.detect_encoding(path).confident
    with pytest.raises(imports.EncodingUncertain) as caught:
        run(path, organization)
    assert caught.value.code == "encoding" and "encoding" in str(caught.value.message)
    assert Person.objects.count() == 0


def test_utf8_holding_mojibake_is_not_imported_without_a_choice(tmp_path: Path, organization: Organization) -> None:
    """UTF-8 saved from text that had been read in the wrong code page: valid UTF-8, garbled names."""
    twice = encoded(HUNGARIAN, "utf-8").decode("cp1252", errors="replace").encode("utf-8")
    with pytest.raises(imports.EncodingUncertain):
        run(write(tmp_path, twice), organization)
    assert Person.objects.count() == 0


def test_utf32_is_read_by_its_byte_order_mark(tmp_path: Path, organization: Organization) -> None:
    run(write(tmp_path, encoded(CYRILLIC, "utf-32")), organization)
    assert sorted(Person.objects.values_list("display_name", flat=True)) == names(CYRILLIC)


def test_choosing_the_encoding_explicitly_imports_the_file(tmp_path: Path, organization: Organization) -> None:
    report = run(write(tmp_path, AMBIGUOUS), organization, encoding="cp1251")
    assert (report.encoding, report.imported) == ("cp1251", 1)
    assert Person.objects.get().display_name == "Дана"


def test_an_explicit_encoding_wins_over_the_detected_one(tmp_path: Path, organization: Organization) -> None:
    run(write(tmp_path, encoded(HUNGARIAN[:2], "cp1250")), organization, encoding="iso-8859-2")
    assert Person.objects.get().display_name == "Kovács Ödön"


def test_bytes_that_are_not_valid_in_the_encoding_are_that_rows_error(
    tmp_path: Path, organization: Organization
) -> None:
    data = encoded(HUNGARIAN[:3], "utf-8") + b"Bad \xff\xfe Name,1980,Eger\r\n"
    report = run(write(tmp_path, data), organization, encoding="utf-8")
    assert report.refused and Person.objects.count() == 0
    assert [(row.line, row.column) for row in report.bad_rows] == [(4, "Név")]
    assert "encoding" in report.bad_rows[0].reason


def test_an_invalid_byte_after_the_sample_is_reported_at_its_line(
    tmp_path: Path, organization: Organization, monkeypatch: Any
) -> None:
    monkeypatch.setattr(encodings, "SAMPLE_BYTES", 64)
    rows = [["name", "year"]] + [[f"Person {chr(97 + i)}", "1980"] for i in range(20)]
    data = encoded(rows, "utf-8") + "Kovács Ödön,1970\r\n".encode("cp1250")
    report = run(write(tmp_path, data), organization)  # the head is ASCII: read as UTF-8
    assert report.refused and [row.line for row in report.bad_rows] == [22]


# --- the command ---------------------------------------------------------------------------------------------


def test_the_command_says_which_encoding_it_read_with_a_sample(tmp_path: Path, organization: Organization) -> None:
    out = io.StringIO()
    path = write(tmp_path, encoded(TURKISH, "cp1254"))
    call_command("import", "people", str(path), "--organization", organization.slug, "--dry-run", stdout=out)
    assert "Encoding: cp1254 (recognised" in out.getvalue() and "Şükrü Yılmaz" in out.getvalue()


def test_the_command_stops_when_the_encoding_is_uncertain_and_takes_encoding(
    tmp_path: Path, organization: Organization
) -> None:
    path = str(write(tmp_path, AMBIGUOUS))
    with pytest.raises(CommandError, match="--encoding"):
        call_command("import", "people", path, "--organization", organization.slug, stdout=io.StringIO())
    assert Person.objects.count() == 0
    call_command(
        "import", "people", path, "--organization", organization.slug, "--encoding", "cp1251", stdout=io.StringIO()
    )
    assert Person.objects.get().display_name == "Дана"


def test_the_command_refuses_an_encoding_that_does_not_decode_the_file(
    tmp_path: Path, organization: Organization
) -> None:
    path = str(write(tmp_path, encoded(HUNGARIAN, "cp1250")))
    with pytest.raises(CommandError, match="not in utf-8"):
        call_command(
            "import", "people", path, "--organization", organization.slug, "--encoding", "utf-8", stdout=io.StringIO()
        )


# --- the upload page -----------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: Client, org_staff: User) -> Client:
    client.force_login(org_staff)
    return client


def upload(client: Client, organization: Organization, data: bytes) -> PersonImport:
    file = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    client.post("/people/import/", {"file": file, "organization": organization.pk})
    return PersonImport.objects.get()


def test_the_mapping_step_shows_the_recognised_encoding_with_the_first_rows(
    staff_client: Client, organization: Organization
) -> None:
    record = upload(staff_client, organization, encoded(HUNGARIAN, "cp1250"))
    response = staff_client.get(f"/people/import/{record.pk}/")
    page = response.content.decode()
    assert "Windows-1250" in page and "Szőke Anikó" in page and "Tűzkő Ágnes" in page
    form = response.context["form"]
    assert form["encoding"].initial == "cp1250" and form["name"].initial == "Név"


def test_the_page_imports_in_the_recognised_encoding(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    record = upload(staff_client, organization, encoded(TURKISH, "cp1254"))
    data = {"encoding": "cp1254", "shown_encoding": "cp1254", "name": "Ad Soyad", "city": "Şehir"}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/people/import/{record.pk}/", data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.encoding, record.imported_rows) == (ImportStatus.DONE, "cp1254", 6)
    assert sorted(Person.objects.values_list("display_name", flat=True)) == names(TURKISH)


def test_the_page_does_not_start_an_uncertain_file_until_an_encoding_is_chosen(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    record = upload(staff_client, organization, AMBIGUOUS)
    page = staff_client.get(f"/people/import/{record.pk}/")
    assert page.context["form"]["encoding"].initial == "" and page.context["preview"].needs_choice
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/people/import/{record.pk}/", {"encoding": "", "name": "Name"})
    assert response.status_code == 200 and response.context["form"].errors["encoding"]
    record.refresh_from_db()
    assert record.started_at is None and Person.objects.count() == 0


def test_the_page_shows_the_file_in_the_chosen_encoding_then_imports_in_it(
    staff_client: Client, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    record = upload(staff_client, organization, AMBIGUOUS)
    shown = staff_client.post(
        f"/people/import/{record.pk}/", {"encoding": "cp1251", "shown_encoding": "", "name": "Name"}
    )
    assert shown.status_code == 200 and "Дана" in shown.content.decode()
    assert PersonImport.objects.get().started_at is None  # another encoding: shown first, not started
    assert shown.context["form"]["shown_encoding"].initial == "cp1251"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/people/import/{record.pk}/", {"encoding": "cp1251", "shown_encoding": "cp1251", "name": "Name"}
        )
    assert Person.objects.get().display_name == "Дана"


def test_the_page_refuses_an_encoding_that_does_not_decode_the_file(
    staff_client: Client, organization: Organization
) -> None:
    record = upload(staff_client, organization, encoded(HUNGARIAN, "cp1250"))
    response = staff_client.post(
        f"/people/import/{record.pk}/", {"encoding": "utf-8", "shown_encoding": "utf-8", "name": "Név"}
    )
    assert response.status_code == 200 and response.context["form"].errors["encoding"]
    assert PersonImport.objects.get().started_at is None
