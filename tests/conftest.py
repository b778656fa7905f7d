from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.test.client import ClientHandler

from tests.factories import OrganizationFactory, RoleWorld, UserFactory, grant, with_totp


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Each test starts with empty API throttle counts: the role matrix alone sends thousands of requests."""
    from django.core.cache import caches

    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def _credentials_follow_the_open_badges_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Open Badges credential Tamyr signs in any test is checked against 1EdTech's JSON Schema: a test
    that issues one fails when the credential does not conform."""
    from tamyr.learning.credentials import openbadges
    from tests.openbadges_schema import is_achievement_credential, schema_errors

    sign = openbadges.sign

    def checked_sign(document: Any, *args: Any, **kwargs: Any) -> Any:
        signed = sign(document, *args, **kwargs)
        if is_achievement_credential(signed):
            errors = schema_errors(signed)
            assert not errors, "The credential breaks the Open Badges 3.0 schema:\n" + "\n".join(errors)
        return signed

    monkeypatch.setattr(openbadges, "sign", checked_sign)


@pytest.fixture
def organization(db):  # type: ignore[no-untyped-def]
    return OrganizationFactory()


@pytest.fixture
def compatriot(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="compatriot")


@pytest.fixture
def org_admin(db, organization):  # type: ignore[no-untyped-def]
    user = UserFactory(username="orgadmin")
    grant(user, organization, "admin")
    with_totp(user)
    return user


@pytest.fixture
def org_staff(db, organization):  # type: ignore[no-untyped-def]
    user = UserFactory(username="orgstaff")
    grant(user, organization, "staff")
    with_totp(user)
    return user


@pytest.fixture
def platform_admin(db):  # type: ignore[no-untyped-def]
    user = UserFactory(username="platformadmin", is_superuser=True, is_staff=True)
    with_totp(user)
    return user


# --- one request handler shared by every test's `client` -----------------------------------------------------
# Django's test client builds its middleware chain once per client, and WhiteNoise (with finders on in the test
# settings) scans every static file while doing so: about 30 ms a test. Tests share a chain here instead; a new
# one is built whenever a setting that middleware could read at start-up differs (MEDIA_ROOT, which every test
# changes and no middleware reads, is left out).

_HANDLERS: dict[tuple[bool, str], ClientHandler] = {}
MEDIA_SETTINGS = frozenset({"MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"})


def _settings_fingerprint() -> str:
    """The settings in force: the base settings object and every override layered on it, MEDIA_ROOT aside."""
    from django.conf import UserSettingsHolder
    from django.conf import settings as django_settings

    layers: list[object] = []
    holder = django_settings._wrapped
    while isinstance(holder, UserSettingsHolder):
        overrides = vars(holder)
        layers.append(sorted((k, repr(v)) for k, v in overrides.items() if k.isupper() and k not in MEDIA_SETTINGS))
        layers.append(sorted(overrides.get("_deleted", ())))
        holder = holder.default_settings
    layers.append(id(holder))
    return repr(layers)


class SharedHandlerClient(Client):
    def request(self, **request: Any) -> Any:
        key = (self.handler.enforce_csrf_checks, _settings_fingerprint())
        if key not in _HANDLERS:
            _HANDLERS.clear()
            _HANDLERS[key] = ClientHandler(self.handler.enforce_csrf_checks)
        self.handler = _HANDLERS[key]
        return super().request(**request)


@pytest.fixture
def client() -> Client:
    """Django's test client (pytest-django's `client`), with the shared request handler."""
    return SharedHandlerClient()


@pytest.fixture(scope="module")
def role_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RoleWorld]:
    """One user per role around organizations A and B, built once per module and rolled back after it.

    Like Django's `setUpTestData`: the rows are made inside a transaction that stays open for the module; each
    test runs in a savepoint within it, so what a test changes is undone before the next one. Its files (the
    certificate's PDF) go to a folder of the module's, `world.media_root`, never to the project's media folder.
    """
    media_root = str(tmp_path_factory.mktemp("role-world-media"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PRIVATE_MEDIA_ROOT=media_root + "-private"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = RoleWorld()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    world.media_root = media_root
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _english_after_each_test():  # type: ignore[no-untyped-def]
    """A test that switches the language must not leave it switched for the next one."""
    from django.utils import translation

    yield
    translation.activate("en")
