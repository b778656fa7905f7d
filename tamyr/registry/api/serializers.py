from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.core.i18n import clean_translations, translate
from tamyr.registry import selectors
from tamyr.registry.models import (
    Country,
    ExpertiseField,
    MembershipRole,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
    Person,
)


class TranslationsField(serializers.JSONField):
    """{"en": "…", "kk": "…"}; a plain string is taken as English."""

    def to_internal_value(self, data: Any) -> dict[str, str]:
        try:
            return clean_translations(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


class CountrySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = ["code", "alpha3", "numeric", "name", "names"]

    def get_name(self, country: Country) -> str:
        return country.name


class ExpertiseFieldSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = ExpertiseField
        fields = ["code", "display_name", "name", "parent"]

    def get_display_name(self, field: ExpertiseField) -> str:
        return field.display_name


FIELD_ERRORS: dict[str, Any] = {
    "does_not_exist": gettext_lazy(
        "Unknown field of science {value}. Use the codes of the OECD classification, e.g. 5.2 or 6.1 "
        "(GET /api/v1/expertise-fields/ lists them)."
    ),
}


def expertise_fields_field() -> serializers.SlugRelatedField[ExpertiseField]:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=ExpertiseField.objects.all(),
        many=True,
        required=False,
        error_messages=FIELD_ERRORS,
        help_text='Codes of the OECD Fields of Science and Technology, e.g. ["5.2", "6.1"].',
    )


class MembershipSerializer(serializers.ModelSerializer):
    network: serializers.SlugRelatedField[Network] = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = NetworkMembership
        fields = ["network", "role", "since", "until"]


class OrganizationSerializer(serializers.ModelSerializer):
    name = TranslationsField()
    description = TranslationsField(required=False)
    display_name = serializers.SerializerMethodField()
    country = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), required=False, allow_null=True
    )
    parent = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", queryset=selectors.organizations_to_name(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    networks = MembershipSerializer(source="network_memberships", many=True, read_only=True)
    expertise_fields = expertise_fields_field()
    url = serializers.HyperlinkedIdentityField(view_name="organization-detail", lookup_field="slug")

    class Meta:
        model = Organization
        fields = [
            "url",
            "slug",
            "display_name",
            "name",
            "short_name",
            "description",
            "kind",
            "country",
            "city",
            "address",
            "parent",
            "website",
            "email",
            "phone",
            "expertise_fields",
            "networks",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    def get_display_name(self, organization: Organization) -> str:
        return organization.display_name


class NetworkMemberSerializer(serializers.ModelSerializer):
    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = NetworkMembership
        fields = ["organization", "organization_name", "role", "since", "until"]

    def get_organization_name(self, membership: NetworkMembership) -> str:
        return membership.organization.display_name


class NetworkMemberWriteSerializer(serializers.Serializer):
    """Add an organization to a network (platform admins) or change its role and dates (the coordinators)."""

    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all()
    )
    role = serializers.ChoiceField(choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    since = serializers.DateField(required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)


class NetworkSerializer(serializers.ModelSerializer):
    display_name = serializers.SerializerMethodField()
    members = NetworkMemberSerializer(source="memberships", many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="network-detail", lookup_field="slug")

    class Meta:
        model = Network
        fields = ["url", "slug", "display_name", "name", "description", "website", "members"]

    def get_display_name(self, network: Network) -> str:
        return network.display_name


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "oneOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "script": {"type": "string", "enum": ["Cyrl", "Latn", "Arab", "Zyyy"]},
                        "language": {"type": "string"},
                    },
                    "required": ["text"],
                },
            ]
        },
    }
)
class NameVariantField(serializers.Field):
    """Accepts "Kassym Tokayev" or {"text": "Kassym Tokayev", "script": "Latn", "language": "en"}."""

    def to_representation(self, value: Any) -> Any:
        return [{"text": v.text, "script": v.script, "language": v.language} for v in value.all()]

    def to_internal_value(self, data: Any) -> list[dict[str, str]]:
        if not isinstance(data, list):
            raise serializers.ValidationError(_("Give a list of names."))
        result = []
        for item in data:
            if isinstance(item, str):
                result.append({"text": item})
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                result.append({k: str(v) for k, v in item.items() if k in {"text", "script", "language"}})
            else:
                raise serializers.ValidationError(_('Each name is a string or an object with a "text".'))
        return result


COUNTRY_ERRORS: dict[str, Any] = {
    "does_not_exist": gettext_lazy("Unknown country code {value}. Use an ISO 3166 alpha-2 code such as TR, KZ or DE."),
}


class PersonSerializer(serializers.ModelSerializer):
    name_variants = NameVariantField(required=False)
    residence_country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Country.objects.all(),
        required=False,
        allow_null=True,
        error_messages=COUNTRY_ERRORS,
    )
    citizenships = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False, error_messages=COUNTRY_ERRORS
    )
    registered_by = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    expertise = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text='Free keywords in any language, e.g. ["diaspora history", "тарих"].',
    )
    expertise_fields = expertise_fields_field()
    orcid = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="ORCID iD, e.g. 0000-0002-1825-0097 (its orcid.org address is accepted); its check digit is checked.",
    )
    residence_country_name = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "display_name",
            "name_variants",
            "residence_country",
            "residence_country_name",
            "residence_city",
            "citizenships",
            "gender",
            "birth_year",
            "email",
            "phone",
            "expertise",
            "expertise_fields",
            "orcid",
            "registered_by",
            "created_at",
            "updated_at",
            "erased_at",
        ]
        read_only_fields = ["created_at", "updated_at", "erased_at"]

    def get_residence_country_name(self, person: Person) -> str:
        return person.residence_country.name if person.residence_country else ""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("residence_country"), str):
            data = {**data, "residence_country": data["residence_country"].upper()}
        return super().to_internal_value(data)


def organization_name(value: Any) -> str:
    return translate(value)
