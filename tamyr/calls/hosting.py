"""Host pairing: a call for visiting scholars (the Otandas Scholars Forum) pairs each accepted scholar with a local
host. The matcher (`registry.expertise.pair_visitors_with_hosts`, an exact assignment) proposes; the call's
managers override any pair and confirm them; a scholar sees their confirmed host. Stored, so a proposal that a
manager changed or confirmed is never recomputed away.

Visitors: the people whose outcome in the call is accepted. Hosts: citizens or residents of the country of the
organization that runs the call who gave the expertise consent (the matcher uses nobody else's profile) and are not
visitors of the same call. Who may do what is asked by the views and the API (`calls.manage_selection`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.calls.models import Call, HostPair, HostPairStatus, OutcomeStatus
from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.registry.expertise import pair_visitors_with_hosts, profiles_of_people, similarity
from tamyr.registry.models import Consent, ConsentPurpose, Person

MIN_SCORE = 0.01  # below this a pair shares nothing: the managers place that scholar by hand


def visitor_ids(call: Call) -> list[int]:
    return sorted(call.outcomes.filter(status=OutcomeStatus.ACCEPTED).values_list("application__person_id", flat=True))


def host_candidates(call: Call) -> QuerySet[Person]:
    if call.organization.country_id is None:
        return Person.objects.none()  # no organizing country, no local hosts
    consenting = Consent.objects.filter(purpose=ConsentPurpose.EXPERTISE, withdrawn_at__isnull=True)
    return (
        Person.objects.filter(
            Q(residence_country_id=call.organization.country_id) | Q(citizenships=call.organization.country_id),
            pk__in=consenting.values("person_id"),
            erased_at__isnull=True,
            merged_into__isnull=True,
        )
        .exclude(pk__in=visitor_ids(call))
        .distinct()
        .order_by("display_name", "pk")
    )


def pairs_of(call: Call) -> QuerySet[HostPair]:
    return HostPair.objects.filter(call=call).select_related("visitor", "host").order_by("visitor__display_name")


def host_of(call: Call, person: Person | None) -> HostPair | None:
    """The confirmed host of a scholar in a call (a proposal is the managers' draft, not yet theirs to see)."""
    if person is None:
        return None
    return (
        HostPair.objects.filter(call=call, visitor=person, status=HostPairStatus.CONFIRMED)
        .select_related("host")
        .first()
    )


def _lock(call: Call) -> Call:
    """One writer of a call's pairs at a time: the uniqueness of hosts is decided by reading the other pairs."""
    return Call.objects.select_for_update(of=("self",)).select_related("organization").get(pk=call.pk)


@transaction.atomic
def host_pairs_compute(*, call: Call, acting_user: Any) -> int:
    """Propose pairs for every visitor without a kept one: confirmed pairs and a manager's pairs stay, the other
    proposals are computed again (visitors who declined meanwhile lose theirs). Returns how many were proposed."""
    call = _lock(call)
    visitors = visitor_ids(call)
    HostPair.objects.filter(call=call).exclude(visitor_id__in=visitors).delete()
    stale = HostPair.objects.filter(call=call, status=HostPairStatus.PROPOSED, by_manager=False)
    stale.delete()
    kept = HostPair.objects.filter(call=call)
    taken_visitors = set(kept.values_list("visitor_id", flat=True))
    taken_hosts = set(kept.values_list("host_id", flat=True))
    hosts = [pk for pk in host_candidates(call).values_list("pk", flat=True) if pk not in taken_hosts]
    pairs = pair_visitors_with_hosts(
        visitor_ids=[pk for pk in visitors if pk not in taken_visitors], host_ids=hosts, min_score=MIN_SCORE
    )
    HostPair.objects.bulk_create(
        HostPair(call=call, visitor_id=p.visitor, host_id=p.host, score=Decimal(f"{p.score:.4f}")) for p in pairs
    )
    if pairs:  # nothing proposed is nothing to record (and keeps a repeated demo run from writing)
        audit.record(acting_user, "calls.host_pairs_proposed", call, proposed=len(pairs))
    return len(pairs)


@transaction.atomic
def host_pair_set(*, call: Call, visitor: Person, host: Person, acting_user: Any) -> HostPair:
    """A manager's choice of host for a scholar. The host's earlier scholar, if any, loses that pair (one host,
    one scholar); the new pair waits for confirmation like any other."""
    call = _lock(call)
    if visitor.pk not in visitor_ids(call):
        raise DomainError(_("This person has no accepted place in the call."), code="not_a_visitor", field="visitor")
    if not host_candidates(call).filter(pk=host.pk).exists():
        raise DomainError(
            _("This person cannot host: they must be of the organizing country and agree to expertise matching."),
            code="not_a_host",
            field="host",
        )
    HostPair.objects.filter(call=call, host=host).exclude(visitor=visitor).delete()
    profiles = profiles_of_people([visitor.pk, host.pk])
    score = Decimal(f"{similarity(profiles[visitor.pk], profiles[host.pk]):.4f}")
    pair, _created = HostPair.objects.update_or_create(
        call=call,
        visitor=visitor,
        defaults={"host": host, "score": score, "by_manager": True, "status": HostPairStatus.PROPOSED,
                  "confirmed_at": None, "confirmed_by": None},
    )  # fmt: skip
    audit.record(acting_user, "calls.host_pair_set", call, visitor=visitor.pk, host=host.pk)
    return pair


@transaction.atomic
def host_pairs_confirm(*, call: Call, acting_user: Any, visitor: Person | None = None) -> int:
    """Confirm every proposed pair of the call (or the one of `visitor`): the scholars then see their hosts."""
    call = _lock(call)
    pairs = HostPair.objects.filter(call=call, status=HostPairStatus.PROPOSED)
    if visitor is not None:
        pairs = pairs.filter(visitor=visitor)
    confirmed = pairs.update(
        status=HostPairStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        confirmed_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    if confirmed:
        audit.record(acting_user, "calls.host_pairs_confirmed", call, confirmed=confirmed)
    return confirmed
