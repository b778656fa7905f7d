"""Private files leave only through `/files/<kind>/<key>/` (tamyr.core.files), after `can()`, as attachments with
nosniff; nothing private is under /media/; failed and old imports lose their files. Who gets which file, role by
role, is in tests/accounts/test_role_matrix.py."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from tamyr.core import files, uploads
from tamyr.core.models import AuditEntry
from tamyr.events.models import RegistrationFile, SessionMaterial
from tamyr.learning.models import Enrollment, EnrollmentStatus, LessonMaterial
from tamyr.registry import imports
from tamyr.registry.models import ImportStatus, PersonImport
from tests.events.factories import EventFactory, QuestionFactory, RegistrationFactory, SessionFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant, with_totp
from tests.learning.factories import CourseFactory, GroupFactory, LessonFactory

pytestmark = pytest.mark.django_db

PEOPLE = "name,e-mail\nАйдос Омаров,aidos@example.org\n".encode()


def staff_of(organization: Any, role: str = "staff") -> Any:
    user = UserFactory()
    grant(user, organization, role)
    with_totp(user)
    return user


def an_import(**changes: Any) -> PersonImport:
    organization = OrganizationFactory()
    record = imports.person_import_create(
        file=SimpleUploadedFile("people of Istanbul.csv", PEOPLE, "text/csv"),
        organization=organization,
        acting_user=staff_of(organization),
    )
    for field, value in changes.items():
        setattr(record, field, value)
    record.save()
    return record


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_uploaded_import_is_private_with_a_random_name() -> None:
    record = an_import()
    path = Path(record.file.path)
    assert path.is_file() and Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))
    assert "Istanbul" not in record.file.name and record.original_name == "people of Istanbul.csv"


def test_the_old_media_address_of_an_import_answers_404(client: Client) -> None:
    record = an_import()
    assert client.get(f"/media/{record.file.name}").status_code == 404


@pytest.mark.parametrize("kind", ["import", "import-report"])
def test_anonymous_and_strangers_get_404_for_an_import_file(client: Client, kind: str) -> None:
    record = an_import(report=SimpleUploadedFile("r.csv", b"line,problem\n2,Aidos\n"))
    url = files.private_url(kind, record)
    assert url == f"/files/{kind}/{record.pk}/"
    response = client.get(url)
    assert response.status_code == 404 and b"Aidos" not in body(response)
    client.force_login(staff_of(OrganizationFactory(), "admin"))  # staff of another organization
    response = client.get(url)
    assert response.status_code == 404 and b"Aidos" not in body(response)
    assert client.get(f"/files/{kind}/999999/").status_code == 404  # the same answer as for no such import


def test_staff_download_the_import_as_an_attachment_with_nosniff_and_an_audit_row(client: Client) -> None:
    record = an_import()
    user = staff_of(record.organization)
    client.force_login(user)
    response = client.get(files.private_url("import", record))
    assert response.status_code == 200 and body(response) == PEOPLE
    assert response["Content-Type"] == "text/csv"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;") and "people" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert AuditEntry.objects.filter(action="registry.people_import_file_downloaded", actor=user).exists()


def test_the_report_link_on_the_import_page_is_the_private_view(client: Client) -> None:
    record = an_import(report=SimpleUploadedFile("r.csv", b"line,problem\n"), status=ImportStatus.DONE)
    client.force_login(staff_of(record.organization))
    content = client.get(f"/people/import/{record.pk}/progress/").content.decode()
    assert f'href="/files/import-report/{record.pk}/"' in content and "/media/" not in content


def test_with_an_accel_prefix_nginx_sends_the_bytes(client: Client, settings: Any) -> None:
    settings.TAMYR_PRIVATE_ACCEL_PREFIX = "/_private/"
    record = an_import()
    client.force_login(staff_of(record.organization))
    response = client.get(files.private_url("import", record))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{record.file.name}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_registration_answer_goes_to_the_person_and_the_event_staff_only(client: Client) -> None:
    event = EventFactory()
    owner = UserFactory()
    registration = RegistrationFactory(event=event, person=PersonFactory(user=owner))
    answer = RegistrationFile.objects.create(
        registration=registration,
        question=QuestionFactory(event=event, kind="file"),
        file=uploads.check(SimpleUploadedFile("cv.pdf", b"%PDF-1.4 my cv"), uploads.ANSWER),
        original_name="cv.pdf",
    )
    url = files.private_url("answer", answer)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    for user in (owner, staff_of(event.organizer)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and body(response) == b"%PDF-1.4 my cv"
        assert response["Content-Type"] == "application/pdf" and 'filename="cv.pdf"' in response["Content-Disposition"]


def test_the_registration_page_links_the_answer_through_the_private_view(client: Client) -> None:
    event = EventFactory()
    owner = UserFactory()
    registration = RegistrationFactory(event=event, person=PersonFactory(user=owner))
    answer = RegistrationFile.objects.create(
        registration=registration,
        question=QuestionFactory(event=event, kind="file"),
        file=uploads.check(SimpleUploadedFile("cv.pdf", b"%PDF-1.4 my cv"), uploads.ANSWER),
        original_name="my cv.pdf",
    )
    client.force_login(owner)
    content = client.get(registration.get_absolute_url()).content.decode()
    assert f'href="/files/answer/{answer.pk}/"' in content and "my cv.pdf" in content


def test_materials_of_a_published_event_are_downloads_for_everyone_and_of_a_draft_for_its_staff(
    client: Client,
) -> None:
    session = SessionFactory(event=EventFactory(status="draft"))
    material = SessionMaterial.objects.create(
        session=session,
        title="Slides",
        file=uploads.check(SimpleUploadedFile("s.pdf", b"%PDF-1.4 slides"), uploads.SESSION_MATERIAL),
    )
    url = files.private_url("session-material", material)
    assert client.get(url).status_code == 404
    session.event.status = "published"
    session.event.save(update_fields=["status"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Slides.pdf"' in response["Content-Disposition"]


def test_lesson_materials_go_to_seated_learners_and_teachers(client: Client) -> None:
    organization = OrganizationFactory()
    course = CourseFactory(provider=organization)
    group = GroupFactory(course=course)
    material = LessonMaterial.objects.create(
        lesson=LessonFactory(course=course),
        title="Alphabet",
        file=uploads.check(SimpleUploadedFile("a.pdf", b"%PDF-1.4 alphabet"), uploads.LESSON_MATERIAL),
    )
    url = files.private_url("lesson-material", material)
    learner, waiting = UserFactory(), UserFactory()
    Enrollment.objects.create(person=PersonFactory(user=learner), group=group, status=EnrollmentStatus.ACTIVE)
    Enrollment.objects.create(person=PersonFactory(user=waiting), group=group, status=EnrollmentStatus.WAITLISTED)
    teacher = UserFactory()
    group.teachers.add(teacher)
    for user, status in ((None, 404), (waiting, 404), (UserFactory(), 404), (learner, 200), (teacher, 200)):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(url).status_code == status, user


def test_the_lesson_api_links_materials_through_the_private_view() -> None:
    from tamyr.learning.api.serializers import LessonMaterialSerializer

    material = LessonMaterial.objects.create(
        lesson=LessonFactory(),
        title="Alphabet",
        file=uploads.check(SimpleUploadedFile("a.pdf", b"%PDF-1.4 alphabet"), uploads.LESSON_MATERIAL),
    )
    assert LessonMaterialSerializer(material).data["link"] == f"/files/lesson-material/{material.pk}/"


def test_public_media_is_served_with_nosniff_and_anything_but_an_image_as_an_attachment(client: Client) -> None:
    media = Path(settings.MEDIA_ROOT)
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "logos" / "old.html").write_bytes(b"<html><script>alert(1)</script>")
    (media / "logos" / "old.svg").write_bytes(b"<svg><script>alert(1)</script></svg>")
    image = client.get("/media/logos/a.png")
    assert image["X-Content-Type-Options"] == "nosniff" and image["Content-Type"] == "image/png"
    for name in ("old.html", "old.svg"):
        response = client.get(f"/media/logos/{name}")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")


# --- retention ------------------------------------------------------------------------------------------------------


def test_a_failed_import_deletes_its_upload(monkeypatch: Any) -> None:
    record = an_import(started_at=timezone.now())  # its columns confirmed: a worker may run it
    path = Path(record.file.path)

    def broken(**kwargs: Any) -> Any:
        raise imports.DomainError("The file could not be read.")

    monkeypatch.setattr(imports, "import_people", broken)
    imports.person_import_run(record=record)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and not record.file and not path.exists()


def test_purge_files_deletes_old_imports_files_and_keeps_recent_ones() -> None:
    old = an_import(report=SimpleUploadedFile("r.csv", b"line,problem\n"))
    recent = an_import()
    PersonImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=31))
    old_paths = [Path(old.file.path), Path(old.report.path)]
    call_command("purge_files")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not old.report and not any(path.exists() for path in old_paths)
    assert recent.file and Path(recent.file.path).is_file()


def test_purge_files_is_a_nightly_task() -> None:
    from tamyr.core import tasks

    task = tasks.purge_files.task_class()
    assert task.validate_datetime(timezone.datetime(2026, 12, 7, 3, 17))
    assert not task.validate_datetime(timezone.datetime(2026, 12, 7, 4, 17))


def test_the_migration_moves_existing_private_files_out_of_media() -> None:
    from django.apps import apps

    record = an_import()
    private_path = Path(record.file.path)
    public_path = Path(settings.MEDIA_ROOT) / record.file.name
    public_path.parent.mkdir(parents=True, exist_ok=True)
    private_path.rename(public_path)  # where it was before this change
    uploads.move_files_between(apps, "registry", "PersonImport", ("file", "report"), to_private=True)
    assert private_path.is_file() and not public_path.exists()


def test_the_admin_shows_stored_files_and_takes_no_upload(client: Client) -> None:
    from tamyr.events import services_programme

    event = EventFactory()
    png = io.BytesIO()
    Image.new("RGB", (40, 30)).save(png, "PNG")
    photo = services_programme.photo_add(
        event=event, image=SimpleUploadedFile("p.png", png.getvalue()), acting_user=staff_of(event.organizer)
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    with_totp(admin)
    client.force_login(admin)
    response = client.get(f"/admin/events/photo/{photo.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert photo.image.name in content and 'type="file"' not in content


def test_a_refused_import_deletes_its_upload_and_keeps_its_report(django_capture_on_commit_callbacks: Any) -> None:
    organization = OrganizationFactory()
    user = staff_of(organization)
    record = imports.person_import_create(
        file=SimpleUploadedFile("p.csv", "name,birth year\nАйдос,next year\n".encode()),
        organization=organization,
        acting_user=user,
    )
    path = Path(record.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        imports.person_import_start(
            record=record, mapping={"name": "name", "birth_year": "birth year"}, acting_user=user
        )
    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED and not record.file and not path.exists()
    assert record.report and Path(record.report.path).is_file()
