from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tamyr.cases import services
from tamyr.cases.models import CaseDocument
from tamyr.core.uploads import UploadRefused
from tests.factories.cases import CaseWorld, case_world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> CaseWorld:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    return case_world()


def _add(world: CaseWorld, visibility: str = "organization", content: bytes = PDF) -> CaseDocument:
    case = world.case
    return services.document_add(
        case=case,
        version=case.version,
        upload=SimpleUploadedFile("passport.pdf", content),
        doc_type="passport",
        visibility=visibility,
        acting_user=world.worker,
    )


def test_a_document_is_checked_by_its_content(world: CaseWorld) -> None:
    with pytest.raises(UploadRefused):
        _add(world, content=b"<html><script>alert(1)</script></html>")


def test_a_document_is_kept_for_its_types_retention_period(world: CaseWorld) -> None:
    document = _add(world)
    assert document.expires_on == timezone.localdate() + dt.timedelta(days=365)


def test_the_daily_task_deletes_expired_documents(world: CaseWorld) -> None:
    document = _add(world)
    assert services.documents_delete_expired(today=document.expires_on) == 0
    assert services.documents_delete_expired(today=document.expires_on + dt.timedelta(days=1)) == 1
    assert not CaseDocument.objects.exists()


def test_a_worker_only_document_is_served_to_the_worker_not_to_colleagues(world: CaseWorld) -> None:
    from tests.factories import UserFactory, grant, with_totp

    document = _add(world, visibility="worker")
    colleague = UserFactory()
    grant(colleague, world.owner, "staff")
    with_totp(colleague)
    worker, other = Client(), Client()
    worker.force_login(world.worker)
    other.force_login(colleague)
    assert worker.get(f"/files/case-document/{document.pk}/").status_code == 200
    assert other.get(f"/files/case-document/{document.pk}/").status_code == 404
