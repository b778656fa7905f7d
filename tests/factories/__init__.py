"""Factories for every model the tests need; tests never use fixtures files."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
from tamyr.names import search_key
from tamyr.registry.models import (
    Affiliation,
    Consent,
    Country,
    NameVariant,
    Network,
    NetworkMembership,
    Organization,
    Person,
)


def country(code: str) -> Country:
    """Countries are loaded by a migration; tests fetch them, never create them."""
    return Country.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
            self.save()


def with_totp(user: User) -> str:
    """Give a staff user an authenticator, as the demo does; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda o: {"en": f"Organization {o.slug}"})
    kind = "cultural_centre"
    country = factory.LazyFunction(lambda: country("KZ"))
    city = "Astana"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.LazyAttribute(lambda o: {"en": f"Network {o.slug}"})


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Aigerim Test{n}")
    residence_country = factory.LazyFunction(lambda: country("TR"))
    registered_by = factory.SubFactory(OrganizationFactory)
    birth_year = 1990

    @factory.post_generation
    def variants(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        for text in [self.display_name, *(extracted or [])]:
            NameVariant.objects.create(person=self, text=text, key=search_key(text))


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = "registry"
    method = "web_form"
    given_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)


def grant(user: User, organization: Organization, role: str) -> OrganizationRole:
    return OrganizationRole.objects.create(user=user, organization=organization, role=role)


def coordinate(user: User, network: Network) -> NetworkCoordinator:
    return NetworkCoordinator.objects.create(user=user, network=network)


# --- the cast of the role matrix: one user per role around organizations A and B ---------------------------

ROLE_NAMES = (
    "anonymous",
    "compatriot",
    "person_owner",
    "org_admin_a",
    "staff_a",
    "teacher_a",
    "reviewer_a",
    "org_admin_b",
    "coordinator_a",
    "coordinator_other",
    "platform_admin",
)


class RoleWorld:
    """Organization A (in network A) keeps person A; organization B (in network B) keeps person B.

    `users` maps every role name except "anonymous" to a user holding exactly that role; staff roles have an
    authenticator app (the middleware would send them to set one up otherwise). `person_owner` is the
    compatriot whose own record is person A.
    """

    def __init__(self) -> None:
        self.org_a = OrganizationFactory(slug="org-a", name={"en": "Organization A"})
        self.org_b = OrganizationFactory(slug="org-b", name={"en": "Organization B"}, country=country("TR"))
        self.network_a = NetworkFactory(slug="network-a", name={"en": "Network A"})
        self.network_b = NetworkFactory(slug="network-b", name={"en": "Network B"})
        NetworkMembershipFactory(network=self.network_a, organization=self.org_a)
        NetworkMembershipFactory(network=self.network_b, organization=self.org_b)
        self.users: dict[str, User] = {}
        for role in ROLE_NAMES[1:]:
            self.users[role] = UserFactory(username=role.replace("_", "-"))
        self.person_a = PersonFactory(display_name="Person Alpha", registered_by=self.org_a)
        self.person_b = PersonFactory(display_name="Person Beta", registered_by=self.org_b)
        self.person_a.user = self.users["person_owner"]
        self.person_a.save(update_fields=["user"])
        grant(self.users["org_admin_a"], self.org_a, "admin")
        grant(self.users["staff_a"], self.org_a, "staff")
        grant(self.users["teacher_a"], self.org_a, "teacher")
        grant(self.users["reviewer_a"], self.org_a, "reviewer")
        grant(self.users["org_admin_b"], self.org_b, "admin")
        coordinate(self.users["coordinator_a"], self.network_a)
        coordinate(self.users["coordinator_other"], self.network_b)
        platform = self.users["platform_admin"]
        platform.is_superuser = platform.is_staff = True
        platform.save(update_fields=["is_superuser", "is_staff"])
        for role, user in self.users.items():
            if role not in ("compatriot", "person_owner"):
                with_totp(user)

    def user(self, role: str) -> User | None:
        return self.users.get(role)
