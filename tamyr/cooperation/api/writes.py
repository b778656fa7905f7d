"""What API writes on plans, projects and practices accept. Referenced objects are named by slug or number and
resolved only among the objects the caller may name: organizations of the plan's network, the plan's directions
and measures, events the caller may see, published courses (or the caller's own). An object outside that scope is
"unknown" whether or not it exists, so a caller learns nothing about other organizations' data. The services then
decide every permission again (`permissions.can()`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from tamyr.accounts import permissions
from tamyr.cooperation import selectors
from tamyr.cooperation.models import (
    Decision,
    Direction,
    Measure,
    MeasureStatus,
    Plan,
    PracticeTheme,
    ProjectKind,
    ProjectStatus,
)
from tamyr.events.models import Event
from tamyr.learning.models import Course
from tamyr.registry.models import Country, Network, Organization


def _plan(serializer: serializers.Serializer[Any]) -> Plan:
    plan: Plan = serializer.context["plan"]
    return plan


def _user(serializer: serializers.Serializer[Any]) -> Any:
    return serializer.context["request"].user


def _plan_organization(plan: Plan, slug: str) -> Organization:
    found = next((org for org in selectors.network_organizations(plan) if org.slug == slug), None)
    if found is None:
        raise serializers.ValidationError(_("Unknown organization: %(slug)s.") % {"slug": slug})
    return found


class MeasureWriteSerializer(serializers.Serializer[Any]):
    """A measure's fields; on create `code`, `title`, `lead` and `direction` (or `parent`) are needed."""

    code = serializers.CharField(max_length=16, required=False)
    direction = serializers.CharField(max_length=16, required=False, help_text="The direction's number, e.g. 2.")
    # a declared field, popped from the class by DRF's metaclass: it does not shadow `Field.parent` at run time
    parent = serializers.CharField(  # type: ignore[assignment]
        max_length=16, required=False, allow_null=True, help_text="A measure's number."
    )
    title = serializers.JSONField(required=False, help_text='Per language: {"en": "…", "kk": "…"}.')
    description = serializers.JSONField(required=False)
    lead = serializers.CharField(required=False, help_text="Slug of an organization of the plan's network.")
    partners = serializers.ListField(child=serializers.CharField(), required=False)
    events = serializers.ListField(child=serializers.CharField(), required=False, help_text="Event slugs.")
    courses = serializers.ListField(child=serializers.CharField(), required=False, help_text="Course slugs.")
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)
    budget_line = serializers.CharField(max_length=200, required=False, allow_blank=True)
    budget_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    weight = serializers.IntegerField(min_value=1, max_value=1000, required=False)

    def validate_direction(self, value: str) -> Direction:
        found = Direction.objects.filter(plan=_plan(self), code=value).first()
        if found is None:
            raise serializers.ValidationError(_("This plan has no such direction."))
        return found

    def validate_parent(self, value: str | None) -> Measure | None:
        if value is None:
            return None
        found = Measure.objects.filter(plan=_plan(self), code=value).first()
        if found is None:
            raise serializers.ValidationError(_("This plan has no measure %(code)s.") % {"code": value})
        return found

    def validate_lead(self, value: str) -> Organization:
        return _plan_organization(_plan(self), value)

    def validate_partners(self, value: list[str]) -> list[Organization]:
        return [_plan_organization(_plan(self), slug) for slug in value]

    def validate_events(self, value: list[str]) -> list[Event]:
        found = {event.slug: event for event in Event.objects.filter(slug__in=value)}
        user = _user(self)
        events = []
        for slug in value:
            event = found.get(slug)
            if event is None or not permissions.can(user, "events.view_event", event):
                raise serializers.ValidationError(_("Unknown event: %(slug)s.") % {"slug": slug})
            events.append(event)
        return events

    def validate_courses(self, value: list[str]) -> list[Course]:
        found = {course.slug: course for course in Course.objects.filter(slug__in=value)}
        user = _user(self)
        courses = []
        for slug in value:
            course = found.get(slug)
            if course is None or not (course.is_published or permissions.can(user, "learning.change_course", course)):
                raise serializers.ValidationError(_("Unknown course: %(slug)s.") % {"slug": slug})
            courses.append(course)
        return courses


class BulkMeasuresSerializer(serializers.Serializer[Any]):
    codes = serializers.ListField(child=serializers.CharField(max_length=16), min_length=1, max_length=1000)
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)
    lead = serializers.CharField(required=False)
    partners = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The whole list of partners; [] removes them all."
    )
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)

    def validate_lead(self, value: str) -> Organization:
        return _plan_organization(_plan(self), value)

    def validate_partners(self, value: list[str]) -> list[Organization]:
        return [_plan_organization(_plan(self), slug) for slug in value]


class BulkResultSerializer(serializers.Serializer[Any]):
    changed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    refused = serializers.SerializerMethodField()

    def get_refused(self, result: Any) -> list[dict[str, str]]:
        return [{"code": code, "reason": str(reason)} for code, reason in result.refused]


class ImportSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[("measures", "measures"), ("actuals", "actuals")])
    file = serializers.FileField(help_text="CSV or XLSX; the first row names the columns.")
    dry_run = serializers.BooleanField(default=False)
    encoding = serializers.CharField(required=False, allow_blank=True)


class BadRowSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.ListField(child=serializers.CharField())
    changed = serializers.SerializerMethodField()
    unchanged = serializers.ListField(child=serializers.CharField())
    reported = serializers.ListField(child=serializers.CharField())
    bad_rows = serializers.SerializerMethodField()

    def get_changed(self, report: Any) -> list[dict[str, Any]]:
        return [{"code": code, "fields": fields} for code, fields in report.changed]

    def get_bad_rows(self, report: Any) -> list[dict[str, Any]]:
        return [dict(BadRowSerializer(row).data) for row in report.bad_rows_shown()]


class ValueReportSerializer(serializers.Serializer[Any]):
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    evidence_file = serializers.FileField(required=False, help_text="A document or an image (checked by content).")
    evidence_url = serializers.URLField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)


class ReportedValueSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.CharField()
    evidence_url = serializers.CharField()
    evidence_name = serializers.CharField()
    reported_at = serializers.DateTimeField()
    decision_note = serializers.CharField()


class ValueDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class SignOffWriteSerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(help_text="Slug of the member institution signing.")
    decision = serializers.ChoiceField(choices=Decision.choices)
    reservation = serializers.CharField(required=False, allow_blank=True)

    def validate_organization(self, value: str) -> Organization:
        return _plan_organization(_plan(self), value)


class ProjectWriteSerializer(serializers.Serializer[Any]):
    """A project's fields; on create `slug`, `lead` and `title` are needed."""

    slug = serializers.SlugField(max_length=140, required=False)
    lead = serializers.CharField(required=False, help_text="Slug of an organization where you are admin or staff.")
    title = serializers.JSONField(required=False)
    description = serializers.JSONField(required=False)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    network = serializers.CharField(required=False, allow_null=True)
    measure = serializers.CharField(required=False, allow_null=True, help_text='"plan-slug:code", e.g. jap-2026:2.1.')
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False)

    def validate_lead(self, value: str) -> Organization:
        found = Organization.objects.filter(slug=value).first()
        if found is None or not permissions.can(_user(self), "cooperation.add_project", found):
            raise serializers.ValidationError(_("Unknown organization: %(slug)s.") % {"slug": value})
        return found

    def validate_network(self, value: str | None) -> Network | None:
        if value is None:
            return None
        found = Network.objects.filter(slug=value).first()
        if found is None:
            raise serializers.ValidationError(_("Unknown network: %(slug)s.") % {"slug": value})
        return found

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A project names a network its lead organization belongs to."""
        network = attrs.get("network")
        project = self.context.get("project")
        lead = attrs.get("lead") or (project.lead if project is not None else None)
        if network is not None and lead is not None and not network.memberships.filter(organization=lead).exists():
            raise serializers.ValidationError({"network": _("The lead organization is not in this network.")})
        return attrs

    def validate_measure(self, value: str | None) -> Measure | None:
        if value is None:
            return None
        plan_slug, _sep, code = value.partition(":")
        found = Measure.objects.filter(plan__slug=plan_slug, code=code).select_related("plan__network").first()
        if found is None or not permissions.can(_user(self), "cooperation.view_plan", found.plan):
            raise serializers.ValidationError(_("Unknown measure: %(name)s.") % {"name": value})
        return found


class PracticeWriteSerializer(serializers.Serializer[Any]):
    """A practice's fields; on create `slug`, `organization`, `network`, `title` and `contact_email` are needed."""

    slug = serializers.SlugField(max_length=140, required=False)
    organization = serializers.CharField(required=False)
    network = serializers.CharField(required=False)
    title = serializers.JSONField(required=False)
    summary = serializers.JSONField(required=False)
    body = serializers.JSONField(required=False)
    theme = serializers.ChoiceField(choices=PracticeTheme.choices, required=False)
    direction = serializers.CharField(required=False, allow_null=True, help_text='"plan-slug:code", e.g. jap-2026:2.')
    country = serializers.CharField(max_length=2, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def validate_organization(self, value: str) -> Organization:
        found = Organization.objects.filter(slug=value).first()
        if found is None or not permissions.can(_user(self), "cooperation.submit_practice", found):
            raise serializers.ValidationError(_("Unknown organization: %(slug)s.") % {"slug": value})
        return found

    def validate_network(self, value: str) -> Network:
        found = Network.objects.filter(slug=value).first()
        if found is None:
            raise serializers.ValidationError(_("Unknown network: %(slug)s.") % {"slug": value})
        return found

    def validate_direction(self, value: str | None) -> Direction | None:
        if value is None:
            return None
        plan_slug, _sep, code = value.partition(":")
        found = Direction.objects.filter(plan__slug=plan_slug, code=code).select_related("plan__network").first()
        if found is None or not permissions.can(_user(self), "cooperation.view_plan", found.plan):
            raise serializers.ValidationError(_("Unknown direction: %(name)s.") % {"name": value})
        return found

    def validate_country(self, value: str | None) -> Country | None:
        if value is None:
            return None
        found = Country.objects.filter(pk=value.upper()).first()
        if found is None:
            raise serializers.ValidationError(_("Unknown country."))
        return found


class LearnAnswerSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    answer = serializers.CharField(required=False, allow_blank=True)


class LearnRequestSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organization = serializers.CharField(source="organization.slug")
    message = serializers.CharField()
    status = serializers.CharField()
    answer = serializers.CharField()
