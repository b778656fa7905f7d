"""The `calls` section of a network file: calls with their eligibility, quota groups, documents and form.

Calls are matched by slug and written through `calls.services` (audited, as on the managers' pages); a command's
load acts as `permissions.SYSTEM`. Times are written in the call's own time zone as `YYYY-MM-DD HH:MM` and stored
in UTC. `residence_countries` and `citizenships` are relations: the whole list when written. Quota groups and
documents are matched by their `key`, questions by position: a written list adds and changes, and never deletes
what it leaves out (applications hang on them). A question's kind never changes (answers were given in it).
Applications are people's data and are not in files. Times may also be relative to the day the file is loaded,
`+60d 23:59` (sixty days from today, in the call's zone), as events' are: for a call that should stay open (the
demo's); a dump writes the times it finds, as dates. Review phases are matched by position and score categories by
key, like questions and quota groups: a written list adds and changes, and never deletes (reviews hang on them).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.calls import services
from tamyr.calls.models import (
    Application,
    Call,
    CallKind,
    CallStatus,
    OthersScores,
    Question,
    QuotaGroup,
    RequiredDocument,
    ReviewPhase,
)
from tamyr.core import bulk
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import DATE, SLUG, TRANSLATED, Action, Change, Context, DumpScope, Item, Section, register
from tamyr.core.questions import QuestionKind
from tamyr.events.netfile import RELATIVE, today
from tamyr.registry.models import Country, Network, NetworkMembership, Organization

TIME: dict[str, Any] = {
    "type": "string",
    "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2}[T ]|[+-][0-9]{1,4}d )[0-9]{2}:[0-9]{2}$",
    "description": "YYYY-MM-DD HH:MM in the call's time zone; or +Nd HH:MM (-Nd HH:MM), N days after (before) the "
    "day the file is loaded, there.",
}
COUNTRIES: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
    "description": "ISO 3166 alpha-2 codes; the whole list, when written.",
}
MONEY: dict[str, Any] = {"type": ["number", "string", "null"], "description": "An amount, e.g. 40000000 or 2500.50."}
AGE: dict[str, Any] = {"type": ["integer", "null"], "minimum": 0, "maximum": 120}
#: a review phase's fields besides its name and times, and a score category's besides its name
PHASE_FLAGS = ("can_review", "sees_all", "others_scores", "blind")
CATEGORY_PLAIN = ("required", "min_value", "max_value")
PLAIN = ("kind", "time_zone", "places", "currency", "age_min", "age_max", "heritage_asked")
MONEY_FIELDS = ("budget", "award_min", "award_max")


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(str(value)) from None


def _time(value: Any, zone: str) -> dt.datetime:
    """A time of the file in UTC; a relative one (`+60d 23:59`) counts the days from today in the call's zone, so
    loaded again the same day it changes nothing. Raises ValueError for what is not a time."""
    text = str(value)
    if relative := RELATIVE.match(text):
        text = f"{(today(zone) + dt.timedelta(days=int(relative['days']))).isoformat()} {relative['time']}"
    naive = dt.datetime.fromisoformat(text.replace(" ", "T"))
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC)


def _differ(row: Any, label: str, key: object, values: dict[str, Any], fields: list[str]) -> bool:
    """Whether a new (`row` None) or changed phase or category is to be written; `values` keeps what changed."""
    changed = [name for name, value in values.items() if row is None or getattr(row, name) != value]
    fields.extend([f"+{label}.{key}"] if row is None else [f"{label}.{key}.{name}" for name in changed])
    for name in set(values) - set(changed):
        del values[name]
    return bool(changed)


def _local(value: dt.datetime, zone: str) -> str:
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@register
class CallsSection(Section):
    name = "calls"
    label = gettext_lazy("call")
    depends_on = ("organizations", "networks")

    def item_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["slug", "kind", "title", "organization", "opens", "closes"],
            "additionalProperties": False,
            "properties": {
                "slug": SLUG,
                "kind": {"enum": list(CallKind.values)},
                "status": {"enum": [CallStatus.DRAFT, CallStatus.PUBLISHED], "default": CallStatus.DRAFT},
                "organization": SLUG,
                "network": SLUG,
                "title": TRANSLATED,
                "summary": TRANSLATED,
                "description": TRANSLATED,
                "time_zone": {"type": "string", "description": "An IANA time zone name such as Asia/Almaty."},
                "opens": TIME,
                "closes": TIME,
                "places": {"type": ["integer", "null"], "minimum": 1},
                "currency": {"type": "string", "pattern": "^([A-Z]{3})?$"},
                **dict.fromkeys(MONEY_FIELDS, MONEY),
                "residence_countries": COUNTRIES,
                "citizenships": COUNTRIES,
                "age_min": AGE,
                "age_max": AGE,
                "age_on": DATE,
                "languages": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["language"],
                        "additionalProperties": False,
                        "properties": {
                            "language": {"type": "string", "maxLength": 8},
                            "level": {"enum": ["", "A1", "A2", "B1", "B2", "C1", "C2"]},
                        },
                    },
                },
                "heritage_asked": {"type": "boolean"},
                "quota_groups": {
                    "type": "array",
                    "description": "Matched by key; groups left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["key", "name", "places"],
                        "additionalProperties": False,
                        "properties": {
                            "key": SLUG,
                            "name": TRANSLATED,
                            "places": {"type": "integer", "minimum": 0},
                            "countries": COUNTRIES,
                        },
                    },
                },
                "documents": {
                    "type": "array",
                    "description": "Matched by key; documents left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["key", "name"],
                        "additionalProperties": False,
                        "properties": {
                            "key": SLUG,
                            "name": TRANSLATED,
                            "formats": {"type": "array", "items": {"enum": list(services.FORMATS)}},
                            "max_megabytes": {"type": "integer", "minimum": 1, "maximum": 50},
                            "required": {"type": "boolean"},
                            "from_referee": {"type": "boolean"},
                        },
                    },
                },
                "review_phases": {
                    "type": "array",
                    "description": "Matched by position; phases left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["name", "starts", "ends"],
                        "additionalProperties": False,
                        "properties": {
                            "name": TRANSLATED,
                            "starts": TIME,
                            "ends": TIME,
                            "can_review": {"type": "boolean", "default": True},
                            "sees_all": {"type": "boolean", "default": False},
                            "others_scores": {"enum": list(OthersScores.values), "default": OthersScores.AFTER_OWN},
                            "blind": {"type": "boolean", "default": True},
                        },
                    },
                },
                "score_categories": {
                    "type": "array",
                    "description": "Matched by key; categories left out stay.",
                    "items": {
                        "type": "object",
                        "required": ["key", "name"],
                        "additionalProperties": False,
                        "properties": {
                            "key": SLUG,
                            "name": TRANSLATED,
                            "weight": {"type": ["number", "string"], "default": 1, "description": "e.g. 2 or 1.5"},
                            "required": {"type": "boolean", "default": True},
                            "min_value": {"type": "integer", "default": 0},
                            "max_value": {"type": "integer", "default": 10},
                        },
                    },
                },
                "questions": {
                    "type": "array",
                    "description": "Matched by position; questions left out stay; a question's kind never changes.",
                    "items": {
                        "type": "object",
                        "required": ["label", "kind"],
                        "additionalProperties": False,
                        "properties": {
                            "label": TRANSLATED,
                            "kind": {"enum": [kind for kind in QuestionKind.values if kind != QuestionKind.FILE]},
                            "choices": {"type": "array", "items": TRANSLATED},
                            "required": {"type": "boolean"},
                        },
                    },
                },
            },
        }

    # --- planning ----------------------------------------------------------------------------------------------

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        by_slug = {self.key_of(item.data): item for item in items}
        existing = {
            call.slug: call
            for call in Call.objects.filter(slug__in=by_slug)
            .select_related("organization", "network")
            .prefetch_related(
                "residence_countries",
                "citizenships",
                Prefetch("quota_groups", QuotaGroup.objects.prefetch_related("countries")),
                "required_documents",
                Prefetch("questions", Question.objects.order_by("order", "id")),
                Prefetch("review_phases", ReviewPhase.objects.order_by("order", "id")),
                "score_categories",
            )
        }
        organizations = {item.data["organization"] for item in items}
        networks = {item.data["network"] for item in items if item.data.get("network")}
        codes = {
            code
            for item in items
            for code in [
                *(item.data.get("residence_countries") or []),
                *(item.data.get("citizenships") or []),
                *(c for group in item.data.get("quota_groups") or [] for c in group.get("countries") or []),
            ]
        }
        known_orgs = set(Organization.objects.filter(slug__in=organizations).values_list("slug", flat=True))
        known_networks = set(Network.objects.filter(slug__in=networks).values_list("slug", flat=True))
        countries = set(Country.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
        changes: list[Change] = []
        for slug, item in by_slug.items():
            current = existing.get(slug)
            organization = item.data["organization"]
            if organization not in known_orgs and not context.declares("organizations", organization):
                message = _(
                    "There is no organization %(slug)s: add it to the file's organizations, or load it first."
                ) % {"slug": organization}
                context.problems.append(item.problem("organization", message))
            network = item.data.get("network")
            if network and network not in known_networks and not context.declares("networks", network):
                context.problems.append(item.problem("network", _("There is no network %(slug)s.") % {"slug": network}))
            for code in codes - countries:
                context.problems.append(item.problem("", _("Unknown country code %(code)s.") % {"code": code}))
            changes.append(self._plan_call(item, current, context))
        return changes

    def _plan_call(self, item: Item, current: Call | None, context: Context) -> Change:
        data = item.data
        zone = data.get("time_zone") or (current.time_zone if current else "UTC")
        if zone not in zoneinfo.available_timezones():
            context.problems.append(item.problem("time_zone", _("Unknown time zone %(zone)s.") % {"zone": zone}))
            zone = "UTC"
        wanted: dict[str, Any] = {}
        for field in ("title", "summary", "description"):
            if field in data:
                try:
                    wanted[field] = clean_translations(data[field])
                except ValueError as error:
                    context.problems.append(item.problem(field, str(error)))
        for field in PLAIN:
            if field in data:
                wanted[field] = data[field]
        if "time_zone" not in data and current is None:
            wanted["time_zone"] = zone
        for field, model_field in (("opens", "opens_at"), ("closes", "closes_at")):
            try:
                wanted[model_field] = _time(data[field], zone)
            except (KeyError, ValueError):
                message = _("%(value)s is not a time; write it as YYYY-MM-DD HH:MM.") % {"value": data.get(field)}
                context.problems.append(item.problem(field, message))
        for field in MONEY_FIELDS:
            if field in data:
                try:
                    wanted[field] = _money(data[field])
                except ValueError:
                    context.problems.append(item.problem(field, _("Write an amount such as 2500.50.")))
        if "age_on" in data:
            wanted["age_on"] = dt.date.fromisoformat(data["age_on"]) if data["age_on"] else None
        if "languages" in data:
            wanted["languages"] = [
                {"language": entry["language"], "level": entry.get("level", "")} for entry in data["languages"]
            ]
        fields = [field for field, value in wanted.items() if current is None or getattr(current, field) != value]
        plan: dict[str, Any] = {
            "call": {field: wanted[field] for field in fields},
            "organization": data["organization"],
        }
        if "network" in data:
            have = current.network.slug if current and current.network else None
            if data["network"] != have:
                fields.append("network")
                plan["network"] = data["network"]
        for relation in ("residence_countries", "citizenships"):
            if relation in data:
                wanted_codes = sorted(set(data[relation] or []))
                codes_now = sorted(country.code for country in getattr(current, relation).all()) if current else []
                if wanted_codes != codes_now:
                    fields.append(relation)
                    plan[relation] = wanted_codes
        status = data.get("status", CallStatus.DRAFT)
        have_status = current.status if current else CallStatus.DRAFT
        plan["publish"] = status == CallStatus.PUBLISHED and have_status != CallStatus.PUBLISHED
        if status == CallStatus.DRAFT and have_status != CallStatus.DRAFT:
            context.problems.append(item.problem("status", _("A published call is not made a draft again.")))
        if plan["publish"]:
            fields.append("status")
        plan["groups"] = self._plan_keyed(data.get("quota_groups"), current, "quota_groups", fields, "quota_groups")
        plan["documents"] = self._plan_keyed(data.get("documents"), current, "required_documents", fields, "documents")
        plan["questions"] = self._plan_questions(item, current, context, fields)
        plan["phases"], plan["categories"] = self._plan_review(item, current, context, zone, fields)
        action: Action = "create" if current is None else ("change" if fields else "unchanged")
        return Change(self, item.data["slug"], action, item, fields=fields, data=plan)

    @staticmethod
    def _plan_keyed(
        entries: list[dict[str, Any]] | None, current: Call | None, related: str, fields: list[str], label: str
    ) -> list[tuple[int | None, dict[str, Any]]]:
        """(pk or None, values) for the groups or documents that are new or differ, matched by key."""
        rows = {row.key: row for row in getattr(current, related).all()} if current else {}
        planned: list[tuple[int | None, dict[str, Any]]] = []
        for entry in entries or []:
            values = {name: value for name, value in entry.items() if name != "key"}
            if "name" in values:
                values["name"] = clean_translations(values["name"])
            row = rows.get(entry["key"])
            if row is None:
                fields.append(f"+{label}.{entry['key']}")
                planned.append((None, {"key": entry["key"], **values}))
                continue
            differ = [
                name
                for name, value in values.items()
                if (sorted(c.code for c in row.countries.all()) if name == "countries" else getattr(row, name))
                != (sorted(value) if name == "countries" else value)
            ]
            if differ:
                fields.extend(f"{label}.{entry['key']}.{name}" for name in differ)
                planned.append((row.pk, {name: values[name] for name in differ}))
        return planned

    @staticmethod
    def _plan_questions(
        item: Item, current: Call | None, context: Context, fields: list[str]
    ) -> list[tuple[int | None, dict[str, Any]]]:
        rows = list(current.questions.all()) if current else []
        planned: list[tuple[int | None, dict[str, Any]]] = []
        for index, entry in enumerate(item.data.get("questions") or []):
            values = {
                "label": clean_translations(entry["label"]),
                "choices": [clean_translations(choice) for choice in entry.get("choices") or []],
                "required": bool(entry.get("required", False)),
            }
            if index >= len(rows):
                fields.append(f"+questions[{index}]")
                planned.append((None, {"kind": entry["kind"], **values}))
                continue
            row = rows[index]
            if row.kind != entry["kind"]:
                message = _("A question's kind does not change (answers were given in it); add a new question.")
                context.problems.append(item.problem(f"questions[{index}].kind", message))
            differ = [name for name, value in values.items() if getattr(row, name) != value]
            if differ:
                fields.extend(f"questions[{index}].{name}" for name in differ)
                planned.append((row.pk, {name: values[name] for name in differ}))
        return planned

    @staticmethod
    def _plan_review(
        item: Item, current: Call | None, context: Context, zone: str, fields: list[str]
    ) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
        """(order, values) of the review phases and (key, values) of the score categories that are new or differ."""
        phases = {row.order: row for row in current.review_phases.all()} if current else {}
        categories = {row.key: row for row in current.score_categories.all()} if current else {}
        planned: tuple[list[tuple[int, dict[str, Any]]], list[tuple[str, dict[str, Any]]]] = ([], [])
        for index, entry in enumerate(item.data.get("review_phases") or []):
            values = {"name": clean_translations(entry["name"])} | {f: entry[f] for f in PHASE_FLAGS if f in entry}
            for field in ("starts", "ends"):
                try:
                    values[f"{field}_at"] = _time(entry[field], zone)
                except ValueError:
                    message = _("%(value)s is not a time; write it as YYYY-MM-DD HH:MM.") % {"value": entry[field]}
                    context.problems.append(item.problem(f"review_phases[{index}].{field}", message))
            planned[0].append((index, values))
        for index, entry in enumerate(item.data.get("score_categories") or []):
            values = {"name": clean_translations(entry["name"])} | {f: entry[f] for f in CATEGORY_PLAIN if f in entry}
            if "weight" in entry:
                try:
                    values["weight"] = _money(entry["weight"])
                except ValueError:
                    context.problems.append(item.problem(f"score_categories[{index}].weight", _("Write a number.")))
            planned[1].append((entry["key"], values))
        return (
            [
                (order, values)
                for order, values in planned[0]
                if _differ(phases.get(order), "review_phases", order, values, fields)
            ],
            [
                (key, values)
                for key, values in planned[1]
                if _differ(categories.get(key), "score_categories", key, values, fields)
            ],
        )

    # --- applying ----------------------------------------------------------------------------------------------

    def apply(self, change: Change, context: Context) -> None:
        user = context.acting_user if context.acting_user is not None else SYSTEM
        plan = change.data
        values = dict(plan["call"])
        if "network" in plan:
            values["network"] = Network.objects.filter(slug=plan["network"]).first() if plan["network"] else None
        relations = {
            relation: list(Country.objects.filter(code__in=plan[relation]))
            for relation in ("residence_countries", "citizenships")
            if relation in plan
        }
        if change.action == "create":
            organization = Organization.objects.get(slug=plan["organization"])
            call = services.call_create(
                slug=change.key, organization=organization, acting_user=user, **values, **relations
            )
        else:
            call = Call.objects.get(slug=change.key)
            if values or relations:
                call = services.call_update(call=call, acting_user=user, **values, **relations)
        for pk, group in plan["groups"]:
            countries = list(Country.objects.filter(code__in=group.pop("countries", []) or []))
            if pk is None:
                services.quota_group_create(call=call, acting_user=user, countries=countries, **group)
            else:
                existing = QuotaGroup.objects.select_related("call").get(pk=pk)
                services.quota_group_update(group=existing, acting_user=user, countries=countries, **group)
        for pk, document in plan["documents"]:
            if pk is None:
                services.required_document_create(call=call, acting_user=user, **document)
            else:
                row = RequiredDocument.objects.select_related("call").get(pk=pk)
                services.required_document_update(document=row, acting_user=user, **document)
        for pk, question in plan["questions"]:
            if pk is None:
                services.question_create(call=call, acting_user=user, **question)
            else:
                asked = Question.objects.select_related("call").get(pk=pk)
                services.question_update(question=asked, acting_user=user, **question)
        for order, phase in plan["phases"]:
            services.review_phase_set(call=call, order=order, acting_user=user, **phase)
        for key, category in plan["categories"]:
            services.score_category_set(call=call, key=key, acting_user=user, **category)
        if plan["publish"]:
            services.call_publish(call=call, acting_user=user)

    # --- dumping -----------------------------------------------------------------------------------------------

    def _dumped(self, scope: DumpScope) -> Any:
        members = NetworkMembership.objects.filter(network__slug__in=scope.networks).values("organization_id")
        return Call.objects.filter(Q(organization_id__in=members) | Q(network__slug__in=scope.networks))

    def organizations_named(self, scope: DumpScope) -> set[str]:
        return set(self._dumped(scope).values_list("organization__slug", flat=True))

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        calls = (
            self._dumped(scope)
            .select_related("organization", "network")
            .prefetch_related(
                "residence_countries",
                "citizenships",
                Prefetch("quota_groups", QuotaGroup.objects.prefetch_related("countries")),
                "required_documents",
                Prefetch("questions", Question.objects.order_by("order", "id")),
                Prefetch("review_phases", ReviewPhase.objects.order_by("order", "id")),
                "score_categories",
            )
            .order_by("closes_at", "slug")
        )
        return [self._item(call) for call in calls]

    @staticmethod
    def _item(call: Call) -> dict[str, Any]:
        item: dict[str, Any] = {
            "slug": call.slug,
            "kind": call.kind,
            "status": "draft" if call.status == CallStatus.DRAFT else "published",
            "organization": call.organization.slug,
        }
        if call.network:
            item["network"] = call.network.slug
        item["title"] = call.title
        for field in ("summary", "description"):
            if getattr(call, field):
                item[field] = getattr(call, field)
        item["time_zone"] = call.time_zone
        item["opens"] = _local(call.opens_at, call.time_zone)
        item["closes"] = _local(call.closes_at, call.time_zone)
        for field in ("places", "currency", "age_min", "age_max"):
            if getattr(call, field) not in (None, ""):
                item[field] = getattr(call, field)
        for field in MONEY_FIELDS:
            if getattr(call, field) is not None:
                item[field] = str(getattr(call, field))
        if call.age_on:
            item["age_on"] = call.age_on.isoformat()
        if call.languages:
            item["languages"] = call.languages
        if call.heritage_asked:
            item["heritage_asked"] = True
        item["residence_countries"] = sorted(country.code for country in call.residence_countries.all())
        item["citizenships"] = sorted(country.code for country in call.citizenships.all())
        item["quota_groups"] = [
            {
                "key": group.key,
                "name": group.name,
                "places": group.places,
                "countries": sorted(c.code for c in group.countries.all()),
            }
            for group in call.quota_groups.all()
        ]
        item["documents"] = [
            {
                "key": document.key,
                "name": document.name,
                "formats": document.formats,
                "max_megabytes": document.max_megabytes,
                "required": document.required,
                "from_referee": document.from_referee,
            }
            for document in call.required_documents.all()
        ]
        item["questions"] = [
            {"label": question.label, "kind": question.kind, "choices": question.choices, "required": question.required}
            for question in call.questions.all()
        ]
        if phases := list(call.review_phases.all()):
            item["review_phases"] = [
                {"name": phase.name, "starts": _local(phase.starts_at, call.time_zone)}
                | {"ends": _local(phase.ends_at, call.time_zone)}
                | {flag: getattr(phase, flag) for flag in PHASE_FLAGS}
                for phase in phases
            ]
        if categories := list(call.score_categories.all()):
            item["score_categories"] = [
                {"key": c.key, "name": c.name, "weight": str(c.weight)} | {f: getattr(c, f) for f in CATEGORY_PLAIN}
                for c in categories
            ]
        return item


# --- generated applications ---------------------------------------------------------------------------------------


def applications_sync(call: Call, wanted: dict, proposals: list[dict[str, Any]]) -> list[Application]:
    """Create the applications a generator wants ({(person id, organization id or None): fields}) and bring the others
    to their values, in bulk, with the audit row `application_start` writes; new ones get the partners of their
    organization's proposal (`proposals`: {organization, partners}). Applications are people's data and never in a
    file: this writes `tamyr demo`'s, closed calls included, which `application_submit` refuses."""
    existing = {(a.person_id, a.organization_id): a for a in Application.objects.filter(call=call)}
    synced = bulk.sync_keyed(Application, existing, wanted, lambda k, r: Application(call=call, person_id=k[0], **r))
    created = [synced.rows[key] for key in synced.created]
    bulk.audit_rows("calls.application_started", created, str)
    partners = {p["organization"]: p["partners"] for p in proposals}
    orgs = dict(Organization.objects.values_list("pk", "slug"))
    by_slug = {slug: pk for pk, slug in orgs.items()}
    Application.partners.through.objects.bulk_create(
        Application.partners.through(application_id=a.pk, organization_id=by_slug[slug])
        for a in created if a.organization_id for slug in partners.get(orgs[a.organization_id], ()) if slug in by_slug
    )  # fmt: skip
    return list(synced.rows.values())
