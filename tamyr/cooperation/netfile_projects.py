"""The `projects` and `practices` sections of a network file: joint projects with their partners, events and
media, and the practice library with its learning requests. Registered through `netfile.py` (the loader imports
each app's `netfile` module).

As everywhere in network files (docs/decisions/0013): items are matched by `slug`, a field left out is left
alone, a field written is its whole value (`partners` and `events` are whole lists: a partner left out of a
written list leaves the project, except the lead), nothing is deleted for being left out. Media links and learning
requests are added when missing and never removed by a file. Everything goes through `services_projects`, so the
rules and the audit rows are those of the pages. A practice's `status` is the coordinators' review: a file saying
`accepted` or `rejected` (with `reason`) records that review once, as the installation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tamyr.accounts.permissions import SYSTEM
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import (
    Direction,
    JointProject,
    LearnRequest,
    Measure,
    MediaKind,
    PartnerRole,
    Practice,
    PracticeStatus,
    PracticeTheme,
    ProjectKind,
    ProjectMedia,
    ProjectPartner,
    ProjectStatus,
)
from tamyr.core.errors import DomainError
from tamyr.core.i18n import clean_translations
from tamyr.core.netfiles import (
    DATE,
    SLUG,
    TRANSLATED,
    Change,
    Context,
    DumpScope,
    Item,
    NetfileError,
    Section,
    register,
)
from tamyr.events.models import Event
from tamyr.registry.models import Country, Network, Organization

CODE: dict[str, Any] = {"type": "string", "pattern": "^[0-9A-Za-z.]+$", "maxLength": 16}
MONEY: dict[str, Any] = {"type": ["number", "string", "null"]}
PLACE: dict[str, Any] = {"type": "object", "required": ["plan", "code"], "additionalProperties": False,
                         "properties": {"plan": SLUG, "code": CODE}}  # fmt: skip
PROJECT_FIELDS = ("title", "description", "kind", "status", "starts_on", "ends_on", "place", "currency", "budget")
PRACTICE_FIELDS = ("title", "summary", "body", "theme", "contact_name", "contact_email", "contact_phone")


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


def _value(name: str, value: Any) -> Any:
    if name in ("title", "description", "summary", "body"):
        return clean_translations(value)
    if name in ("starts_on", "ends_on"):
        return dt.date.fromisoformat(value) if value else None
    if name in ("budget", "contribution"):
        return None if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))
    if name == "currency":
        return str(value).upper()
    return value


def _missing(context: Context, item: Item, section: str, model: Any, slugs: set[str], field: str) -> None:
    """Report the slugs neither in the database nor declared by the files being loaded."""
    messages = {
        "organizations": _("There is no organization %(slug)s: add it to the file's organizations, or load it first."),
        "networks": _("There is no network %(slug)s."),
        "events": _("There is no event %(slug)s."),
    }
    known = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in sorted(slugs - known):
        if not context.declares(section, slug):
            context.problems.append(item.problem(field, messages[section] % {"slug": slug}))


def _measure_of(place: dict[str, str] | None) -> Measure | None:
    if not place:
        return None
    return Measure.objects.filter(plan__slug=place["plan"], code=place["code"]).first()


def _in_scope_organizations(scope: DumpScope) -> Q:
    return Q(network_memberships__network__slug__in=scope.networks)


@register
class ProjectsSection(Section):
    name = "projects"
    label = gettext_lazy("joint project")
    depends_on = ("organizations", "networks", "events", "plans")

    def item_schema(self) -> dict[str, Any]:
        return _object(
            {
                "slug": SLUG,
                "lead": SLUG,
                "network": {"type": ["string", "null"]},
                "measure": {"oneOf": [PLACE, {"type": "null"}]},
                "kind": {"enum": list(ProjectKind.values)},
                "status": {"enum": list(ProjectStatus.values)},
                "title": TRANSLATED,
                "description": TRANSLATED,
                "starts_on": DATE,
                "ends_on": DATE,
                "place": {"type": "string", "maxLength": 200},
                "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
                "budget": MONEY,
                "public": {"type": "boolean"},
                "events": {"type": "array", "items": SLUG},
                "partners": {
                    "type": "array",
                    "items": _object(
                        {
                            "organization": SLUG,
                            "role": {"enum": list(PartnerRole.values)},
                            "role_note": {"type": "string", "maxLength": 300},
                            "contribution": MONEY,
                            "in_kind": {"type": "string", "maxLength": 300},
                        },
                        ["organization"],
                    ),
                },
                "media": {
                    "type": "array",
                    "items": _object(
                        {
                            "kind": {"enum": list(MediaKind.values)},
                            "title": {"type": "string", "maxLength": 200},
                            "url": {"type": "string", "pattern": "^https?://"},
                        },
                        ["url"],
                    ),
                },
            },
            ["slug", "lead", "title"],
        )

    def _check(self, item: Item, context: Context) -> None:
        data = item.data
        orgs = {data["lead"], *(p["organization"] for p in data.get("partners") or [])}
        _missing(context, item, "organizations", Organization, orgs, "partners")
        if data.get("network"):
            _missing(context, item, "networks", Network, {data["network"]}, "network")
        _missing(context, item, "events", Event, set(data.get("events") or []), "events")
        place = data.get("measure")
        if place and _measure_of(place) is None:
            declared = context.declared.get("plans", {}).get(place["plan"])
            codes = {m["code"] for m in declared.data.get("measures") or []} if declared else set()
            if place["code"] not in codes:
                context.problems.append(
                    item.problem(
                        "measure",
                        _("There is no measure %(code)s in %(plan)s.") % {"code": place["code"], "plan": place["plan"]},
                    )
                )

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        existing = {
            p.slug: p
            for p in JointProject.objects.filter(slug__in=[i.data["slug"] for i in items])
            .select_related("lead", "network", "measure__plan")
            .prefetch_related(
                Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")), "events", "media"
            )
        }
        changes = []
        for item in items:
            self._check(item, context)
            project = existing.get(item.data["slug"])
            if project is None:
                changes.append(Change(self, item.data["slug"], "create", item))
                continue
            fields = self._changed(project, item.data)
            changes.append(Change(self, project.slug, "change" if fields else "unchanged", item, fields))
        return changes

    def _changed(self, project: JointProject, data: dict[str, Any]) -> list[str]:
        fields = [n for n in PROJECT_FIELDS if n in data and _value(n, data[n]) != getattr(project, n)]
        if "public" in data and data["public"] != project.is_public:
            fields.append("public")
        if data["lead"] != project.lead.slug:
            fields.append("lead")
        if "network" in data and (data["network"] or None) != (project.network.slug if project.network else None):
            fields.append("network")
        if "measure" in data:
            current = {"plan": project.measure.plan.slug, "code": project.measure.code} if project.measure else None
            if (data["measure"] or None) != current:
                fields.append("measure")
        if "events" in data and sorted(data["events"]) != sorted(e.slug for e in project.events.all()):
            fields.append("events")
        if "partners" in data and self._partners(data) != self._partner_rows(project):
            fields.append("partners")
        if {m["url"] for m in data.get("media") or []} - {m.url for m in project.media.all()}:
            fields.append("media")
        return fields

    @staticmethod
    def _partners(data: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The partner rows a written list means; the lead is always one (its row is made with the project)."""
        rows = [
            (
                p["organization"],
                p.get("role", PartnerRole.LEAD if p["organization"] == data["lead"] else PartnerRole.PARTNER),
                p.get("role_note", ""),
                _value("contribution", p.get("contribution")),
                p.get("in_kind", ""),
            )
            for p in data["partners"]
        ]
        if data["lead"] not in {row[0] for row in rows}:
            rows.append((data["lead"], PartnerRole.LEAD, "", None, ""))
        return sorted(rows)

    @staticmethod
    def _partner_rows(project: JointProject) -> list[tuple[Any, ...]]:
        return sorted(
            (p.organization.slug, p.role, p.role_note, p.contribution, p.in_kind) for p in project.partners.all()
        )

    def apply(self, change: Change, context: Context) -> None:
        data = change.item.data
        user = context.acting_user if context.acting_user is not None else SYSTEM
        try:
            values: dict[str, Any] = {n: _value(n, data[n]) for n in PROJECT_FIELDS if n in data}
            if "public" in data:
                values["is_public"] = data["public"]
            if "network" in data:
                values["network"] = Network.objects.filter(slug=data["network"]).first() if data["network"] else None
            if "measure" in data:
                values["measure"] = _measure_of(data["measure"])
            if change.action == "create":
                project = services.project_create(
                    slug=data["slug"], lead=Organization.objects.get(slug=data["lead"]), acting_user=user, **values
                )
            else:
                project = JointProject.objects.select_related("lead").get(slug=data["slug"])
                if project.lead.slug != data["lead"]:
                    raise DomainError(_("A project's lead organization does not change."), field="lead")
                wanted = set(change.fields)
                update = {k: v for k, v in values.items() if k in wanted or (k == "is_public" and "public" in wanted)}
                if update:
                    project = services.project_update(project=project, acting_user=user, **update)
            self._apply_links(project, data, user)
        except DomainError as error:
            raise NetfileError([change.item.problem(error.field or "", error.message)]) from error

    def _apply_links(self, project: JointProject, data: dict[str, Any], user: Any) -> None:
        if "partners" in data and self._partners(data) != self._partner_rows(project):
            listed = {p["organization"] for p in data["partners"]}
            for row in project.partners.select_related("organization"):
                if row.organization.slug not in listed and row.organization_id != project.lead_id:
                    services.partner_remove(project=project, organization=row.organization, acting_user=user)
            organizations = {o.slug: o for o in Organization.objects.filter(slug__in=listed)}
            for p in data["partners"]:
                services.partner_set(
                    project=project,
                    organization=organizations[p["organization"]],
                    role=p.get("role", PartnerRole.LEAD if p["organization"] == data["lead"] else PartnerRole.PARTNER),
                    role_note=p.get("role_note", ""),
                    contribution=p.get("contribution"),
                    in_kind=p.get("in_kind", ""),
                    acting_user=user,
                )
        if "events" in data and sorted(data["events"]) != sorted(e.slug for e in project.events.all()):
            services.project_events_set(
                project=project, events=list(Event.objects.filter(slug__in=data["events"])), acting_user=user
            )
        have = set(project.media.values_list("url", flat=True))
        for media in data.get("media") or []:
            if media["url"] not in have:
                services.project_media_add(project=project, acting_user=user, **media)
                have.add(media["url"])

    def _dumped(self, scope: DumpScope) -> Any:
        return (
            JointProject.objects.filter(Q(network__slug__in=scope.networks) | Q(lead__in=self._members(scope)))
            .distinct()
            .select_related("lead", "network", "measure__plan")
            .prefetch_related(
                Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization").order_by("pk")),
                "events",
                Prefetch("media", queryset=ProjectMedia.objects.order_by("pk")),
            )
            .order_by("slug")
        )

    @staticmethod
    def _members(scope: DumpScope) -> Any:
        return Organization.objects.filter(_in_scope_organizations(scope))

    def organizations_named(self, scope: DumpScope) -> set[str]:
        slugs: set[str] = set()
        for project in self._dumped(scope):
            slugs.add(project.lead.slug)
            slugs.update(p.organization.slug for p in project.partners.all())
        return slugs

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        items = []
        for project in self._dumped(scope):
            item: dict[str, Any] = {"slug": project.slug, "lead": project.lead.slug, "title": project.title}
            if project.network:
                item["network"] = project.network.slug
            if project.measure:
                item["measure"] = {"plan": project.measure.plan.slug, "code": project.measure.code}
            item.update(kind=project.kind, status=project.status)
            if project.description:
                item["description"] = project.description
            for name in ("starts_on", "ends_on"):
                if getattr(project, name):
                    item[name] = getattr(project, name).isoformat()
            if project.place:
                item["place"] = project.place
            item["currency"] = project.currency
            if project.budget is not None:
                item["budget"] = str(project.budget)
            item["public"] = project.is_public
            item["events"] = sorted(e.slug for e in project.events.all())
            item["partners"] = [self._partner(p) for p in project.partners.all()]
            item["media"] = [
                {"kind": m.kind, **({"title": m.title} if m.title else {}), "url": m.url} for m in project.media.all()
            ]
            items.append(item)
        return items

    @staticmethod
    def _partner(partner: ProjectPartner) -> dict[str, Any]:
        data: dict[str, Any] = {"organization": partner.organization.slug, "role": partner.role}
        if partner.role_note:
            data["role_note"] = partner.role_note
        if partner.contribution is not None:
            data["contribution"] = str(partner.contribution)
        if partner.in_kind:
            data["in_kind"] = partner.in_kind
        return data


@register
class PracticesSection(Section):
    name = "practices"
    label = gettext_lazy("practice")
    depends_on = ("organizations", "networks", "plans")

    def item_schema(self) -> dict[str, Any]:
        return _object(
            {
                "slug": SLUG,
                "organization": SLUG,
                "network": SLUG,
                "title": TRANSLATED,
                "summary": TRANSLATED,
                "body": TRANSLATED,
                "theme": {"enum": list(PracticeTheme.values)},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "direction": {"oneOf": [PLACE, {"type": "null"}]},
                "contact_name": {"type": "string", "maxLength": 200},
                "contact_email": {"type": "string", "pattern": "@"},
                "contact_phone": {"type": "string", "maxLength": 40},
                "status": {"enum": list(PracticeStatus.values)},
                "reason": {"type": "string"},
                "requests": {
                    "type": "array",
                    "items": _object(
                        {"organization": SLUG, "message": {"type": "string", "minLength": 1}},
                        ["organization", "message"],
                    ),  # fmt: skip
                },
            },
            ["slug", "organization", "network", "title", "contact_email"],
        )

    def plan(self, items: list[Item], context: Context) -> list[Change]:
        existing = {
            p.slug: p
            for p in Practice.objects.filter(slug__in=[i.data["slug"] for i in items])
            .select_related("organization", "network", "direction__plan")
            .prefetch_related(Prefetch("learn_requests", queryset=LearnRequest.objects.select_related("organization")))
        }
        changes = []
        for item in items:
            data = item.data
            orgs = {data["organization"], *(r["organization"] for r in data.get("requests") or [])}
            _missing(context, item, "organizations", Organization, orgs, "organization")
            _missing(context, item, "networks", Network, {data["network"]}, "network")
            if data.get("country") and not Country.objects.filter(pk=data["country"]).exists():
                context.problems.append(item.problem("country", _("Unknown country.")))
            practice = existing.get(data["slug"])
            if practice is None:
                changes.append(Change(self, data["slug"], "create", item))
                continue
            fields = [n for n in PRACTICE_FIELDS if n in data and _value(n, data[n]) != getattr(practice, n)]
            if data.get("country") and data["country"] != practice.country_id:
                fields.append("country")
            if "direction" in data and (data["direction"] or None) != self._direction_place(practice):
                fields.append("direction")
            if data.get("status") in (PracticeStatus.ACCEPTED, PracticeStatus.REJECTED) and (
                data["status"] != practice.status
            ):
                fields.append("status")
            asked = {r.organization.slug for r in practice.learn_requests.all()}
            if {r["organization"] for r in data.get("requests") or []} - asked:
                fields.append("requests")
            changes.append(Change(self, practice.slug, "change" if fields else "unchanged", item, fields))
        return changes

    @staticmethod
    def _direction_place(practice: Practice) -> dict[str, str] | None:
        if practice.direction is None:
            return None
        return {"plan": practice.direction.plan.slug, "code": practice.direction.code}

    @staticmethod
    def _direction(place: dict[str, str] | None) -> Direction | None:
        if not place:
            return None
        return Direction.objects.select_related("plan").filter(plan__slug=place["plan"], code=place["code"]).first()

    def apply(self, change: Change, context: Context) -> None:
        data = change.item.data
        user = context.acting_user if context.acting_user is not None else SYSTEM
        try:
            if change.action == "create":
                practice = services.practice_submit(
                    organization=Organization.objects.get(slug=data["organization"]),
                    network=Network.objects.get(slug=data["network"]),
                    slug=data["slug"],
                    title=data["title"],
                    summary=data.get("summary"),
                    body=data.get("body"),
                    theme=data.get("theme", PracticeTheme.OTHER),
                    direction=self._direction(data.get("direction")),
                    country=Country.objects.filter(pk=data.get("country") or "").first(),
                    contact_name=data.get("contact_name", ""),
                    contact_email=data["contact_email"],
                    contact_phone=data.get("contact_phone", ""),
                    acting_user=user,
                )
            else:
                practice = Practice.objects.get(slug=data["slug"])
                update: dict[str, Any] = {n: data[n] for n in PRACTICE_FIELDS if n in change.fields}
                if "country" in change.fields:
                    update["country"] = Country.objects.get(pk=data["country"])
                if "direction" in change.fields:
                    update["direction"] = self._direction(data["direction"])
                if update:
                    practice = services.practice_update(practice=practice, acting_user=user, **update)
            wanted = data.get("status")
            if wanted in (PracticeStatus.ACCEPTED, PracticeStatus.REJECTED) and practice.status != wanted:
                practice = services.practice_review(
                    practice=practice, accept=wanted == PracticeStatus.ACCEPTED, reason=data.get("reason", ""),
                    acting_user=user,
                )  # fmt: skip
            asked = set(practice.learn_requests.values_list("organization__slug", flat=True))
            for request in data.get("requests") or []:
                if request["organization"] not in asked:
                    services.learn_request(
                        practice=practice,
                        organization=Organization.objects.get(slug=request["organization"]),
                        message=request["message"],
                        acting_user=user,
                    )
        except DomainError as error:
            raise NetfileError([change.item.problem(error.field or "", error.message)]) from error

    def _dumped(self, scope: DumpScope) -> Any:
        return (
            Practice.objects.filter(network__slug__in=scope.networks)
            .select_related("organization", "network", "direction__plan")
            .prefetch_related(
                Prefetch("learn_requests", queryset=LearnRequest.objects.select_related("organization").order_by("pk"))
            )
            .order_by("slug")
        )

    def organizations_named(self, scope: DumpScope) -> set[str]:
        slugs: set[str] = set()
        for practice in self._dumped(scope):
            slugs.add(practice.organization.slug)
            slugs.update(r.organization.slug for r in practice.learn_requests.all())
        return slugs

    def dump(self, scope: DumpScope) -> list[dict[str, Any]]:
        items = []
        for practice in self._dumped(scope):
            item: dict[str, Any] = {
                "slug": practice.slug,
                "organization": practice.organization.slug,
                "network": practice.network.slug,
                "theme": practice.theme,
            }
            if practice.country_id:
                item["country"] = practice.country_id
            if place := self._direction_place(practice):
                item["direction"] = place
            for name in ("contact_name", "contact_email", "contact_phone"):
                if getattr(practice, name):
                    item[name] = getattr(practice, name)
            for name in ("title", "summary", "body"):
                if getattr(practice, name):
                    item[name] = getattr(practice, name)
            item["status"] = practice.status
            if practice.review_note:
                item["reason"] = practice.review_note
            requests = [
                {"organization": r.organization.slug, "message": r.message} for r in practice.learn_requests.all()
            ]
            if requests:
                item["requests"] = requests
            items.append(item)
        return items
