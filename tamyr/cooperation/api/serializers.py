"""Plans as JSON: a plan with its directions, measure tree, indicators (periods, targets, actuals, progress) and
versions with their sign-offs. Built from `selectors.plan_tree`, the same data as the plan page."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tamyr.cooperation.models import Plan, PlanVersion, SignOff
from tamyr.cooperation.selectors import IndicatorRow, MeasureNode
from tamyr.events.models import Event
from tamyr.registry.models import Network, Organization


class PlanSerializer(serializers.ModelSerializer[Plan]):
    network: serializers.SlugRelatedField[Network] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Plan
        fields = [
            "slug",
            "title",
            "description",
            "network",
            "organization",
            "starts_on",
            "ends_on",
            "status",
            "is_public",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class IndicatorSerializer(serializers.Serializer[IndicatorRow]):
    id = serializers.IntegerField(source="indicator.pk")
    title = serializers.JSONField(source="indicator.title")
    unit = serializers.CharField(source="indicator.unit")
    source = serializers.CharField(source="indicator.source")  # type: ignore[assignment]
    query = serializers.CharField(source="indicator.query")
    params = serializers.JSONField(source="indicator.params")
    ascending = serializers.BooleanField(source="indicator.ascending")
    baseline = serializers.DecimalField(source="indicator.baseline", max_digits=14, decimal_places=2)
    baseline_year = serializers.IntegerField(source="indicator.baseline_year", allow_null=True)
    periods = PeriodSerializer(many=True)
    progress = serializers.FloatField(help_text="0–1, computed from the current period; never typed.")
    withheld = serializers.SerializerMethodField(
        help_text="Periods whose computed actual is below 10 and withheld (`actual` null) from readers outside the "
        "network; their other computed actuals are rounded to the nearest 5."
    )

    def get_withheld(self, row: IndicatorRow) -> list[int]:
        return sorted(row.withheld)


class MeasureSerializer(serializers.Serializer[MeasureNode]):
    code = serializers.CharField(source="measure.code")
    title = serializers.JSONField(source="measure.title")
    description = serializers.JSONField(source="measure.description")
    lead = serializers.CharField(source="measure.lead.slug")
    partners = serializers.SerializerMethodField()
    starts_on = serializers.DateField(source="measure.starts_on", allow_null=True)
    ends_on = serializers.DateField(source="measure.ends_on", allow_null=True)
    status = serializers.CharField(source="measure.status")
    budget_line = serializers.CharField(source="measure.budget_line")
    budget_amount = serializers.DecimalField(
        source="measure.budget_amount", max_digits=14, decimal_places=2, allow_null=True
    )
    currency = serializers.CharField(source="measure.currency")
    weight = serializers.IntegerField(source="measure.weight")
    events = serializers.SerializerMethodField()
    courses = serializers.SerializerMethodField()
    indicators = IndicatorSerializer(many=True)
    progress = serializers.FloatField()
    children = serializers.SerializerMethodField()

    def get_partners(self, node: MeasureNode) -> list[str]:
        return [org.slug for org in node.measure.partners.all()]

    def get_events(self, node: MeasureNode) -> list[str]:
        return [event.slug for event in node.measure.events.all()]

    def get_courses(self, node: MeasureNode) -> list[str]:
        return [course.slug for course in node.measure.courses.all()]

    def get_children(self, node: MeasureNode) -> list[dict[str, Any]]:
        return [dict(MeasureSerializer(child, context=self.context).data) for child in node.children]


class DirectionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="direction.code")
    title = serializers.JSONField(source="direction.title")
    progress = serializers.FloatField()
    measures = MeasureSerializer(many=True)


class SignOffSerializer(serializers.ModelSerializer[SignOff]):
    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = SignOff
        fields = ["organization", "decision", "reservation", "signed_by_label", "signed_at"]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer[PlanVersion]):
    meeting: serializers.SlugRelatedField[Event] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    signoffs = SignOffSerializer(many=True, read_only=True)

    class Meta:
        model = PlanVersion
        fields = ["number", "status", "meeting", "note", "adopted_at", "signoffs"]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    progress = serializers.SerializerMethodField()
    directions = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    published_numbers = serializers.SerializerMethodField(
        help_text="True when computed numbers are the published ones (small counts withheld, others rounded to 5): "
        "for readers outside the network's coordinators and organizations."
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "progress", "published_numbers", "directions", "versions"]
        read_only_fields = fields

    def get_published_numbers(self, plan: Plan) -> bool:
        return bool(self.context.get("published_numbers", False))

    def get_progress(self, plan: Plan) -> float:
        return float(self.context["tree"].progress)

    def get_directions(self, plan: Plan) -> list[dict[str, Any]]:
        return [dict(d) for d in DirectionSerializer(self.context["tree"].directions, many=True).data]

    def get_versions(self, plan: Plan) -> list[dict[str, Any]]:
        return [dict(v) for v in VersionSerializer(self.context["versions"], many=True).data]
