"""The name a person writes: asked at sign-up (and once of accounts that never gave one), edited on the profile,
and the one their registry record, mail, registration pages and badges carry, never the username."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tamyr.accounts.adapter import user_display
from tamyr.accounts.models import User
from tamyr.registry import services as registry_services
from tamyr.registry.models import Person
from tests.events.factories import EventFactory
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def sign_up(client: Client, *, name: str = "Нұрлан Әбенов", name_latin: str = "", **extra: str) -> Any:
    data = {
        "email": "nurlan@example.org",
        "username": "nurlan_185924",
        "password1": "a-long-pass-phrase-42",
        "password2": "a-long-pass-phrase-42",
        "name": name,
        "name_latin": name_latin,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_sign_up_asks_for_the_name_first(client: Client) -> None:
    content = client.get(reverse("account_signup")).content.decode()
    assert 'name="name"' in content and 'name="name_latin"' in content
    assert content.index('name="name"') < content.index('name="username"')


def test_sign_up_keeps_the_name_as_written_and_in_latin_letters(client: Client) -> None:
    sign_up(client, name="  Нұрлан   Әбенов ", name_latin="Nurlan Abenov", HTTP_ACCEPT_LANGUAGE="kk")
    user = User.objects.get(username="nurlan_185924")
    assert (user.name, user.name_latin, user.get_full_name()) == ("Нұрлан Әбенов", "Nurlan Abenov", "Нұрлан Әбенов")


def test_sign_up_keeps_a_family_name_first_order(client: Client) -> None:
    sign_up(client, name="Kovács Anna")
    assert User.objects.get(username="nurlan_185924").name == "Kovács Anna"


def test_sign_up_without_a_name_is_refused(client: Client) -> None:
    response = sign_up(client, name="  ")
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert not User.objects.filter(username="nurlan_185924").exists()


@pytest.mark.parametrize("name", ["Nurlan 2", "Nurlan\x07Abenov", "<script>", "12345"])
def test_a_name_with_digits_control_characters_or_markup_is_refused(client: Client, name: str) -> None:
    response = sign_up(client, name=name)
    assert "name" in response.context["form"].errors


def test_the_latin_name_must_be_in_latin_letters(client: Client) -> None:
    response = sign_up(client, name="Нұрлан Әбенов", name_latin="Нұрлан")
    assert "name_latin" in response.context["form"].errors


def test_latin_letters_with_diacritics_and_uzbek_apostrophes_are_latin(client: Client) -> None:
    sign_up(client, name="Oʻgʻiloy Özdemir", name_latin="Oʻgʻiloy Özdemir")
    assert User.objects.get(username="nurlan_185924").name_latin == "Oʻgʻiloy Özdemir"


def test_the_confirmation_mail_names_the_person_not_the_username(client: Client) -> None:
    sign_up(client, name="Нұрлан Әбенов")
    body = mail.outbox[-1].body
    assert "Нұрлан Әбенов" in body and "nurlan_185924" not in body


def test_allauth_names_an_account_without_a_name_by_its_e_mail() -> None:
    user = UserFactory(username="aigerim_185924", email="aigerim@example.org")
    assert user_display(user) == "aigerim@example.org"


# --- the registry record ----------------------------------------------------------------------------------------


def named_user(**fields: Any) -> User:
    user = UserFactory(**{"name": "Әйгерім Нұрланқызы", "name_latin": "Aigerim Nurlankyzy", **fields})
    user.preferred_language = "kk"
    user.save()
    return user


def test_a_record_made_for_a_user_carries_their_name_and_its_latin_variant() -> None:
    person = registry_services.person_create_for_user(user=named_user(username="aigerim_185924"))
    variants = {(v.text, v.script, v.language) for v in person.name_variants.all()}
    assert person.display_name == "Әйгерім Нұрланқызы"
    assert variants == {("Әйгерім Нұрланқызы", "Cyrl", "kk"), ("Aigerim Nurlankyzy", "Latn", "")}


def test_registering_for_an_event_greets_by_name_on_the_page_and_in_the_mail(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = named_user(username="aigerim_185924", preferred_language="kk")
    event = EventFactory(title={"en": "Forum", "kk": "Форум"})
    client.force_login(user)
    client.cookies["django_language"] = "kk"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:event_register", kwargs={"slug": event.slug}), follow=True)
    assert Person.objects.get(user=user).display_name == "Әйгерім Нұрланқызы"
    page = response.content.decode()
    assert "Әйгерім Нұрланқызы" in page and "aigerim_185924" not in page
    with translation.override("kk"):
        greeting = translation.gettext("Dear %(name)s,") % {"name": "Әйгерім Нұрланқызы"}
    body = mail.outbox[-1].body
    assert body.startswith(greeting) and greeting.startswith("Құрметті")
    assert "aigerim_185924" not in body


def test_the_profile_renames_the_record_and_keeps_variants_staff_added(client: Client) -> None:
    user = named_user()
    person = registry_services.person_create_for_user(user=user)
    registry_services.person_update(
        person=person,
        acting_user=None,
        name_variants=[
            *[{"text": v.text, "script": v.script, "language": v.language} for v in person.name_variants.all()],
            {"text": "Айгерим Нурланкызы", "script": "Cyrl", "language": "ru"},
        ],
    )
    client.force_login(user)
    response = client.post(
        reverse("me:name"),
        {"name": "Әйгерім Сейітқызы", "name_latin": "Aigerim Seitkyzy", "next": reverse("me:profile")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("me:profile")
    person.refresh_from_db()
    assert person.display_name == "Әйгерім Сейітқызы"
    assert {v.text for v in person.name_variants.all()} == {
        "Әйгерім Сейітқызы",
        "Aigerim Seitkyzy",
        "Айгерим Нурланкызы",
    }


def test_a_bad_name_on_the_profile_changes_nothing(client: Client) -> None:
    user = named_user()
    client.force_login(user)
    response = client.post(reverse("me:name"), {"name": "", "name_latin": ""})
    assert response.status_code == 200 and response.context["form"].errors
    user.refresh_from_db()
    assert user.name == "Әйгерім Нұрланқызы"


def test_the_profile_shows_the_name_form_filled_in(client: Client) -> None:
    client.force_login(named_user())
    content = client.get(reverse("me:profile")).content.decode()
    assert 'value="Әйгерім Нұрланқызы"' in content and 'value="Aigerim Nurlankyzy"' in content


def test_erasure_forgets_the_name(client: Client) -> None:
    user = named_user()
    person = registry_services.person_create_for_user(user=user)
    registry_services.person_erase(person=person, acting_user=user)
    user.refresh_from_db()
    assert (user.name, user.name_latin) == ("", "")


def test_the_data_download_has_the_name(client: Client) -> None:
    user = named_user()
    registry_services.person_create_for_user(user=user)
    client.force_login(user)
    data = client.get(reverse("me:data")).json()
    assert (data["account"]["name"], data["account"]["name_latin"]) == ("Әйгерім Нұрланқызы", "Aigerim Nurlankyzy")


# --- accounts made before names ----------------------------------------------------------------------------------


def log_in(client: Client, user: User, next_url: str = "") -> Any:
    data = {"login": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def test_an_account_without_a_name_is_asked_once_after_signing_in(client: Client) -> None:
    user = UserFactory()
    response = log_in(client, user)
    assert response["Location"].startswith(reverse("me:name"))
    client.get(response["Location"])
    client.post(reverse("account_logout"))
    assert log_in(client, user)["Location"] == "/"


def test_the_name_page_goes_on_to_where_the_person_was_going(client: Client) -> None:
    user = UserFactory()
    event = EventFactory()
    target = reverse("events:event_register", kwargs={"slug": event.slug})
    response = log_in(client, user, target)
    assert response["Location"] == f"{reverse('me:name')}?next={target.replace('/', '%2F')}"
    page = client.get(response["Location"]).content.decode()
    assert f'name="next" value="{target}"' in page
    response = client.post(reverse("me:name"), {"name": "Kovács Anna", "next": target})
    assert response["Location"] == target


def test_an_account_with_a_name_is_never_asked(client: Client) -> None:
    assert log_in(client, named_user())["Location"] == "/"


def test_the_name_page_never_blocks_the_api_or_other_pages(client: Client) -> None:
    user = UserFactory()
    log_in(client, user)  # asked, and not answered
    assert client.get("/api/v1/events/").status_code == 200
    assert client.get(reverse("me:profile")).status_code == 200


def test_records_named_by_staff_name_their_accounts_on_migration() -> None:
    from importlib import import_module

    named = UserFactory(username="daniyar")
    PersonFactory(user=named, display_name="Данияр Қадыров")
    unnamed = UserFactory(username="nameless")
    PersonFactory(user=unnamed, display_name="nameless")
    import_module("tamyr.accounts.migrations.0004_user_name").names_from_records(apps, None)
    named.refresh_from_db()
    unnamed.refresh_from_db()
    assert (named.name, unnamed.name) == ("Данияр Қадыров", "")


# --- an account that never gave its name registers for an event -------------------------------------------------


def test_a_first_registration_without_a_name_asks_for_it(client: Client) -> None:
    event = EventFactory()
    client.force_login(UserFactory(username="aigerim_185924"))
    content = client.get(reverse("events:event_register", kwargs={"slug": event.slug})).content.decode()
    assert 'name="name"' in content and 'name="name_latin"' in content


def test_the_name_given_with_a_first_registration_names_the_record(client: Client) -> None:
    event = EventFactory()
    user = UserFactory(username="aigerim_185924")
    client.force_login(user)
    client.post(
        reverse("events:event_register", kwargs={"slug": event.slug}),
        {"name": "Әйгерім Нұрланқызы", "name_latin": "Aigerim Nurlankyzy"},
    )
    user.refresh_from_db()
    assert user.name == "Әйгерім Нұрланқызы"
    assert Person.objects.get(user=user).display_name == "Әйгерім Нұрланқызы"


def test_a_first_registration_without_the_asked_name_registers_nothing(client: Client) -> None:
    event = EventFactory()
    user = UserFactory(username="aigerim_185924")
    client.force_login(user)
    response = client.post(reverse("events:event_register", kwargs={"slug": event.slug}), {"name": ""})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert not Person.objects.filter(user=user).exists()


def test_a_named_account_is_not_asked_again_on_the_registration_form(client: Client) -> None:
    event = EventFactory()
    client.force_login(named_user())
    content = client.get(reverse("events:event_register", kwargs={"slug": event.slug})).content.decode()
    assert 'name="name_latin"' not in content
