"""Writing news and pages: the sanitiser, languages out of date, publication, revisions, trees and who may write."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tamyr.accounts.permissions import SYSTEM
from tamyr.content import services
from tamyr.content.models import Entry, EntryStatus
from tamyr.core.errors import NotAllowed
from tamyr.core.models import AuditEntry
from tamyr.core.uploads import UploadRefused
from tests.content.factories import news, page
from tests.factories import (
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    UserFactory,
    coordinate,
    grant,
)

pytestmark = pytest.mark.django_db

ATTACKS = {
    "script": ('<p>Hi</p><script>alert("x")</script>', "<script"),
    "onerror": ('<img src="/a.png" onerror="alert(1)">', "onerror"),
    "javascript url": ('<a href="javascript:alert(1)">click</a>', "javascript:"),
    "javascript url mixed case": ('<a href="JaVaScRiPt:alert(1)">click</a>', "avascript"),
    "style attribute": ('<p style="position:fixed;top:0">over</p>', "style"),
    "style element": ("<style>body{display:none}</style><p>x</p>", "display:none"),
    "iframe": ('<iframe src="https://evil.example"></iframe>', "iframe"),
    "svg onload": ('<svg onload="alert(1)"><circle/></svg>', "onload"),
    "data url": ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
}


@pytest.mark.parametrize("name", ATTACKS)
def test_an_editors_body_is_stored_without_what_could_run_or_restyle_the_page(organization, name) -> None:
    html, fragment = ATTACKS[name]
    entry = news(organization, body={"en": html})
    assert fragment.lower() not in entry.body.get("en", "").lower()


def test_the_sanitiser_keeps_the_formatting_an_editor_may_use(organization) -> None:
    html = '<h2>Title</h2><p><strong>bold</strong> <a href="https://gov.kz/x">link</a></p><ul><li>one</li></ul>'
    entry = news(organization, body={"en": html})
    assert "<h2>Title</h2>" in entry.body["en"]
    assert '<a href="https://gov.kz/x" rel="noopener noreferrer nofollow">link</a>' in entry.body["en"]
    assert "<ul><li>one</li></ul>" in entry.body["en"]


def test_a_translation_older_than_the_changed_source_is_out_of_date(organization) -> None:
    start = timezone.now()
    entry = news(organization, title={"en": "Hello", "kk": "Сәлем"}, source_language="en")
    assert entry.out_of_date == []
    entry = services.entry_update(
        entry=entry, acting_user=SYSTEM, title={"en": "Hello again", "kk": "Сәлем"}, now=start + dt.timedelta(1)
    )
    assert entry.out_of_date == ["kk"]


def test_updating_the_translation_brings_it_up_to_date(organization) -> None:
    start = timezone.now()
    entry = news(organization, title={"en": "Hello", "kk": "Сәлем"}, source_language="en")
    entry = services.entry_update(entry=entry, acting_user=SYSTEM, title={"en": "Hi", "kk": "Сәлем"},
                                  now=start + dt.timedelta(1))  # fmt: skip
    entry = services.entry_update(entry=entry, acting_user=SYSTEM, title={"en": "Hi", "kk": "Сәлеметсіз бе"},
                                  now=start + dt.timedelta(2))  # fmt: skip
    assert entry.out_of_date == []


def test_a_reader_without_a_version_gets_the_explicit_fallback_language(organization) -> None:
    entry = news(organization, title={"en": "English", "hu": "Magyar"}, source_language="hu", fallback_language="en")
    assert entry.reading_language("ky") == "en"
    assert entry.text("title", "hu") == "Magyar"


def test_the_fallback_language_must_have_a_version(organization) -> None:
    with pytest.raises(services.ContentError) as refused:
        news(organization, title={"en": "English"}, fallback_language="kk")
    assert refused.value.field == "fallback_language"


def test_a_publication_time_ahead_schedules_the_item_and_it_appears_when_the_time_comes(organization) -> None:
    now = timezone.now()
    entry = news(organization, status=EntryStatus.PUBLISHED, published_at=now + dt.timedelta(hours=2))
    assert entry.status == EntryStatus.SCHEDULED
    assert not Entry.objects.public(now).filter(pk=entry.pk).exists()
    assert Entry.objects.public(now + dt.timedelta(hours=3)).filter(pk=entry.pk).exists()


def test_scheduling_without_a_time_is_refused(organization) -> None:
    with pytest.raises(services.ContentError) as refused:
        news(organization, status=EntryStatus.SCHEDULED, published_at=None)
    assert refused.value.field == "published_at"


def test_every_save_keeps_a_revision_and_restoring_one_brings_its_text_back(organization) -> None:
    entry = news(organization, title={"en": "First"}, body={"en": "<p>one</p>"})
    entry = services.entry_update(entry=entry, acting_user=SYSTEM, title={"en": "Second"}, body={"en": "<p>two</p>"})
    first = entry.revisions.get(number=1)
    entry = services.revision_restore(revision=first, acting_user=SYSTEM)
    assert (entry.title, entry.body) == ({"en": "First"}, {"en": "<p>one</p>"})
    assert entry.revisions.count() == 3


def test_a_save_that_changes_nothing_writes_no_revision_and_no_audit_row(organization) -> None:
    entry = news(organization, title={"en": "Same"})
    before = (entry.revisions.count(), AuditEntry.objects.count())
    services.entry_update(entry=entry, acting_user=SYSTEM, title={"en": "Same"})
    assert (entry.revisions.count(), AuditEntry.objects.count()) == before


def test_staff_of_another_organization_may_not_write_its_news(organization) -> None:
    stranger = UserFactory()
    grant(stranger, OrganizationFactory(), "staff")
    with pytest.raises(NotAllowed):
        news(organization, acting_user=stranger)


def test_staff_may_not_change_another_organizations_item(organization) -> None:
    entry = news(organization)
    stranger = UserFactory()
    grant(stranger, OrganizationFactory(), "admin")
    with pytest.raises(NotAllowed):
        services.entry_update(entry=entry, acting_user=stranger, title={"en": "Taken over"})
    assert Entry.objects.get(pk=entry.pk).title == entry.title


def test_a_network_coordinator_writes_the_networks_news_but_not_its_members(organization) -> None:
    network = NetworkFactory()
    NetworkMembershipFactory(network=network, organization=organization)
    coordinator = UserFactory()
    coordinate(coordinator, network)
    assert news(network, acting_user=coordinator).network == network
    with pytest.raises(NotAllowed):
        news(organization, acting_user=coordinator)


def test_a_page_goes_under_a_page_of_its_own_organization_only(organization) -> None:
    other = page(OrganizationFactory())
    with pytest.raises(services.ContentError) as refused:
        page(organization, parent=other)
    assert refused.value.field == "parent"


def test_a_page_cannot_be_put_under_its_own_subpage(organization) -> None:
    top = page(organization)
    child = page(organization, parent=top)
    with pytest.raises(services.ContentError):
        services.entry_update(entry=top, acting_user=SYSTEM, parent=child)


def test_an_address_taken_by_another_news_item_is_refused(organization) -> None:
    news(organization, slug="same")
    with pytest.raises(services.ContentError) as refused:
        news(organization, slug="same")
    assert refused.value.code == "slug_taken"


def _image(width: int, height: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG")
    return SimpleUploadedFile("cover.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_large_cover_image_is_scaled_down_on_upload(organization) -> None:
    entry = news(organization, cover=_image(4000, 2000))
    with Image.open(entry.cover) as stored:
        assert stored.size == (services.COVER_MAX_SIDE, 800)


def test_a_cover_that_is_html_named_png_is_refused_and_nothing_is_saved(organization) -> None:
    fake = SimpleUploadedFile("cover.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(UploadRefused):
        news(organization, slug="with-fake-cover", cover=fake)
    assert not Entry.objects.filter(slug="with-fake-cover").exists()


def test_an_attachment_is_checked_by_its_content(organization) -> None:
    entry = news(organization)
    with pytest.raises(UploadRefused):
        services.attachment_add(
            entry=entry, upload=SimpleUploadedFile("report.pdf", b"<script>x</script>"), acting_user=SYSTEM
        )
    assert not entry.attachments.exists()


def test_a_pdf_attachment_is_kept_privately_under_a_random_name(organization) -> None:
    entry = news(organization)
    attachment = services.attachment_add(
        entry=entry, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"), acting_user=SYSTEM
    )
    assert attachment.original_name == "report.pdf"
    assert "report" not in attachment.file.name
