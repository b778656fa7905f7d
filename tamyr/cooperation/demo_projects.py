"""Joint projects and the practice library for the demo, from `tamyr/demo/projects.yaml`, written through the
services as the installation (SYSTEM). Not wired into `tamyr demo` yet; run after it:

    .venv/bin/python manage.py shell -c "from tamyr.cooperation import demo_projects; print(demo_projects.build())"

Rows that exist already (by slug) are left as they are, so running it twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tamyr.accounts.permissions import SYSTEM
from tamyr.cooperation import services_projects as services
from tamyr.cooperation.models import JointProject, LearnRequest, Measure, Practice
from tamyr.events.models import Event
from tamyr.registry.models import Network, Organization

PROJECTS_FILE = Path(__file__).resolve().parents[1] / "demo" / "projects.yaml"


def _project(row: dict[str, Any]) -> None:
    if JointProject.objects.filter(slug=row["slug"]).exists():
        return
    measure = None
    if row.get("measure"):
        measure = Measure.objects.filter(plan__slug=row["measure"]["plan"], code=row["measure"]["code"]).first()
    network = Network.objects.filter(slug=row["network"]).first() if row.get("network") else None
    fields = {
        name: row[name]
        for name in ("title", "description", "kind", "status", "starts_on", "ends_on", "place", "currency", "budget")
        if name in row
    }
    project = services.project_create(
        slug=row["slug"],
        lead=Organization.objects.get(slug=row["lead"]),
        measure=measure,
        network=network,
        acting_user=SYSTEM,
        **fields,
    )
    for partner in row.get("partners", []):
        organization = Organization.objects.filter(slug=partner["organization"]).first()
        if organization is not None:
            services.partner_set(
                project=project,
                organization=organization,
                role=partner.get("role", "partner"),
                role_note=partner.get("role_note", ""),
                contribution=partner.get("contribution"),
                in_kind=partner.get("in_kind", ""),
                acting_user=SYSTEM,
            )
    events = list(Event.objects.filter(slug__in=row.get("events", [])))
    if events:
        services.project_events_set(project=project, events=events, acting_user=SYSTEM)
    for media in row.get("media", []):
        services.project_media_add(project=project, acting_user=SYSTEM, **media)


def _practice(row: dict[str, Any]) -> None:
    if Practice.objects.filter(slug=row["slug"]).exists():
        return
    practice = services.practice_submit(
        organization=Organization.objects.get(slug=row["organization"]),
        network=Network.objects.get(slug=row["network"]),
        slug=row["slug"],
        title=row["title"],
        summary=row.get("summary"),
        theme=row.get("theme", "other"),
        contact_name=row.get("contact_name", ""),
        contact_email=row["contact_email"],
        acting_user=SYSTEM,
    )
    if row.get("status") in ("accepted", "rejected"):
        services.practice_review(
            practice=practice, accept=row["status"] == "accepted", reason=row.get("reason", ""), acting_user=SYSTEM
        )


def build(path: Path = PROJECTS_FILE) -> dict[str, int]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in data.get("projects", []):
        _project(row)
    for row in data.get("practices", []):
        _practice(row)
    for row in data.get("learn_requests", []):
        practice = Practice.objects.get(slug=row["practice"])
        organization = Organization.objects.get(slug=row["organization"])
        if not LearnRequest.objects.filter(practice=practice, organization=organization).exists():
            services.learn_request(
                practice=practice, organization=organization, message=row["message"], acting_user=SYSTEM
            )
    return {
        "projects": JointProject.objects.count(),
        "practices": Practice.objects.count(),
        "learn_requests": LearnRequest.objects.count(),
    }
