"""The OTS Joint Action Plan 2026 for `tamyr demo`: a network file (`tamyr/demo/plan.yaml`), loaded as `tamyr load`
loads one, after the events and courses whose figures its computed indicators count (seed 000). Then, through the
services as on the pages: version 1 adopted at the Budapest meeting, each member state's institution approving
through its admin (the demo logins `admin-<institution>`), and a mid-year amendment (measure 2.4) awaiting sign-off.
Decisions are taken once: a second run finds the versions and writes nothing."""

from __future__ import annotations

import datetime as dt

from tamyr.accounts.models import OrganizationRole, OrganizationRoleKind, User
from tamyr.cooperation import selectors, services
from tamyr.cooperation.models import Decision, Indicator, JointProject, LearnRequest, Measure, Plan, Practice, SignOff
from tamyr.core.netfiles import shipped
from tamyr.events.models import Event
from tamyr.registry.models import Organization

AMENDMENT_TITLE = {
    "en": "Summer school of the OTS languages for young compatriots",
    "ru": "Летняя школа языков ОТГ для молодых соотечественников",
    "kk": "Жас отандастарға арналған ТМҰ тілдерінің жазғы мектебі",
}
AMENDMENT_NOTE = "Mid-year review: a summer school for young compatriots from July, led by YTB (measure 2.4)."
SIGNED_AT = dt.datetime(2025, 12, 4, 15, 0, tzinfo=dt.UTC)  # the meeting's afternoon, in Budapest


def _signer(organization: Organization) -> User:
    """Who signs in the institution's name: its admin among the demo logins (tamyr/demo/roles.yaml)."""
    grant = OrganizationRole.objects.filter(organization=organization, role=OrganizationRoleKind.ADMIN)
    return grant.select_related("user").order_by("user__username").first().user  # type: ignore[union-attr]


def build(*, seed: int) -> dict[str, int]:
    """Load or bring up to date the plan, then take its decisions once; returns counts to print."""
    for name in ("plan.yaml", "projects.yaml"):  # the plan; joint projects and the practice library
        shipped.load_demo(name)
    plan = Plan.objects.get(slug="ots-jap-2026")
    coordinator = User.objects.get(username="coordinator")
    if not plan.versions.exists():
        meeting = Event.objects.get(slug="ots-diaspora-ministerial-2025-budapest")
        version = services.version_submit(plan=plan, meeting=meeting, acting_user=coordinator)
        for minute, org in enumerate(selectors.signatories(plan)):
            services.signoff_record(version=version, organization=org, decision=Decision.APPROVE,
                                    acting_user=_signer(org), now=SIGNED_AT + dt.timedelta(minutes=minute))  # fmt: skip
        services.measure_create(
            plan=plan, direction=plan.directions.get(code="2"), code="2.4", title=AMENDMENT_TITLE,
            lead=Organization.objects.get(slug="ytb"), starts_on=dt.date(2026, 7, 1), acting_user=coordinator,
        )  # fmt: skip
        services.version_submit(plan=plan, note=AMENDMENT_NOTE, acting_user=coordinator)
    return {
        "plans": Plan.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
        "sign-offs": SignOff.objects.filter(version__plan=plan).count(),
        "projects": JointProject.objects.count(),
        "practices": Practice.objects.count(),
        "learn_requests": LearnRequest.objects.count(),
    }
