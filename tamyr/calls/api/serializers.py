"""Serializers of calls and applications: shapes only; the rules are in `tamyr.calls.services`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.api.serializers import NULLABLE_URI, ScopedSlugRelatedField
from tamyr.calls.models import Application, ApplicationStatus, Call, CallKind, CallStatus
from tamyr.core.files import private_url
from tamyr.core.i18n import translate
from tamyr.core.questions import QuestionKind
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.api.serializers import TranslationsField
from tamyr.registry.models import Country, Organization


class QuestionSerializer(serializers.Serializer):
    """A question of the application form; a file is asked as a required document instead (kind `file` is refused)."""

    id = serializers.IntegerField(read_only=True)
    label = TranslationsField()  # type: ignore[assignment]  # a field named like Field.label
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = serializers.ListField(child=TranslationsField(), required=False)
    required = serializers.BooleanField(required=False, default=False)  # type: ignore[assignment]

    class Meta:
        ref_name = "CallQuestion"


class RequiredDocumentSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=80)
    name = TranslationsField()
    formats = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    max_megabytes = serializers.IntegerField(min_value=1, max_value=50, required=False, default=10)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]
    from_referee = serializers.BooleanField(required=False, default=False)


class QuotaGroupSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=80)
    name = TranslationsField()
    places = serializers.IntegerField(min_value=0, max_value=1_000_000)
    countries = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False
    )


class CallSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    kind = serializers.ChoiceField(choices=CallKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=CallStatus.choices, read_only=True)
    organization = serializers.CharField(source="organization.slug", read_only=True)
    title = TranslationsField(read_only=True)
    display_title = serializers.CharField(read_only=True)
    summary = TranslationsField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    opens_at = serializers.DateTimeField(read_only=True)
    closes_at = serializers.DateTimeField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    places = serializers.IntegerField(read_only=True, allow_null=True)
    currency = serializers.CharField(read_only=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    award_min = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    award_max = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)


class CallDetailSerializer(CallSerializer):
    network = serializers.SerializerMethodField()
    description = TranslationsField(read_only=True)
    residence_countries = serializers.SerializerMethodField()
    citizenships = serializers.SerializerMethodField()
    age_min = serializers.IntegerField(read_only=True, allow_null=True)
    age_max = serializers.IntegerField(read_only=True, allow_null=True)
    age_on = serializers.DateField(read_only=True, allow_null=True)
    languages = serializers.JSONField(read_only=True)
    heritage_asked = serializers.BooleanField(read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    required_documents = RequiredDocumentSerializer(many=True, read_only=True)
    quota_groups = QuotaGroupSerializer(many=True, read_only=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_network(self, call: Call) -> str | None:
        return call.network.slug if call.network is not None else None

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "ISO 3166 alpha-2 codes."})
    def get_residence_countries(self, call: Call) -> list[str]:
        return [country.code for country in call.residence_countries.all()]

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "ISO 3166 alpha-2 codes."})
    def get_citizenships(self, call: Call) -> list[str]:
        return [country.code for country in call.citizenships.all()]


class CallWriteSerializer(serializers.Serializer):
    """What managers send to create or change a call; `slug` and `organization` are fixed once it exists."""

    slug = serializers.SlugField(max_length=140)
    organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    kind = serializers.ChoiceField(choices=CallKind.choices)
    title = TranslationsField()
    summary = TranslationsField(required=False)
    description = TranslationsField(required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    places = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    award_min = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    award_max = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    residence_countries = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False
    )
    citizenships = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), many=True, required=False
    )
    age_min = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    age_max = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    age_on = serializers.DateField(required=False, allow_null=True)
    languages = serializers.JSONField(required=False)
    heritage_asked = serializers.BooleanField(required=False)


class CallUpdateSerializer(CallWriteSerializer):
    slug = None  # type: ignore[assignment]
    organization = None  # type: ignore[assignment]


class ApplicationDocumentSerializer(serializers.Serializer):
    document = serializers.CharField(source="document.key", read_only=True)
    name = serializers.SerializerMethodField()
    original_name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    from_referee = serializers.BooleanField(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_name(self, stored: Any) -> str:
        return translate(stored.document.name) or stored.document.key

    @extend_schema_field(NULLABLE_URI)
    def get_url(self, stored: Any) -> str | None:
        """The private file's address (the file view asks `can()`; a referee's letter is for the managers)."""
        return None if stored.from_referee and not self.context.get("manager") else private_url("call-document", stored)


class ApplicationSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    call = serializers.CharField(source="call.slug", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    person_name = serializers.CharField(source="person.display_name", read_only=True)
    organization = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)
    quota_group = serializers.SerializerMethodField()
    language = serializers.CharField(read_only=True)
    answers = serializers.JSONField(read_only=True)
    amount_requested = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    budget_lines = serializers.JSONField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    documents = ApplicationDocumentSerializer(many=True, read_only=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_organization(self, application: Application) -> str | None:
        return application.organization.slug if application.organization is not None else None

    @extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Slugs of organizations."})
    def get_partners(self, application: Application) -> list[str]:
        return [partner.slug for partner in application.partners.all()]

    @extend_schema_field({"type": "string", "nullable": True, "description": "The key of the quota group."})
    def get_quota_group(self, application: Application) -> str | None:
        return application.quota_group.key if application.quota_group is not None else None


class ApplicationStartSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True,
        help_text="Financing calls: the organization that applies (you must be its admin or staff).",
    )  # fmt: skip


class ApplicationUpdateSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), required=False, help_text="By question id.")
    quota_group = serializers.CharField(required=False, allow_null=True, help_text="The key of a group of the call.")
    budget_lines = serializers.ListField(child=serializers.DictField(), required=False)
    partners = ScopedSlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), many=True, required=False,
        scope=lambda user: registry_selectors.organizations_to_name(),
    )  # fmt: skip


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
