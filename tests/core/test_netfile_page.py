"""The platform admin's network-file page: upload, the plan with nothing written, apply exactly what was shown as
the signed-in admin, the problems with file:line:field, the upload service's refusals, and the dump download."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tamyr.core import netfiles
from tamyr.core.models import AuditEntry
from tamyr.core.netfile_views import MAX_FILES, SESSION_KEY
from tamyr.registry.models import Network, Organization
from tests.factories import UserFactory, with_totp

PAGE = "/admin/network-files/"
APPLY = "/admin/network-files/apply/"
DUMP = "/admin/network-files/dump/"

GOOD = """\
version: 1
organizations:
  - slug: abai-uii
    kind: cultural_centre
    name: {kk: Абай үйі, en: Abai House}
    country: KZ
networks:
  - slug: centres
    name: {en: Cultural centres}
    members:
      - organization: abai-uii
"""


def yaml_file(text: str, name: str = "network.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


@pytest.fixture
def admin_client(client: Client, platform_admin) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(platform_admin)
    return client


def shown_digest(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'name="digest" value="([0-9a-f]{64})"', response.content.decode())
    assert match, "the plan has no Apply form"
    return match[1]


@pytest.mark.django_db
def test_a_staff_account_that_is_not_platform_admin_is_refused() -> None:
    staff = UserFactory(username="adminstaff", is_staff=True)
    with_totp(staff)
    client = Client()
    client.force_login(staff)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"upload": yaml_file(GOOD)}).status_code == 403
    assert client.get(DUMP, {"network": "centres"}).status_code == 403
    assert not Organization.objects.filter(slug="abai-uii").exists()


@pytest.mark.django_db
def test_the_admin_index_links_the_page(admin_client: Client) -> None:
    assert PAGE in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_a_valid_file_shows_the_plan_and_writes_nothing(admin_client: Client) -> None:
    response = admin_client.post(PAGE, {"upload": yaml_file(GOOD)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "+ create organization abai-uii" in html and "Plan: 2 to create, 0 to change, 0 unchanged." in html
    assert not Organization.objects.filter(slug="abai-uii").exists()
    assert not Network.objects.filter(slug="centres").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_apply_writes_the_plan_with_audit_rows_naming_the_admin(admin_client: Client, platform_admin) -> None:  # type: ignore[no-untyped-def]
    digest = shown_digest(admin_client.post(PAGE, {"upload": yaml_file(GOOD)}))
    response = admin_client.post(APPLY, {"digest": digest}, follow=True)
    assert "Applied: 2 created, 0 changed, 0 unchanged." in response.content.decode()
    assert Network.objects.get(slug="centres").organizations.get().slug == "abai-uii"
    actions = set(AuditEntry.objects.filter(actor=platform_admin).values_list("action", flat=True))
    assert "core.network_file_loaded" in actions and "registry.network_created" in actions
    assert not AuditEntry.objects.exclude(actor=platform_admin).exists()
    assert SESSION_KEY not in admin_client.session


@pytest.mark.django_db
def test_an_invalid_file_shows_file_line_and_field_and_writes_nothing(admin_client: Client) -> None:
    bad = GOOD.replace("kind: cultural_centre", "kind: club")
    response = admin_client.post(PAGE, {"upload": yaml_file(bad, "mine.yaml")})
    assert response.status_code == 400
    assert "mine.yaml:4: organizations[0].kind: &#x27;club&#x27; is not one of" in response.content.decode()
    assert 'name="digest"' not in response.content.decode()
    assert not Organization.objects.filter(slug="abai-uii").exists()
    assert SESSION_KEY not in admin_client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "Web pages"),
        (b"version: 1\n# <script>alert(1)</script>\n", "Web pages"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not one of the kinds"),
        (b"version: 1\nname: \xff\xfe\xfa\n", "not text in UTF-8"),
    ],
)
def test_the_upload_service_refuses_what_is_not_yaml_text(admin_client: Client, content: bytes, code: str) -> None:
    response = admin_client.post(PAGE, {"upload": SimpleUploadedFile("network.yaml", content)})
    assert response.status_code == 400
    assert code in response.content.decode()
    assert SESSION_KEY not in admin_client.session


@pytest.mark.django_db
def test_apply_after_the_kept_file_changed_is_refused(admin_client: Client) -> None:
    digest = shown_digest(admin_client.post(PAGE, {"upload": yaml_file(GOOD)}))
    session = admin_client.session
    session[SESSION_KEY] = [["network.yaml", GOOD.replace("Abai House", "Someone else's house")]]
    session.save()
    response = admin_client.post(APPLY, {"digest": digest}, follow=True)
    assert "changed since the plan was shown" in response.content.decode()
    assert not Organization.objects.filter(slug="abai-uii").exists()


@pytest.mark.django_db
def test_apply_after_the_database_changed_is_refused(admin_client: Client) -> None:
    digest = shown_digest(admin_client.post(PAGE, {"upload": yaml_file(GOOD)}))
    netfiles.load([("other.yaml", GOOD.split("networks:")[0])])  # someone creates the organization meanwhile
    response = admin_client.post(APPLY, {"digest": digest}, follow=True)
    assert "changed since the plan was shown" in response.content.decode()
    assert not Network.objects.filter(slug="centres").exists()


@pytest.mark.django_db
def test_a_file_already_loaded_shows_nothing_to_apply(admin_client: Client) -> None:
    netfiles.load([("network.yaml", GOOD)])
    response = admin_client.post(PAGE, {"upload": yaml_file(GOOD)})
    assert "the database already matches the files" in response.content.decode()
    assert 'name="digest"' not in response.content.decode()


@pytest.mark.django_db
def test_the_dump_download_is_the_network_file(admin_client: Client) -> None:
    netfiles.load([("network.yaml", GOOD)])
    response = admin_client.get(DUMP, {"network": "centres"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="centres.yaml"'
    assert response.content.decode() == netfiles.dump_text(netfiles.DumpScope(networks=["centres"]))
    assert "abai-uii" in response.content.decode()


@pytest.mark.django_db
def test_the_dump_of_an_unknown_network_is_refused(admin_client: Client) -> None:
    assert admin_client.get(DUMP, {"network": "no-such-network"}).status_code == 400


@pytest.mark.django_db
def test_more_files_than_allowed_at_once_are_refused(admin_client: Client) -> None:
    files = [yaml_file("version: 1\n", f"n{index}.yaml") for index in range(MAX_FILES + 1)]
    response = admin_client.post(PAGE, {"upload": files})
    assert response.status_code == 400
    assert f"At most {MAX_FILES} files at once." in response.content.decode()


@pytest.mark.django_db
def test_several_files_are_planned_as_one(admin_client: Client) -> None:
    organizations, networks = GOOD.split("networks:")
    files = [yaml_file(organizations, "orgs.yaml"), yaml_file("version: 1\nnetworks:" + networks, "nets.yaml")]
    response = admin_client.post(PAGE, {"upload": files})
    assert "Plan: 2 to create, 0 to change, 0 unchanged." in response.content.decode()
    admin_client.post(APPLY, {"digest": shown_digest(response)})
    assert Network.objects.get(slug="centres").organizations.get().slug == "abai-uii"
