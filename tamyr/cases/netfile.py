"""The `cases` section of a network file: demo (or training) cases replayed through the services, as the system.

A case is matched by its `reference`; one that exists is left as it is (a file does not rewrite a case's history),
so loading twice plans nothing. Its people are named by key (the `people` section), its organizations by slug, its
case worker by username. Dates are relative to the day of loading (`due_in_days`), so an overdue task stays
overdue in a demo loaded later. Nothing is dumped: cases are confidential and never leave through a network file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.cases import services
from tamyr.cases import stages as templates
from tamyr.cases.models import Case, CaseStage, CaseType, ChecklistItem, ReferralKind, Visibility
from tamyr.core.netfiles import SLUG, Change, Context, DumpScope, Item, Section, register
from tamyr.registry.models import Country, Organization, Person

STAGE = {"enum": [code for code in templates.STAGE_LABELS if code not in ("intake", "closed")]}


@register
class CasesSection(Section):
    name = "cases"
    label = gettext_lazy("case")
    depends_on = ("organizations", "people")
    key_field = "reference"

    def item_schema(self) -> dict[str, Any]:
        text = {"type": "string", "maxLength": 5000}
        return {
            "type": "object",
            "required": ["reference", "owner", "members"],
            "additionalProperties": False,
            "properties": {
                "reference": {"type": "string", "minLength": 1, "maxLength": 40},
                "owner": SLUG,
                "worker": {"type": "string", "maxLength": 150},
                "type": {"enum": list(CaseType.values)},
                "from": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "region": {"type": "string", "maxLength": 120},
                "summary": text,
                "members": {
                    "type": "array",
                    "minItems": 1,
                    "description": "[person key, relationship]; the first is the head of the household.",
                    "items": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "string"}},
                },
                "sharing_consents": {"type": "array", "items": SLUG},
                "plan": text,
                "plan_approved": {"type": "boolean"},
                "stages": {"type": "array", "items": STAGE, "description": "Stages the case moved through, in order."},
                "in_stage_days": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Days the case has been in its current stage by the day of loading (its SLA "
                    "timer counts from then, so a demo case can be overdue).",
                },
                "tasks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["title"],
                        "additionalProperties": False,
                        "properties": {
                            "title": {"type": "string", "maxLength": 200},
                            "due_in_days": {"type": "integer"},
                            "done": {"type": "boolean"},
                            "for_family": {"type": "boolean"},
                        },
                    },
                },
                "notes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["text"],
                        "additionalProperties": False,
                        "properties": {"text": text, "visibility": {"enum": list(Visibility.values)}},
                    },
                },
                "referrals": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["to"],
                        "additionalProperties": False,
                        "properties": {
                            "to": SLUG,
                            "kind": {"enum": list(ReferralKind.values)},
                            "service": STAGE,
                            "shared_sections": {"type": "array", "items": {"enum": list(templates.SECTIONS)}},
                            "answer": {"enum": ["pending", "accepted", "rejected", "implemented"]},
                            "reason": {"type": "string", "maxLength": 500},
                        },
                    },
                },
                "closed": {"type": "boolean"},
            },
        }

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        existing = set(
            Case.objects.filter(reference__in=[item.data["reference"] for item in items]).values_list(
                "reference", flat=True
            )
        )
        people = set(Person.objects.filter(key__isnull=False).values_list("key", flat=True))
        organizations = set(Organization.objects.values_list("slug", flat=True))
        users = set(get_user_model().objects.values_list("username", flat=True))
        changes = []
        for item in items:
            data = item.data
            for key in [member[0] for member in data["members"]]:
                if key not in people and not context.declares("people", key):
                    context.problems.append(item.problem("members", _("There is no person %(key)s.") % {"key": key}))
            named = [data["owner"], *data.get("sharing_consents", []), *(r["to"] for r in data.get("referrals", []))]
            for slug in named:
                if slug not in organizations and not context.declares("organizations", slug):
                    message = _("There is no organization %(slug)s.") % {"slug": slug}
                    context.problems.append(item.problem("owner", message))
            if data.get("worker") and data["worker"] not in users:
                message = _("There is no user %(name)s.") % {"name": data["worker"]}
                context.problems.append(item.problem("worker", message))
            if data["reference"] in existing:
                changes.append(Change(self, data["reference"], "unchanged", item))
            else:
                changes.append(Change(self, data["reference"], "create", item))
        return changes

    def apply(self, change: Change, context: Context) -> None:
        if change.action != "create":
            return
        data = change.item.data
        user = context.acting_user if context.acting_user is not None else SYSTEM
        owner = Organization.objects.get(slug=data["owner"])
        people = [
            (Person.objects.get(key=member[0]), member[1] if len(member) > 1 else "") for member in data["members"]
        ]
        worker = get_user_model().objects.filter(username=data.get("worker", "")).first()
        case = services.case_open(
            owner=owner,
            head=people[0][0],
            members=people[1:],
            acting_user=user,
            case_type=data.get("type", CaseType.RETURN),
            worker=worker,
            origin_country=Country.objects.filter(code=data.get("from", "")).first(),
            region=data.get("region", ""),
            summary=data.get("summary", ""),
            reference=data["reference"],
        )
        head = people[0][0]
        for slug in data.get("sharing_consents", []):
            services.sharing_consent_give(
                person=head, organization=Organization.objects.get(slug=slug), method="paper", acting_user=user
            )
        if data.get("plan"):
            services.plan_set(case=case, version=case.version, plan=data["plan"], acting_user=user)
            if data.get("plan_approved"):
                approval = services.approval_request(case=case, version=case.version, kind="plan", acting_user=user)
                services.approval_decide(approval=approval, version=case.version, approve=True, acting_user=user)
        for stage in data.get("stages", []):
            for item in ChecklistItem.objects.filter(stage__case=case, stage__code=case.stage, done_at__isnull=True):
                services.checklist_mark(case=case, version=case.version, item=item, done=True, acting_user=user)
            services.stage_move(case=case, version=case.version, to_stage=stage, acting_user=user)
        if data.get("in_stage_days"):
            # the stage began that many days before the loading: its start and due date move back together
            shift = dt.timedelta(days=data["in_stage_days"])
            case.stage_started_at -= shift
            case.stage_due_at = case.stage_due_at - shift if case.stage_due_at else None
            Case.objects.filter(pk=case.pk).update(
                stage_started_at=case.stage_started_at, stage_due_at=case.stage_due_at
            )
            CaseStage.objects.filter(case=case, code=case.stage).update(started_at=case.stage_started_at)
        today = timezone.localdate()
        for task in data.get("tasks", []):
            due = today + dt.timedelta(days=task["due_in_days"]) if "due_in_days" in task else None
            added = services.task_add(
                case=case,
                version=case.version,
                title=task["title"],
                due_on=due,
                assignee=worker,
                for_family=task.get("for_family", False),
                acting_user=user,
            )
            if task.get("done"):
                services.task_done(task=added, version=case.version, acting_user=user)
        for note in data.get("notes", []):
            services.note_add(
                case=case,
                version=case.version,
                text=note["text"],
                visibility=note.get("visibility", Visibility.ORGANIZATION),
                acting_user=user,
            )
        for wanted in data.get("referrals", []):
            referral = services.referral_create(
                case=case,
                version=case.version,
                to_organization=Organization.objects.get(slug=wanted["to"]),
                kind=wanted.get("kind", ReferralKind.REFERRAL),
                service=wanted.get("service", ""),
                shared_sections=wanted.get("shared_sections", []),
                acting_user=user,
            )
            answer = wanted.get("answer", "pending")
            if answer in ("accepted", "implemented"):
                services.referral_respond(referral=referral, accept=True, acting_user=user)
            if answer == "implemented":
                services.referral_implement(referral=referral, acting_user=user)
            if answer == "rejected":
                services.referral_respond(
                    referral=referral, accept=False, reason=wanted.get("reason") or "—", acting_user=user
                )
            case.refresh_from_db()
        if data.get("closed"):
            approval = services.approval_request(case=case, version=case.version, kind="closure", acting_user=user)
            services.approval_decide(approval=approval, version=case.version, approve=True, acting_user=user)

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        return []  # cases are confidential: never written to a network file
