from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory, UserFactory, grant, with_totp


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


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
