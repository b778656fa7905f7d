"""Serializers of news and pages: shapes only; the rules are in `tamyr.content.services`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.api.serializers import NULLABLE_URI, ScopedSlugRelatedField
from tamyr.content import html, selectors
from tamyr.content.models import Entry, EntryKind, EntryStatus
from tamyr.core.files import private_url
from tamyr.registry.api.serializers import TranslationsField
from tamyr.registry.models import Network, Organization


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: Any) -> str:
        return private_url("content-attachment", attachment)


class EntrySerializer(serializers.Serializer):
    """An item in every language it has; `language` and `display_*` are the version the caller's language gets."""

    slug = serializers.SlugField(read_only=True)
    kind = serializers.ChoiceField(choices=EntryKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=EntryStatus.choices, read_only=True, source="shown_status")
    organization = serializers.CharField(source="organization.slug", read_only=True, allow_null=True)
    network = serializers.CharField(source="network.slug", read_only=True, allow_null=True)
    parent = serializers.CharField(source="parent.slug", read_only=True, allow_null=True)  # type: ignore[assignment]
    order = serializers.IntegerField(read_only=True)
    title = TranslationsField(read_only=True)
    summary = TranslationsField(read_only=True)
    language = serializers.SerializerMethodField()
    display_title = serializers.CharField(read_only=True)
    display_summary = serializers.CharField(read_only=True)
    source_language = serializers.CharField(read_only=True)
    fallback_language = serializers.CharField(read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    cover = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        ref_name = "ContentEntry"

    def get_language(self, entry: Entry) -> str:
        return entry.reading_language()

    @extend_schema_field(NULLABLE_URI)
    def get_cover(self, entry: Entry) -> str | None:
        return entry.cover.url if entry.cover else None


class EntryDetailSerializer(EntrySerializer):
    body = serializers.SerializerMethodField(help_text="{language: sanitised HTML}")
    out_of_date = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Languages older than the source version."
    )
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        ref_name = "ContentEntryDetail"

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_body(self, entry: Entry) -> dict[str, str]:
        return {code: html.clean(text) for code, text in (entry.body or {}).items()}


LANGUAGE_CHOICES = [code for code, _name in settings.LANGUAGES]


def _editable_pages(user: Any) -> Any:
    return selectors.editable_entries(user, kind=EntryKind.PAGE)


class EntryUpdateSerializer(serializers.Serializer):
    """What an editor may change; a field left out stays. `body` is HTML, sanitised when saved."""

    slug = serializers.SlugField(max_length=140, required=False)
    title = TranslationsField(required=False)
    summary = TranslationsField(required=False)
    body = TranslationsField(required=False, help_text="{language: HTML}; what is not allowed is removed.")
    source_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    fallback_language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)
    published_at = serializers.DateTimeField(required=False, allow_null=True)

    class Meta:
        ref_name = "ContentEntryUpdate"


class PageUpdateSerializer(EntryUpdateSerializer):
    parent = ScopedSlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", queryset=Entry.objects.filter(kind=EntryKind.PAGE), scope=_editable_pages,
        required=False, allow_null=True,
    )  # fmt: skip
    order = serializers.IntegerField(min_value=0, max_value=32000, required=False)

    class Meta:
        ref_name = "PageUpdate"


class EntryCreateSerializer(EntryUpdateSerializer):
    slug = serializers.SlugField(max_length=140)
    title = TranslationsField()
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    network = serializers.SlugRelatedField(slug_field="slug", queryset=Network.objects.all(), required=False,
                                           allow_null=True)  # fmt: skip

    class Meta:
        ref_name = "ContentEntryCreate"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("organization")) == bool(attrs.get("network")):
            raise serializers.ValidationError(
                {"organization": "Give exactly one owner: an organization or a network."}, code="owner"
            )
        return attrs


class PageCreateSerializer(EntryCreateSerializer, PageUpdateSerializer):
    class Meta:
        ref_name = "PageCreate"
