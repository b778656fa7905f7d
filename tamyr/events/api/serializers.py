"""Shapes of the events API. Serializers only parse and render: every rule lives in `tamyr.events.services`.

Times are given in UTC (`starts_at`) and, beside them, in the event's own time zone (`local_starts_at`), because
events are shown in their venue's time zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.api.serializers import (
    NULLABLE_DATETIME,
    OptionalURLField,
    ScopedPrimaryKeyRelatedField,
    ShallowFieldsSerializer,
)
from tamyr.api.serializers import ErrorSerializer as ErrorSerializer  # re-exported: the body of every API error
from tamyr.core.files import private_url
from tamyr.core.i18n import translate
from tamyr.events.models import (
    Delegation,
    Event,
    EventKind,
    Question,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    Session,
    SessionMaterial,
    SessionSpeaker,
    Venue,
    validate_time_zone,
)
from tamyr.registry import selectors as registry_selectors
from tamyr.registry.api.serializers import TranslationsField
from tamyr.registry.models import Country, Organization, Person


def _local(moment: datetime | None, zone_name: str) -> str | None:
    if moment is None:
        return None
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return moment.isoformat()
    return timezone.localtime(moment, zone).isoformat()


class VenueSerializer(serializers.ModelSerializer):
    country: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "name", "address", "city", "country", "time_zone"]


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class EventSerializer(serializers.ModelSerializer):
    """An event as lists show it."""

    url = serializers.HyperlinkedIdentityField(view_name="event-detail", lookup_field="slug")
    title = TranslationsField()
    display_title = serializers.CharField(read_only=True)
    organizer: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    organizer_name = serializers.SerializerMethodField()
    co_organizers: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    venue = VenueSerializer(read_only=True, allow_null=True)
    online_url = OptionalURLField()
    is_online = serializers.BooleanField(read_only=True)
    local_starts_at = serializers.SerializerMethodField()
    local_ends_at = serializers.SerializerMethodField()
    confirmed_count = serializers.SerializerMethodField()
    waitlisted_count = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "url",
            "slug",
            "title",
            "display_title",
            "kind",
            "status",
            "is_public",
            "organizer",
            "organizer_name",
            "co_organizers",
            "venue",
            "online_url",
            "is_online",
            "time_zone",
            "starts_at",
            "ends_at",
            "local_starts_at",
            "local_ends_at",
            "capacity",
            "confirmed_count",
            "waitlisted_count",
            "registration_opens_at",
            "registration_closes_at",
            "requires_approval",
            "waiting_list",
        ]
        read_only_fields = fields

    def get_organizer_name(self, event: Event) -> str:
        return event.organizer.display_name

    @extend_schema_field(NULLABLE_DATETIME)
    def get_local_starts_at(self, event: Event) -> str | None:
        return _local(event.starts_at, event.time_zone)

    @extend_schema_field(NULLABLE_DATETIME)
    def get_local_ends_at(self, event: Event) -> str | None:
        return _local(event.ends_at, event.time_zone)

    def get_confirmed_count(self, event: Event) -> int:
        value = getattr(event, "confirmed_count", None)
        return value if value is not None else event.registrations.filter(status="confirmed").count()

    def get_waitlisted_count(self, event: Event) -> int:
        value = getattr(event, "waitlisted_count", None)
        return value if value is not None else event.registrations.filter(status="waitlisted").count()


class CategorySerializer(serializers.ModelSerializer):
    name = TranslationsField(read_only=True)
    display_name = serializers.SerializerMethodField()
    confirmed_count = serializers.SerializerMethodField()

    class Meta:
        model = RegistrationCategory
        fields = ["id", "name", "display_name", "capacity", "confirmed_count"]

    def get_display_name(self, category: RegistrationCategory) -> str:
        return translate(category.name)

    def get_confirmed_count(self, category: RegistrationCategory) -> int:
        return int(self.context.get("confirmed_by_category", {}).get(category.pk, 0))


class QuestionSerializer(serializers.ModelSerializer):
    label = TranslationsField(read_only=True)  # type: ignore[assignment]  # a field named like Field.label
    display_label = serializers.SerializerMethodField()
    choices = serializers.JSONField(read_only=True)
    display_choices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Question
        fields = ["id", "label", "display_label", "kind", "choices", "display_choices", "required"]

    def get_display_label(self, question: Question) -> str:
        return translate(question.label)


class SpeakerSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    name = serializers.CharField(source="person.display_name", read_only=True)

    class Meta:
        model = SessionSpeaker
        fields = ["person", "name", "title_at_event", "order"]


class MaterialSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField()

    class Meta:
        model = SessionMaterial
        fields = ["title", "link"]

    def get_link(self, material: SessionMaterial) -> str:
        if material.url:
            return material.url
        if not material.file:
            return ""
        request = self.context.get("request")
        url = private_url("session-material", material)  # a private file: the view asks can()
        return request.build_absolute_uri(url) if request is not None else url


class SessionSerializer(serializers.ModelSerializer):
    title = TranslationsField(read_only=True)
    display_title = serializers.CharField(read_only=True)
    description = TranslationsField(read_only=True)
    venue = VenueSerializer(read_only=True, allow_null=True)
    local_starts_at = serializers.SerializerMethodField()
    local_ends_at = serializers.SerializerMethodField()
    speakers = SpeakerSerializer(many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "display_title",
            "description",
            "kind",
            "starts_at",
            "ends_at",
            "local_starts_at",
            "local_ends_at",
            "venue",
            "room",
            "language",
            "speakers",
            "materials",
        ]

    def _zone(self, session: Session) -> str:
        venue = session.venue
        return venue.time_zone if venue is not None else str(self.context.get("time_zone") or "UTC")

    @extend_schema_field(NULLABLE_DATETIME)
    def get_local_starts_at(self, session: Session) -> str | None:
        return _local(session.starts_at, self._zone(session))

    @extend_schema_field(NULLABLE_DATETIME)
    def get_local_ends_at(self, session: Session) -> str | None:
        return _local(session.ends_at, self._zone(session))


class DelegationSerializer(serializers.ModelSerializer):
    """A country's or an organization's delegation. Organizers create one with a country code and/or an
    organization slug, and optionally the head (a person's id), the head's title and the number of seats."""

    country = serializers.SlugRelatedField(
        slug_field="code", queryset=Country.objects.all(), required=False, allow_null=True
    )
    country_name = serializers.SerializerMethodField()
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=registry_selectors.organizations_to_name(), required=False, allow_null=True
    )
    organization_name = serializers.SerializerMethodField()
    head = ScopedPrimaryKeyRelatedField(
        scope=registry_selectors.people_in_reach,
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of a person whose record the caller's organization keeps (or the caller's own).",
    )
    head_name = serializers.SerializerMethodField()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = [
            "id",
            "country",
            "country_name",
            "organization",
            "organization_name",
            "head",
            "head_name",
            "head_title",
            "size_limit",
            "member_count",
        ]

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("country"), str):
            data = {**data, "country": data["country"].upper()}
        return super().to_internal_value(data)

    def get_country_name(self, delegation: Delegation) -> str:
        return delegation.country.name if delegation.country else ""

    def get_organization_name(self, delegation: Delegation) -> str:
        return delegation.organization.display_name if delegation.organization else ""

    def get_head_name(self, delegation: Delegation) -> str:
        """The head's name for the event's organizers; for everyone else only with the head's consent to show their
        name on public pages (`public_heads`, read once for the list), else their initials."""
        head = delegation.head
        if head is None:
            return ""
        shown = self.context.get("public_heads")
        if shown is None or head.pk in shown:
            return head.display_name
        return registry_selectors.initials(head.display_name)

    def get_member_count(self, delegation: Delegation) -> int:
        return int(getattr(delegation, "member_count", 0) or 0)


class EventDetailSerializer(EventSerializer):
    """An event with everything its page shows: timetable, speakers, categories, questions, delegations."""

    description = TranslationsField(read_only=True)
    display_description = serializers.CharField(read_only=True)
    co_chairs = PersonRefSerializer(many=True, read_only=True)
    categories = CategorySerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    delegations = DelegationSerializer(many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "display_description",
            "cancellation_closes_at",
            "co_chairs",
            "categories",
            "questions",
            "sessions",
            "delegations",
        ]
        read_only_fields = fields


class EventWriteSerializer(serializers.Serializer):
    """What organizers send to create or change an event; `slug` is fixed once the event exists."""

    slug = serializers.SlugField(max_length=140)
    title = TranslationsField()
    description = TranslationsField(required=False)
    kind = serializers.ChoiceField(choices=EventKind.choices)
    is_public = serializers.BooleanField(required=False)
    organizer = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), required=False, allow_null=True)
    online_url = serializers.URLField(required=False, allow_blank=True)
    time_zone = serializers.CharField(required=False, max_length=64, validators=[validate_time_zone])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    registration_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    registration_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    cancellation_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    requires_approval = serializers.BooleanField(required=False)
    waiting_list = serializers.BooleanField(required=False)


class EventCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


_MOMENT = serializers.DateTimeField()
"""Formats dates as the API's DateTimeFields do (it keeps no state: the time zone is read per call)."""


class RegistrationSerializer(serializers.Serializer):
    """A registration. A plain Serializer, not a ModelSerializer: it is built on every registration in a burst,
    and a ModelSerializer introspects the model each time it is made."""

    code = serializers.CharField(read_only=True)
    event = serializers.CharField(source="event.slug", read_only=True)
    event_title = serializers.SerializerMethodField()
    person = serializers.IntegerField(source="person_id", read_only=True)
    person_name = serializers.SerializerMethodField()
    category = serializers.IntegerField(source="category_id", read_only=True, allow_null=True)
    category_name = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()
    delegation = serializers.IntegerField(source="delegation_id", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    answers = serializers.JSONField(read_only=True)
    language = serializers.CharField(read_only=True)
    on_behalf = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    waitlisted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, registration: Registration) -> dict[str, Any]:
        """The fields above, written out directly (they still describe the schema): building them field by field
        costs more than the rest of a registration request's Python."""
        moment = _MOMENT.to_representation

        def when(value: datetime | None) -> str | None:
            return moment(value) if value is not None else None

        return {
            "code": registration.code,
            "event": registration.event.slug,
            "event_title": self.get_event_title(registration),
            "person": registration.person_id,
            "person_name": self.get_person_name(registration),
            "category": registration.category_id,
            "category_name": self.get_category_name(registration),
            "organization": self.get_organization(registration),
            "delegation": registration.delegation_id,
            "status": registration.status,
            "status_display": registration.get_status_display(),
            "answers": registration.answers,
            "language": registration.language,
            "on_behalf": self.get_on_behalf(registration),
            "created_at": when(registration.created_at),
            "confirmed_at": when(registration.confirmed_at),
            "waitlisted_at": when(registration.waitlisted_at),
            "cancelled_at": when(registration.cancelled_at),
            "checked_in_at": when(registration.checked_in_at),
        }

    def get_event_title(self, registration: Registration) -> str:
        return registration.event.display_title

    def get_person_name(self, registration: Registration) -> str:
        return registration.person.display_name

    def get_category_name(self, registration: Registration) -> str:
        return translate(registration.category.name) if registration.category else ""

    def get_organization(self, registration: Registration) -> str | None:
        return registration.organization.slug if registration.organization_id else None  # type: ignore[union-attr]

    def get_on_behalf(self, registration: Registration) -> bool:
        return registration.registered_by_id is not None


class RegistrationCreateSerializer(ShallowFieldsSerializer):
    """Register the signed-in person; organizers may name another `person` (an id) to register on their behalf."""

    category = serializers.IntegerField(required=False, allow_null=True, help_text="Id of a registration category.")
    organization = serializers.SlugField(required=False, allow_blank=True, help_text="Slug of the organization.")
    delegation = serializers.IntegerField(required=False, allow_null=True, help_text="Id of a delegation.")
    answers = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Answers keyed by question id."
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    person = ScopedPrimaryKeyRelatedField(
        scope=registry_selectors.people_in_reach,
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="Organizers only: the id of a person whose record their organization keeps.",
    )
    invitation = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=48,
        help_text="The token of an invitation (invitation-only events).",
    )


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class CheckInResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    checked_in_at = serializers.DateTimeField()


def page_of(serializer: type[serializers.BaseSerializer], name: str) -> type[serializers.Serializer]:
    """A schema-only serializer for `{"count", "next", "previous", "results"}` pages of detail-route lists."""
    fields: dict[str, Any] = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer(many=True),
    }
    return type(name, (serializers.Serializer,), fields)
