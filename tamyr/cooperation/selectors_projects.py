"""Reads for joint projects and the practice library, each list in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tamyr.accounts import permissions
from tamyr.cooperation.models import JointProject, LearnRequest, Practice, PracticeStatus, ProjectPartner
from tamyr.cooperation.services_projects import search_key


def projects_visible(user: Any) -> QuerySet[JointProject]:
    """Public projects, and the others of organizations where the user is admin or staff."""
    qs = JointProject.objects.select_related("lead", "measure", "measure__plan").prefetch_related(
        Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization"))
    )
    roles = permissions.roles_of(user)
    if roles.platform_admin:
        return qs
    held = roles.organizations_with(permissions.PEOPLE_ROLES)
    return qs.filter(Q(is_public=True) | Q(partners__organization_id__in=held)).distinct()


def project_detail(slug: str) -> JointProject | None:
    return (
        JointProject.objects.select_related("lead", "network", "measure", "measure__plan")
        .prefetch_related(
            Prefetch("partners", queryset=ProjectPartner.objects.select_related("organization")),
            "media",
            "events",
        )
        .filter(slug=slug)
        .first()
    )


def project_contributions(project: JointProject) -> dict[str, Decimal | None]:
    """What the partners contribute together against the budget (from prefetched partners)."""
    total = sum((p.contribution for p in project.partners.all() if p.contribution is not None), Decimal(0))
    gap = project.budget - total if project.budget is not None else None
    return {"budget": project.budget, "contributed": total, "gap": gap}


def practices_visible(
    user: Any, *, q: str = "", theme: str = "", country: str = "", direction: int | None = None
) -> QuerySet[Practice]:
    """The library (accepted practices) plus what the user submitted or reviews; `q` matches across scripts."""
    qs = Practice.objects.select_related("organization", "country", "direction", "network")
    roles = permissions.roles_of(user)
    if not roles.platform_admin:
        held = roles.organizations_with(permissions.PEOPLE_ROLES)
        qs = qs.filter(
            Q(status=PracticeStatus.ACCEPTED)
            | Q(organization_id__in=held)
            | Q(network_id__in=roles.coordinated_networks)
        )
    for word in search_key(q).split():
        qs = qs.filter(search_text__contains=word)
    if theme:
        qs = qs.filter(theme=theme)
    if country:
        qs = qs.filter(country_id=country.upper())
    if direction:
        qs = qs.filter(direction_id=direction)
    return qs


def practices_to_review(user: Any) -> QuerySet[Practice]:
    roles = permissions.roles_of(user)
    qs = Practice.objects.select_related("organization", "country").filter(status=PracticeStatus.SUBMITTED)
    return qs if roles.platform_admin else qs.filter(network_id__in=roles.coordinated_networks)


def learn_requests_for(user: Any, practice: Practice) -> list[LearnRequest]:
    """The owner sees every request; another organization's staff only their own."""
    qs = practice.learn_requests.select_related("organization", "requested_by")
    if permissions.can(user, "cooperation.change_practice", practice):
        return list(qs)
    held = permissions.roles_of(user).organizations_with(permissions.PEOPLE_ROLES)
    return list(qs.filter(organization_id__in=held))
