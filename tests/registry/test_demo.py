from __future__ import annotations

import base64
import hashlib
import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tamyr.accounts.models import NetworkCoordinator, OrganizationRole, User
from tamyr.core.netfiles.yamlfile import parse
from tamyr.events.demo import EVENTS_FILE
from tamyr.names import search_key
from tamyr.registry.demo import network, people
from tamyr.registry.demo.users import DEMO_PASSWORD, DEMO_USERS, current_code, totp_secret_for
from tamyr.registry.models import (
    Affiliation,
    Consent,
    NameVariant,
    Network,
    NetworkMembership,
    Organization,
    Person,
    SpokenLanguage,
)

pytestmark = pytest.mark.django_db

#: The Kazakh cultural centres abroad: they, with Otandastar, keep the records of the generated compatriots.
KAZAKH_CENTRES: tuple[str, ...] = (
    "kazakh-centre-istanbul",
    "kazakh-centre-iran",
    "kazakh-centre-russia",
    "kazakh-centre-uzbekistan",
    "kazakh-centre-mongolia",
    "kazakh-centre-japan",
)
COUNTED = (Organization, Network, NetworkMembership, Person, NameVariant, Affiliation, Consent, User, OrganizationRole)


def _named_people() -> list[dict]:
    """The people the seeds name, as the demo's network file writes them."""
    return list(parse(network.NETWORK_FILE.read_text(encoding="utf-8"))["people"])


def run_demo(people_count: int = 20) -> str:
    out = io.StringIO()
    call_command("demo", people=people_count, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (*COUNTED, NetworkCoordinator, Authenticator)}


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """The content the demo writes, without ids or timestamps."""
    return {
        "organizations": list(
            Organization.objects.order_by("slug").values_list(
                "slug", "name", "description", "kind", "country", "city", "parent__slug", "website"
            )
        ),
        "memberships": list(
            NetworkMembership.objects.order_by("network__slug", "organization__slug").values_list(
                "network__slug", "organization__slug", "role", "since"
            )
        ),
        "people": list(
            Person.objects.order_by("email", "display_name").values_list(
                "display_name", "email", "registered_by__slug", "residence_country", "birth_year", "gender", "user"
            )
        ),
        "variants": list(
            NameVariant.objects.order_by("person__email", "person__display_name", "text").values_list(
                "person__display_name", "text", "script", "language", "key"
            )
        ),
        "consents": list(
            Consent.objects.order_by("person__email", "person__display_name", "purpose").values_list(
                "person__display_name", "purpose", "method", "given_at"
            )
        ),
        "languages": list(
            SpokenLanguage.objects.order_by("person__email", "language").values_list(
                "person__email", "language", "level"
            )
        ),
        "affiliations": list(
            Affiliation.objects.order_by("person__display_name", "organization__slug").values_list(
                "person__display_name", "organization__slug", "role", "since"
            )
        ),
    }


def members(slug: str, role: str) -> set[str]:
    return set(
        NetworkMembership.objects.filter(network__slug=slug, role=role).values_list("organization__slug", flat=True)
    )


def test_demo_builds_the_named_organizations():
    run_demo()
    otandastar = Organization.objects.get(slug="otandastar")
    assert otandastar.name["en"] == "Otandastar Foundation NJSC"
    assert otandastar.name["kk"] == "«Отандастар қоры» КеАҚ"
    assert otandastar.kind == "state_institution"
    assert otandastar.country_id == "KZ"
    assert otandastar.city == "Astana"
    assert "Otandas Scholars Forum" in otandastar.description["en"]

    secretariat = Organization.objects.get(slug="ots-secretariat")
    assert secretariat.kind == "international"
    assert (secretariat.country_id, secretariat.city) == ("TR", "Istanbul")
    assert set(secretariat.name) == {"en", "kk", "ru", "tr", "az", "uz", "ky", "hu"}
    assert Organization.objects.get(slug="ots-budapest-office").parent == secretariat
    assert Organization.objects.get(slug="ots-budapest-office").country_id == "HU"

    hungary = Organization.objects.get(slug="hungarian-communities-abroad")
    assert hungary.name["hu"] == "Nemzetpolitikai Államtitkárság"
    assert (hungary.kind, hungary.country_id) == ("state_institution", "HU")

    abai = Organization.objects.get(slug="abai-uii")
    assert (abai.kind, abai.country_id, abai.city) == ("cultural_centre", "KG", "Bishkek")
    assert Organization.objects.get(slug="azerbaijan-cultural-center-vienna").country_id == "AT"
    assert Organization.objects.get(slug="embassy-kazakhstan-hungary").kind == "embassy"
    assert Organization.objects.get(slug="embassy-hungary-astana").country_id == "KZ"
    assert Organization.objects.get(slug="hungarian-kazakh-investment-fund").kind == "company"
    assert Organization.objects.get(slug="tattimbet-orchestra").kind == "cultural_centre"

    ngo_names = {
        Organization.objects.get(slug=slug).name["en"]
        for slug in NetworkMembership.objects.filter(network__slug="ots-ngo-solidarity").values_list(
            "organization__slug", flat=True
        )
    }
    assert ngo_names == {
        "Future with You Republican Public Association",
        "Community Hub Public Foundation",
        "Second Republic Public Foundation",
        "Common Values Public Union",
        "Support for the Development of Public Relations Public Union",
        "Public Union for Supporting the Socio-Economic Development of Youth",
    }
    # Every organization speaks English, and nothing is stored in a language the interface does not have.
    for organization in Organization.objects.all():
        assert organization.name.get("en"), organization.slug
        assert organization.description.get("en"), organization.slug
        assert set(organization.name) <= {"en", "kk", "ru", "tr", "az", "uz", "ky", "hu"}


def test_demo_builds_the_networks_with_their_roles():
    run_demo()
    assert members("ots-diaspora", "coordinator") == {"ots-secretariat"}
    assert members("ots-diaspora", "member") == {
        "diaspora-committee-azerbaijan",
        "otandastar",
        "ministry-labour-kyrgyzstan",
        "ytb",
        "vatandoshlar",
    }
    assert members("ots-diaspora", "observer") == {"hungarian-communities-abroad", "mfa-turkmenistan"}

    assert members("abai-uii-network", "coordinator") == {"abai-uii"}
    assert members("abai-uii-network", "member") == set(KAZAKH_CENTRES)
    assert "kazakh-centre-istanbul" in members("abai-uii-network", "member")

    solidarity = NetworkMembership.objects.filter(network__slug="ots-ngo-solidarity")
    assert solidarity.count() == 6
    assert {m.role for m in solidarity} == {"member"}
    assert {str(m.since) for m in solidarity} == {"2025-11-24"}


def test_named_people_have_variants_affiliations_and_consent():
    run_demo()
    kadyrov = Person.objects.get(display_name="Daniyar Kadyrov")
    assert kadyrov.registered_by.slug == "otandastar"
    assert {"Daniyar Kadyrov", "Данияр Кадыров"} <= {v.text for v in kadyrov.name_variants.all()}
    assert kadyrov.affiliations.get().role == "President"
    assert kadyrov.consents.filter(purpose="public_profile", withdrawn_at__isnull=True).exists()
    assert kadyrov.heritage == ""

    omuraliev = Person.objects.get(display_name="Kubanychbek Omuraliev")
    assert omuraliev.affiliations.get().organization.slug == "ots-secretariat"
    assert omuraliev.affiliations.get().role == "Secretary-General"
    assert "Кубанычбек Омуралиев" in {v.text for v in omuraliev.name_variants.all()}

    hasanova = Person.objects.get(display_name="Shalala Hasanova")
    assert "Şəlalə Həsənova" in {v.text for v in hasanova.name_variants.all()}
    assert hasanova.affiliations.get().organization.slug == "public-relations-development"

    for spec in _named_people():
        person = Person.objects.get(key=spec["key"], display_name=spec["name"])
        for affiliation in spec["affiliations"]:
            assert person.affiliations.filter(
                organization__slug=affiliation["organization"], role=affiliation["role"]
            ).exists()
        assert person.consents.filter(purpose="public_profile").count() == 1
        # Made through the service: search keys are filled in.
        assert all(v.key == search_key(v.text) for v in person.name_variants.all())


def test_generated_people_write_names_in_cyrillic_and_latin():
    run_demo(people_count=20)
    generated = Person.objects.filter(email__startswith="demo.person.")
    assert generated.count() == 20
    assert generated.filter(email="demo.person.0020@example.org").exists()
    for person in generated.prefetch_related("name_variants", "consents", "languages", "citizenships"):
        variants = list(person.name_variants.all())
        assert variants[0].text == person.display_name
        assert 3 <= len(variants) <= 4, [v.text for v in variants]
        assert {"Cyrl", "Latn"} <= {v.script for v in variants}
        assert len({v.text for v in variants}) == len(variants)
        assert all(v.key == search_key(v.text) for v in variants)
        assert person.registered_by.slug in {"otandastar", "abai-uii", *KAZAKH_CENTRES}
        assert person.consents.filter(purpose="registry").count() == 1
        assert person.languages.filter(language="kk").exists()
        assert person.citizenships.exists()
        assert 1950 <= (person.birth_year or 0) <= 2008
        assert person.heritage == ""


def test_generated_names_are_written_by_hand_per_script():
    person = people.generate(1)
    texts = {text for text, _script, _language in person.variants}
    assert {"Аружан Серікқызы", "Arujan Serıkqyzy", "Aruzhan Serikkyzy", "Аружан Сериккызы"} == texts
    # The example pair of the design: one person, five spellings, all from the tables.
    given = next(s for s in people.FEMALE_GIVEN if s.kk_cyrl == "Айгерім")
    surname = next(female for _male, female in people.SURNAMES if female.kk_cyrl == "Сәрсенбаева")
    assert f"{given.kk_latn} {surname.kk_latn}" == "Aigerım Särsenbaeva"
    assert f"{given.tr} {surname.tr}" == "Aygerim Sarsenbayeva"
    assert f"{given.ru} {surname.ru}" == "Айгерим Сарсенбаева"
    assert f"{given.en} {surname.en}" == "Aigerim Sarsenbayeva"
    assert people.generate(17) == people.generate(17)
    assert people.generate(17, seed=1) != people.generate(17)


def test_demo_users_hold_their_roles_and_totp():
    run_demo()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert NetworkCoordinator.objects.filter(user__username="coordinator", network__slug="ots-diaspora").exists()
    assert OrganizationRole.objects.filter(user__username="manager", organization__slug="abai-uii", role="admin")
    assert OrganizationRole.objects.filter(user__username="staff", organization__slug="otandastar", role="staff")
    assert OrganizationRole.objects.filter(user__username="teacher", organization__slug="otandastar", role="teacher")
    assert OrganizationRole.objects.filter(
        user__username="reviewer", organization__slug="hungarian-communities-abroad", role="reviewer"
    )
    compatriot = User.objects.get(username="compatriot")
    assert not compatriot.is_staff and not compatriot.organization_roles.exists()
    assert compatriot.person.residence_country_id == "DE"

    assert {spec.username for spec in DEMO_USERS} == set(User.objects.values_list("username", flat=True))
    for spec in DEMO_USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
        authenticators = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if spec.username == "compatriot":
            assert not authenticators.exists()
        else:
            assert decrypt(authenticators.get().data["secret"]) == totp_secret_for(user.username)


def test_demo_password_passes_the_password_validators():
    validate_password(DEMO_PASSWORD)


def test_totp_secret_is_the_documented_derivation():
    expected = base64.b32encode(hashlib.sha256(b"tamyr-demo-totp:staff").digest()[:20]).decode()
    assert totp_secret_for("staff") == expected
    assert len(current_code(expected)[0]) == 6


def test_demo_staff_login_passes_the_second_factor(client):
    run_demo()
    response = client.post("/accounts/login/", {"login": "staff", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "2fa" in response["Location"]
    code, _seconds = current_code(totp_secret_for("staff"))
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get(username="staff").pk)


def test_running_twice_changes_nothing():
    run_demo()
    first_counts, first_content = counts(), snapshot()
    run_demo()
    assert counts() == first_counts
    assert snapshot() == first_content


def test_running_again_repairs_changed_demo_data():
    run_demo()
    before = snapshot()
    person = Person.objects.get(email="demo.person.0003@example.org")
    person.name_variants.exclude(text=person.display_name).delete()
    person.consents.all().delete()
    Organization.objects.filter(slug="otandastar").update(name={"en": "Renamed"})
    NetworkMembership.objects.filter(network__slug="ots-diaspora", role="observer").update(role="member")
    User.objects.get(username="teacher").set_unusable_password()
    run_demo()
    assert snapshot() == before
    assert User.objects.get(username="teacher").check_password(DEMO_PASSWORD)


def test_people_option_sets_how_many_are_generated():
    output = run_demo(people_count=5)
    assert Person.objects.filter(email__startswith="demo.person.").count() == 5
    reviewer = 1  # the demo reviewer's own record (tamyr/demo/call_applications.yaml, `demo_reviewer`)
    delegates = len(parse(EVENTS_FILE.read_text(encoding="utf-8"))["people"])  # Vienna's delegations (events.yaml)
    families = 9  # the returning families of the case demo (tamyr/demo/cases.yaml)
    assert Person.objects.count() == 5 + len(_named_people()) + reviewer + delegates + families
    assert "tamyr-demo-2026" in output
    assert f"secret={totp_secret_for('admin')}&issuer=Tamyr" in output
    assert "otpauth://totp/Tamyr:coordinator?secret=" in output


def test_demo_refuses_production_settings_unless_forced():
    with (
        override_settings(DEBUG=False, SETTINGS_MODULE="tamyr.settings.production"),
        pytest.raises(CommandError, match="production"),
    ):
        call_command("demo", people=1, stdout=io.StringIO())
    assert not Organization.objects.exists()
    with override_settings(DEBUG=False, SETTINGS_MODULE="tamyr.settings.production"):
        call_command("demo", people=1, force=True, stdout=io.StringIO())
    assert Organization.objects.filter(slug="otandastar").exists()


def test_people_must_be_at_least_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("demo", people=0, stdout=io.StringIO())
