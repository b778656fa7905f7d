"""Every upload field against every known trick, through the field's real page: what is refused stores nothing,
what is accepted is stored re-encoded (nothing rides along) and, for private fields, outside the public media folder.

The fields and how to reach them are one table (`FIELDS`); the tricks another (`TRICKS`); the expected outcome of
each pair is `expected()`. Unit tests of `tamyr.core.uploads.check` follow.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tamyr.core import uploads
from tamyr.events.models import Photo, Registration, SessionMaterial
from tamyr.learning.models import LessonMaterial
from tamyr.registry.models import Organization, PersonImport
from tests.events.factories import EventFactory, QuestionFactory, SessionFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import CourseFactory, LessonFactory

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"
LIMIT = 64 * 1024  # every field's size limit in these tests (TAMYR_UPLOAD_LIMITS), so "oversize" stays small


# --- the tricks -----------------------------------------------------------------------------------------------------


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 105)).save(buffer, "PNG")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (32, 32), 1).save(buffer, "GIF")
    return buffer.getvalue()


def bomb_png() -> bytes:
    """A PNG that says 30,000 × 30,000 pixels (900 megapixels) in a few hundred bytes: decoding it would take
    gigabytes. Made by hand (header, one compressed run of zeros), since Pillow would have to hold it to save it."""
    import struct
    import zlib

    width = height = 30_000

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


TRICKS: dict[str, Callable[[], SimpleUploadedFile]] = {
    "html": lambda: SimpleUploadedFile("page.html", b"<!DOCTYPE html><html><body>" + SCRIPT, "text/html"),
    "js": lambda: SimpleUploadedFile("app.js", b"fetch('/api/v1/people/').then(r => r.text())\n", "text/javascript"),
    "svg_with_script": lambda: SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>", "image/svg+xml"
    ),
    "gif_with_script": lambda: SimpleUploadedFile("cat.gif", gif() + SCRIPT, "image/gif"),
    "html_named_png": lambda: SimpleUploadedFile("photo.png", b"<html><body>" + SCRIPT, "image/png"),
    "decompression_bomb": lambda: SimpleUploadedFile("huge.png", bomb_png(), "image/png"),
    "oversize": lambda: SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * LIMIT, "application/pdf"),
}
REFUSALS = (
    "cannot be uploaded",
    "not one of the kinds accepted here",
    "too large in pixels",
    "is larger than",
    "cannot be read",
)


# --- the fields -----------------------------------------------------------------------------------------------------


def staff_of(organization: Organization, role: str = "admin") -> Any:
    user = UserFactory()
    grant(user, organization, role)
    with_totp(user)
    return user


@dataclass
class Field:
    """One upload field: `post(client, file)` sends the file through its page and returns the response."""

    policy: uploads.Policy | None  # None: the credential check, which keeps nothing
    post: Callable[[Client, SimpleUploadedFile], Any]
    valid: Callable[[], SimpleUploadedFile]


def post_logo(client: Client, file: SimpleUploadedFile) -> Any:
    organization = OrganizationFactory()
    client.force_login(staff_of(organization))
    data = {"name_en": "Kazakh cultural centre", "kind": organization.kind, "logo": file}
    return client.post(reverse("registry:organization_edit", kwargs={"slug": organization.slug}), data)


def post_import(client: Client, file: SimpleUploadedFile) -> Any:
    organization = OrganizationFactory()
    client.force_login(staff_of(organization, "staff"))
    return client.post("/people/import/", {"file": file, "organization": organization.pk})


def post_banner(client: Client, file: SimpleUploadedFile) -> Any:
    from tests.events.test_staff_pages import event_form

    event = EventFactory()
    client.force_login(staff_of(event.organizer))
    data = {**event_form(event.organizer), "banner": file}
    return client.post(reverse("events:event_edit", kwargs={"slug": event.slug}), data)


def post_session_material(client: Client, file: SimpleUploadedFile) -> Any:
    session = SessionFactory()
    client.force_login(staff_of(session.event.organizer))
    data = {"action": "material_add", "session": session.pk, "title": "Slides", "file": file}
    return client.post(reverse("events:event_sessions", kwargs={"slug": session.event.slug}), data)


def post_photo(client: Client, file: SimpleUploadedFile) -> Any:
    event = EventFactory()
    client.force_login(staff_of(event.organizer))
    return client.post(
        reverse("events:event_gallery", kwargs={"slug": event.slug}), {"action": "upload", "images": [file]}
    )


def post_answer(client: Client, file: SimpleUploadedFile) -> Any:
    event = EventFactory(capacity=10)
    question = QuestionFactory(event=event, kind="file", required=True)
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    client.force_login(user)
    return client.post(
        reverse("events:event_register", kwargs={"slug": event.slug}), {f"q{question.pk}": file, "consent": "on"}
    )


def post_lesson_material(client: Client, file: SimpleUploadedFile) -> Any:
    organization = OrganizationFactory()
    lesson = LessonFactory(course=CourseFactory(provider=organization))
    client.force_login(staff_of(organization, "staff"))
    prefix = f"material-{lesson.pk}"
    return client.post(
        reverse("learning:course_manage", kwargs={"slug": lesson.course.slug}),
        {"action": "material_add", "id": lesson.pk, f"{prefix}-title": "Alphabet", f"{prefix}-file": file},
    )


def post_credential(client: Client, file: SimpleUploadedFile) -> Any:
    return client.post(reverse("verify_file"), {"credential": file})


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf")


def image() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", png(), "image/png")


def csv_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", "name,e-mail\nАйдос Омаров,a@example.org\n".encode(), "text/csv")


FIELDS: dict[str, Field] = {
    "organization logo": Field(uploads.LOGO, post_logo, image),
    "people import": Field(uploads.PEOPLE_IMPORT, post_import, csv_file),
    "event banner": Field(uploads.BANNER, post_banner, image),
    "session material": Field(uploads.SESSION_MATERIAL, post_session_material, pdf),
    "gallery photo": Field(uploads.PHOTO, post_photo, image),
    "registration answer": Field(uploads.ANSWER, post_answer, pdf),
    "lesson material": Field(uploads.LESSON_MATERIAL, post_lesson_material, pdf),
    "credential to verify": Field(None, post_credential, lambda: SimpleUploadedFile("c.json", b"{}", "text/json")),
}

STORED = "stored"  # kept (private fields: under PRIVATE_MEDIA_ROOT only), with no script bytes in it
REFUSED = "refused"


def expected(field: Field, trick: str) -> str:
    policy = field.policy
    if policy is None:
        return REFUSED  # nothing is ever kept: the credential is read and answered
    if trick == "gif_with_script" and uploads.GIF in policy.kinds:
        return STORED  # re-encoded: the appended script is not part of the pixels
    if trick == "js" and uploads.CSV in policy.kinds:
        return STORED  # plain text is a CSV to an import: kept privately, only ever downloaded as text/csv
    return REFUSED


def files_under(root: str) -> set[Path]:
    return {path for path in Path(root).rglob("*") if path.is_file()}


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    settings.TAMYR_UPLOAD_LIMITS = dict.fromkeys(uploads.POLICIES, LIMIT)


@pytest.mark.parametrize("trick", TRICKS)
@pytest.mark.parametrize("field_name", FIELDS)
def test_every_upload_field_against_every_trick(client: Client, field_name: str, trick: str) -> None:
    field = FIELDS[field_name]
    response = field.post(client, TRICKS[trick]())
    public, private = files_under(settings.MEDIA_ROOT), files_under(settings.PRIVATE_MEDIA_ROOT)
    if expected(field, trick) == REFUSED:
        assert response.status_code in (200, 400), response.status_code  # the form again, with the reason
        assert not public and not private, f"{field_name} stored {public | private}"
        if field.policy is not None:
            content = response.content.decode()
            assert any(reason in content for reason in REFUSALS), content[:2000]
        return
    assert field.policy is not None
    stored = private if field.policy.private else public
    assert stored, f"{field_name} stored nothing for {trick}"
    if field.policy.private:
        assert not public, f"a private upload reached the public media folder: {public}"
    for path in stored:
        data = path.read_bytes()
        assert b"<script" not in data and b"alert(" not in data or path.suffix == ".csv"
        assert path.suffix in uploads.EXTENSIONS and trick not in path.name


@pytest.mark.parametrize("field_name", [name for name, field in FIELDS.items() if field.policy is not None])
def test_every_upload_field_keeps_a_good_file_where_it_belongs(client: Client, field_name: str) -> None:
    field = FIELDS[field_name]
    assert field.policy is not None
    response = field.post(client, field.valid())
    assert response.status_code in (200, 302)
    public, private = files_under(settings.MEDIA_ROOT), files_under(settings.PRIVATE_MEDIA_ROOT)
    assert (bool(private), bool(public)) == (field.policy.private, not field.policy.private), (public, private)


# --- the service itself ---------------------------------------------------------------------------------------------


def test_a_png_is_re_encoded_and_renamed() -> None:
    checked = uploads.check(SimpleUploadedFile("../../etc/Holiday photo.png", png()), uploads.PHOTO)
    assert checked.kind == uploads.PNG and checked.original_name == "Holiday photo.png"
    assert checked.name.endswith(".png") and "Holiday" not in checked.name and len(checked.name) > 30
    with Image.open(checked) as opened:
        assert opened.format == "PNG" and opened.size == (64, 48)


def test_a_gif_with_a_script_appended_loses_the_script() -> None:
    checked = uploads.check(SimpleUploadedFile("cat.gif", gif() + SCRIPT), uploads.ANSWER)
    assert checked.kind == uploads.GIF and SCRIPT not in checked.read()


def test_jpeg_metadata_is_stripped() -> None:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret GPS notes"  # ImageDescription
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)
    checked = uploads.check(SimpleUploadedFile("p.jpg", buffer.getvalue()), uploads.PHOTO)
    assert b"secret GPS notes" not in checked.read()


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(SimpleUploadedFile("huge.png", bomb_png()), uploads.BANNER)
    assert refused.value.code == "image_too_large"


def test_the_name_never_decides_a_pdf_named_png_is_a_pdf() -> None:
    checked = uploads.check(SimpleUploadedFile("photo.png", b"%PDF-1.4\n%%EOF\n", "image/png"), uploads.ANSWER)
    assert checked.kind == uploads.PDF and checked.name.endswith(".pdf")
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(SimpleUploadedFile("photo.png", b"%PDF-1.4\n%%EOF\n", "image/png"), uploads.PHOTO)
    assert refused.value.code == "unsupported_type"


def office(members: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first, members.pop(first))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_office_documents_are_told_by_their_inner_structure() -> None:
    docx = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    odt = office({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, first="mimetype")
    any_zip = office({"index.html": b"<html>" + SCRIPT})
    assert uploads.check(SimpleUploadedFile("a.bin", docx), uploads.ANSWER).kind == uploads.DOCX
    assert uploads.check(SimpleUploadedFile("a.bin", odt), uploads.ANSWER).kind == uploads.ODT
    with pytest.raises(uploads.UploadRefused):
        uploads.check(SimpleUploadedFile("a.docx", any_zip), uploads.ANSWER)


def test_utf16_and_cp1251_text_are_csv_for_an_import() -> None:
    utf16 = "ФИО;e-mail\nАйдос;a@example.org\n".encode("utf-16")
    cp1251 = "ФИО;e-mail\nАйдос;a@example.org\n".encode("cp1251")
    assert uploads.check(SimpleUploadedFile("a.csv", utf16), uploads.PEOPLE_IMPORT).kind == uploads.CSV
    assert uploads.check(SimpleUploadedFile("a.txt", cp1251), uploads.PEOPLE_IMPORT).kind == uploads.CSV


def test_a_csv_with_a_stray_nul_byte_is_left_for_the_import_to_report_that_row() -> None:
    text = b"Name,E-mail\nNul\x00Byte,\nAidos,aidos@example.org\n"
    assert uploads.sniff(io.BytesIO(text)) is uploads.CSV
    assert uploads.sniff(io.BytesIO("Name,City\nAidos,Győr\n".encode("utf-16-le"))) is uploads.CSV  # no byte-order mark


def test_binary_data_is_not_text() -> None:
    assert uploads.sniff(io.BytesIO(bytes(range(256)) * 64)) is None


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(SimpleUploadedFile("a.csv", b""), uploads.PEOPLE_IMPORT)
    assert refused.value.code == "empty"


def test_logos_have_a_size_limit_of_2_mb(settings: Any) -> None:
    settings.TAMYR_UPLOAD_LIMITS = {}
    big = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(big, uploads.LOGO)
    assert refused.value.code == "too_large" and "2 MB" in str(refused.value.message)


def test_the_refusal_is_translated() -> None:
    from django.utils import translation

    with translation.override("ru"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(SimpleUploadedFile("a.html", b"<html>" + SCRIPT), uploads.ANSWER)
    assert "загружать нельзя" in str(refused.value.message)


def test_stored_names_are_random_whatever_the_given_name() -> None:
    upload_to = uploads.RandomName("events/answers")
    first, second = upload_to(None, "cv.pdf"), upload_to(None, "cv.pdf")
    assert first != second and first.endswith(".pdf") and "cv" not in first.rsplit("/", 1)[-1]
    assert upload_to(None, "evil.html").endswith(".bin")


def test_replaced_logo_is_deleted_after_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    from tamyr.registry import services

    organization = OrganizationFactory()
    admin = staff_of(organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update(organization=organization, data={"logo": image()}, acting_user=admin)
    first = Path(organization.logo.path)
    assert first.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update(organization=organization, data={"logo": image()}, acting_user=admin)
    assert not first.exists() and Path(organization.logo.path).is_file()


def test_replaced_banner_is_deleted_after_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    from tamyr.events import services

    event = EventFactory()
    admin = staff_of(event.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, acting_user=admin, banner=image())
    first = Path(event.banner.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, acting_user=admin, banner=image())
    assert not first.exists() and Path(event.banner.path).is_file()


def test_a_service_called_without_the_form_still_checks_the_file() -> None:
    from tamyr.events import services_programme

    session = SessionFactory()
    with pytest.raises(uploads.UploadRefused):
        services_programme.material_add(
            session=session,
            title="Page",
            acting_user=staff_of(session.event.organizer),
            file=SimpleUploadedFile("x.pdf", b"<html>" + SCRIPT),
        )
    assert not SessionMaterial.objects.exists() and not LessonMaterial.objects.exists()
    assert not Photo.objects.exists() and not Registration.objects.exists() and not PersonImport.objects.exists()


def test_an_xlsx_import_is_recognised_by_content_and_its_header_read() -> None:
    from openpyxl import Workbook

    from tamyr.registry import imports

    workbook = Workbook()
    workbook.active.append(["ФИО", "e-mail"])  # type: ignore[union-attr]
    workbook.active.append(["Айдос Омаров", "a@example.org"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    organization = OrganizationFactory()
    record = imports.person_import_create(
        file=SimpleUploadedFile("people.bin", buffer.getvalue()),  # the name says nothing; the content does
        organization=organization,
        acting_user=staff_of(organization),
    )
    assert record.file.name.endswith(".xlsx") and imports.person_import_header(record) == ["ФИО", "e-mail"]
