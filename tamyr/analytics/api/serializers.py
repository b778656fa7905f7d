"""The dashboard's tables as JSON: the same tables, with the same hidden cells (null), as the page and exports."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="Gender (female, male, other, '' not stated), or people / count.")
    label = serializers.CharField()  # type: ignore[assignment]


class RowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="ISO 3166 country code, age band, language code, month, measure or domain.")
    label = serializers.CharField()  # type: ignore[assignment]
    values = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="One per column; null is a hidden figure."
    )
    total = serializers.IntegerField(allow_null=True, help_text="The row's total (two-column tables), else null.")


class TableSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="reach, country, age, language, activity or monthly.")
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    totals = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="Column totals; empty where none is meaningful."
    )
    total = serializers.IntegerField(allow_null=True, help_text="The grand total; null when hidden or meaningless.")
    hidden_cells = serializers.IntegerField(help_text="How many cells are hidden.")


class DashboardIndicatorSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField()
    plan_slug = serializers.CharField()
    indicator = serializers.CharField()
    unit = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class DashboardSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=["platform", "network", "organization"])
    slug = serializers.CharField(help_text="The network's or organization's slug; 'platform' for the platform.")
    period = serializers.CharField(help_text="all, a year (2026), a quarter (2026-Q3) or custom.")
    first_month = serializers.CharField(allow_null=True, help_text="YYYY-MM, for a custom period.")
    last_month = serializers.CharField(allow_null=True, help_text="YYYY-MM, for a custom period.")
    raw = serializers.BooleanField(help_text="True: exact figures; false: below 10 hidden, the others rounded to 5.")
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="When the figures were last computed.")
    tables = TableSerializer(many=True)
    indicators = DashboardIndicatorSerializer(many=True)
