from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_directory_lists_an_organization(client):
    OrganizationFactory(name={"en": "Otandastar Foundation", "kk": "Отандастар қоры"})
    response = client.get("/organizations/")
    assert response.status_code == 200
    assert "Otandastar Foundation" in response.content.decode()


def test_directory_shows_kazakh_name_to_kazakh_visitor(client):
    OrganizationFactory(name={"en": "Otandastar Foundation", "kk": "Отандастар қоры"})
    client.cookies["django_language"] = "kk"
    response = client.get("/organizations/")
    assert "Отандастар қоры" in response.content.decode()
