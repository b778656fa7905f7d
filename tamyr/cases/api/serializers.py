"""Cases over the API: the list row, the detail (only the sections the caller may see) and the action bodies.
Every action body carries `version` (or the request an `If-Match` header): the case version the caller saw."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tamyr.cases import stages as templates
from tamyr.cases.models import ApprovalKind, Case, ReferralKind, Visibility
from tamyr.registry.models import Organization


class CaseSerializer(serializers.ModelSerializer[Case]):
    owner = serializers.CharField(source="owner.slug", read_only=True)
    head = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    origin_country = serializers.CharField(source="origin_country_id", read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True, help_text="requested, open or closed")
    case_type = serializers.CharField(read_only=True, help_text="return or consular")

    class Meta:
        model = Case
        fields = [
            "id",
            "case_type",
            "status",
            "owner",
            "worker",
            "stage",
            "stage_started_at",
            "stage_due_at",
            "overdue",
            "origin_country",
            "region",
            "head",
            "version",
        ]
        read_only_fields = fields

    def get_head(self, case: Case) -> str:
        heads = getattr(case, "heads", None)
        if heads is None:
            heads = [member for member in case.members.all() if member.is_head]
        return heads[0].person.display_name if heads else ""

    def get_overdue(self, case: Case) -> bool:
        return case.is_overdue()


class MemberSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.display_name")
    is_head = serializers.BooleanField()
    relationship = serializers.CharField()


class ChecklistItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)


class StageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    sla_days = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    items = ChecklistItemSerializer(many=True, source="items.all")


class TaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    for_family = serializers.BooleanField()
    done_at = serializers.DateTimeField(allow_null=True)


class NoteSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    visibility = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReferralSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    kind = serializers.CharField()
    service = serializers.CharField()
    from_organization = serializers.CharField(source="from_organization.slug")
    to_organization = serializers.CharField(source="to_organization.slug")
    status = serializers.CharField()
    shared_sections = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ApprovalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    """The case; a referral partner gets only the sections its referral shares (the others are null)."""

    sections = serializers.ListField(child=serializers.CharField(), read_only=True)
    members = MemberSerializer(many=True, read_only=True, allow_null=True)
    stages = StageSerializer(many=True, read_only=True, allow_null=True)
    tasks = TaskSerializer(many=True, read_only=True, allow_null=True)
    notes = NoteSerializer(many=True, read_only=True)
    referrals = ReferralSerializer(many=True, read_only=True, allow_null=True)
    approvals = ApprovalSerializer(many=True, read_only=True, allow_null=True)
    plan = serializers.CharField(read_only=True, allow_null=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "sections", "members", "stages", "tasks", "notes", "referrals",
                  "approvals", "plan"]  # fmt: skip
        read_only_fields = fields


class VersionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="The case version you saw (or send If-Match)."
    )


class StageMoveSerializer(VersionSerializer):
    stage = serializers.ChoiceField(choices=[code for code in templates.STAGE_LABELS if code != "closed"])


class NoteCreateSerializer(VersionSerializer):
    text = serializers.CharField(max_length=5000)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.ORGANIZATION)


class TaskCreateSerializer(VersionSerializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True)
    for_family = serializers.BooleanField(required=False, default=False, help_text="The family is asked to do it.")


class ReferralCreateSerializer(VersionSerializer):
    to_organization = serializers.SlugRelatedField(slug_field="slug", queryset=Organization.objects.all())
    kind = serializers.ChoiceField(choices=ReferralKind.choices, default=ReferralKind.REFERRAL)
    service = serializers.ChoiceField(choices=list(templates.STAGE_LABELS), required=False, default="")
    shared_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=list(templates.SECTIONS)), required=False, default=list
    )
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ApprovalRequestSerializer(VersionSerializer):
    kind = serializers.ChoiceField(choices=ApprovalKind.choices)


class ApprovalDecideSerializer(VersionSerializer):
    approval = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReferralAnswerSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ConflictSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
    version = serializers.IntegerField()
    changes = serializers.ListField(child=serializers.DictField())
