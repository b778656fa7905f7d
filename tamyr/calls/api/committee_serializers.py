"""Serializers of the committee's side: reviews with their scores, results (outcomes), awards with tranches and
reports, and the fund's figures. Shapes only; the rules are in review.py, selection.py and financing.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tamyr.calls.models import AwardStatus, HostPairStatus, OutcomeStatus, ReportStatus, TrancheStatus
from tamyr.core.files import private_url


class ReviewScoreSerializer(serializers.Serializer):
    category = serializers.CharField(source="category.key")
    value = serializers.IntegerField()


class ReviewSerializer(serializers.Serializer):
    """One review; `committee_comment` is for the call's managers and the reviewer who wrote it."""

    application = serializers.CharField(source="application.code")
    reviewer = serializers.CharField(source="reviewer.display_name")
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    scores = ReviewScoreSerializer(many=True)
    committee_comment = serializers.CharField()
    applicant_comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)


class ResultSerializer(serializers.Serializer):
    application = serializers.CharField(source="application.code")
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2)
    status = serializers.ChoiceField(choices=OutcomeStatus.choices)
    quota_group = serializers.SerializerMethodField()
    reserve_position = serializers.IntegerField(allow_null=True)
    respond_by = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_quota_group(self, outcome: Any) -> str | None:
        return outcome.quota_group.key if outcome.quota_group_id else None


class ApplicationScoreSerializer(serializers.Serializer):
    """An application with the scores of its submitted reviews: the mean total and each category's mean."""

    code = serializers.CharField()
    applicant = serializers.CharField()
    quota_group = serializers.CharField(allow_null=True)
    reviews = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    categories = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2))


class TrancheSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=TrancheStatus.choices, read_only=True)
    disbursed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    due_on = serializers.DateField()
    tranche = serializers.IntegerField(source="tranche_id", allow_null=True, required=False)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True)
    file = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_file(self, report: Any) -> str | None:
        return private_url("call-report", report) if report.file else None


class AwardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.CharField(source="outcome.application.code")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=AwardStatus.choices)
    tranches = TrancheSerializer(many=True)
    reports = ReportSerializer(many=True)


class AwardStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AwardStatus.choices)


class ReportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class MoneySerializer(serializers.Serializer):
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)


class MoneyRowSerializer(MoneySerializer):
    key = serializers.CharField(help_text="A country's ISO code, or a quota group's key; empty when unknown.")
    name = serializers.CharField()


class FundSerializer(serializers.Serializer):
    currency = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    uncommitted = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    total = MoneySerializer()
    by_country = MoneyRowSerializer(many=True)
    by_direction = MoneyRowSerializer(many=True)


def fund_data(figures: Any) -> dict[str, Any]:
    def rows(items: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
        return [{"key": key, "name": name, **money_data(money)} for key, name, money in items]

    def money_data(money: Any) -> dict[str, Any]:
        return {"committed": money.committed, "disbursed": money.disbursed, "remaining": money.remaining}

    return dict(
        FundSerializer(
            {
                "currency": figures.currency,
                "budget": figures.budget,
                "uncommitted": figures.uncommitted,
                "total": money_data(figures.total),
                "by_country": rows(figures.by_country),
                "by_direction": rows(figures.by_direction),
            }
        ).data
    )


class ReportAnswerSerializer(serializers.Serializer):
    """The managers' comment on a report: optional when accepting, required when returning it."""

    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class HostPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class HostPairSerializer(serializers.Serializer):
    visitor = HostPersonSerializer()
    host = HostPersonSerializer()
    score = serializers.DecimalField(max_digits=5, decimal_places=4)
    status = serializers.ChoiceField(choices=HostPairStatus.choices)
    by_manager = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class HostPairSetSerializer(serializers.Serializer):
    """A manager's host for a scholar: the people's ids, checked against the call's scholars and hosts."""

    visitor = serializers.IntegerField()
    host = serializers.IntegerField()
