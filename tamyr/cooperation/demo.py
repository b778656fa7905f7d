"""The OTS Joint Action Plan 2026 for `tamyr demo`: a network file (`tamyr/demo/plan.yaml`), loaded as `tamyr load`
loads one, after the events and courses whose figures its computed indicators count (seed 000). Then, through the
services as on the pages: version 1 adopted at the Budapest meeting, each member state's institution approving
through its admin (the demo logins `admin-<institution>`), and a mid-year amendment (measure 2.4) awaiting sign-off.
Decisions are taken once: a second run finds the versions and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tamyr.accounts.models import OrganizationRole, OrganizationRoleKind, User
from tamyr.cooperation import selectors, services
from tamyr.cooperation.models import Decision, Indicator, JointProject, LearnRequest, Measure, Plan, Practice, SignOff
from tamyr.core.netfiles import shipped
from tamyr.events.models import Event
from tamyr.registry.models import Organization

#: The plan's decisions (the meeting, the hour of the sign-offs, the amendment): a data file.
DECISIONS: dict[str, Any] = shipped.demo_data("plan_decisions.yaml")


def _signer(organization: Organization) -> User:
    """Who signs in the institution's name: its admin among the demo logins (tamyr/demo/roles.yaml)."""
    grant = OrganizationRole.objects.filter(organization=organization, role=OrganizationRoleKind.ADMIN)
    return grant.select_related("user").order_by("user__username").first().user  # type: ignore[union-attr]


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the plan, then take its decisions once; returns counts to print."""
    for name in ("plan.yaml", "projects.yaml"):  # the plan; joint projects and the practice library
        shipped.load_demo(name)
    plan, amendment = Plan.objects.get(slug=DECISIONS["plan"]), DECISIONS["amendment"]
    coordinator = User.objects.get(username="coordinator")
    if not plan.versions.exists():
        meeting = Event.objects.get(slug=DECISIONS["meeting"])
        version = services.version_submit(plan=plan, meeting=meeting, acting_user=coordinator)
        for minute, org in enumerate(selectors.signatories(plan)):
            moment = DECISIONS["signed_at"] + dt.timedelta(minutes=minute)
            services.signoff_record(
                version=version, organization=org, decision=Decision.APPROVE, acting_user=_signer(org), now=moment
            )
        services.measure_create(
            plan=plan, direction=plan.directions.get(code=amendment["direction"]), code=amendment["code"],
            title=amendment["title"], lead=Organization.objects.get(slug=amendment["lead"]),
            starts_on=amendment["starts_on"], acting_user=coordinator,
        )  # fmt: skip
        services.version_submit(plan=plan, note=amendment["note"], acting_user=coordinator)
    return {
        "plans": Plan.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
        "sign-offs": SignOff.objects.filter(version__plan=plan).count(),
        "projects": JointProject.objects.count(),
        "practices": Practice.objects.count(),
        "learn_requests": LearnRequest.objects.count(),
    }
