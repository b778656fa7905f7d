"""A plan version is adopted when every member institution approves; observers comment but do not sign;
amendments are new versions with their difference from the adopted one."""

from __future__ import annotations

import pytest

from tamyr.cooperation import selectors, services
from tamyr.cooperation.models import PlanStatus, PlanVersion, VersionStatus
from tamyr.core.errors import DomainError, NotAllowed
from tamyr.core.models import AuditEntry
from tests.events.factories import EventFactory
from tests.factories.cooperation import PlanWorld


def submit(world: PlanWorld, **kwargs: object) -> PlanVersion:
    return services.version_submit(plan=world.plan, acting_user=world.coordinator, **kwargs)  # type: ignore[arg-type]


def sign_all(world: PlanWorld, version: PlanVersion, decision: str = "approve") -> None:
    for org in world.members:
        services.signoff_record(
            version=version,
            organization=org,
            decision=decision,
            reservation="" if decision == "approve" else "On the budget line",
            acting_user=world.admins[org.slug],
        )


def test_a_version_is_adopted_when_every_member_approves(world: PlanWorld) -> None:
    version = submit(world, meeting=EventFactory(organizer=world.kz, kind="ministerial_meeting"))
    sign_all(world, version)
    version.refresh_from_db()
    world.plan.refresh_from_db()
    assert (version.status, world.plan.status) == (VersionStatus.ADOPTED, PlanStatus.IN_FORCE)


def test_a_version_waits_while_a_member_has_not_signed(world: PlanWorld) -> None:
    version = submit(world)
    for org in world.members[:2]:
        services.signoff_record(
            version=version, organization=org, decision="approve", acting_user=world.admins[org.slug]
        )
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNING


def test_an_approval_with_a_reservation_counts_as_approval(world: PlanWorld) -> None:
    version = submit(world)
    sign_all(world, version, decision="reservation")
    version.refresh_from_db()
    assert version.status == VersionStatus.ADOPTED


def test_an_objection_leaves_the_version_not_adopted(world: PlanWorld) -> None:
    version = submit(world)
    services.signoff_record(
        version=version, organization=world.kz, decision="object", reservation="No", acting_user=world.admin_kz
    )
    for org in world.members[1:]:
        services.signoff_record(
            version=version, organization=org, decision="approve", acting_user=world.admins[org.slug]
        )
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED


def test_the_sign_off_records_the_person_and_the_moment(world: PlanWorld) -> None:
    version = submit(world)
    signoff = services.signoff_record(
        version=version, organization=world.kz, decision="approve", acting_user=world.admin_kz
    )
    assert (signoff.signed_by, signoff.signed_at is not None) == (world.admin_kz, True)


def test_an_observer_cannot_sign(world: PlanWorld) -> None:
    version = submit(world)
    with pytest.raises(NotAllowed, match="Observers"):
        services.signoff_record(
            version=version, organization=world.hu, decision="approve", acting_user=world.admins[world.hu.slug]
        )


def test_an_observer_can_comment(world: PlanWorld) -> None:
    version = submit(world)
    comment = services.comment_add(
        version=version, organization=world.hu, text="We support direction 4.", acting_user=world.admins[world.hu.slug]
    )
    assert comment.organization == world.hu


def test_staff_without_the_admin_role_cannot_sign_for_their_institution(world: PlanWorld) -> None:
    version = submit(world)
    with pytest.raises(NotAllowed):
        services.signoff_record(version=version, organization=world.kz, decision="approve", acting_user=world.staff_kz)


def test_nobody_signs_for_another_institution(world: PlanWorld) -> None:
    version = submit(world)
    with pytest.raises(NotAllowed):
        services.signoff_record(version=version, organization=world.az, decision="approve", acting_user=world.admin_kz)


def test_an_institution_signs_a_version_once(world: PlanWorld) -> None:
    version = submit(world)
    services.signoff_record(version=version, organization=world.kz, decision="approve", acting_user=world.admin_kz)
    with pytest.raises(DomainError, match="already signed"):
        services.signoff_record(
            version=version, organization=world.kz, decision="object", reservation="x", acting_user=world.admin_kz
        )


def test_an_objection_must_say_why(world: PlanWorld) -> None:
    version = submit(world)
    with pytest.raises(DomainError, match="objection"):
        services.signoff_record(version=version, organization=world.kz, decision="object", acting_user=world.admin_kz)
    assert not version.signoffs.exists()


def test_a_sign_off_leaves_an_audit_row(world: PlanWorld) -> None:
    version = submit(world)
    services.signoff_record(version=version, organization=world.kz, decision="approve", acting_user=world.admin_kz)
    assert AuditEntry.objects.filter(action="cooperation.signed_off", actor=world.admin_kz).exists()


def test_only_the_coordinator_puts_a_plan_to_the_members(world: PlanWorld) -> None:
    with pytest.raises(NotAllowed):
        services.version_submit(plan=world.plan, acting_user=world.admin_kz)


def test_a_second_version_waits_until_the_first_is_decided(world: PlanWorld) -> None:
    submit(world)
    with pytest.raises(DomainError, match="already awaiting"):
        submit(world)


def test_an_amendment_without_a_change_is_refused(world: PlanWorld) -> None:
    sign_all(world, submit(world))
    with pytest.raises(DomainError, match="Nothing changed"):
        submit(world, note="Mid-year review")


def test_an_amendment_shows_what_changed_since_the_adopted_version(world: PlanWorld) -> None:
    sign_all(world, submit(world))
    services.measure_update(measure=world.measure, budget_line="OTS youth fund", acting_user=world.coordinator)
    amendment = submit(world, note="Budget line named")
    adopted = selectors.last_adopted(world.plan)
    assert services.diff(adopted.snapshot if adopted else None, amendment.snapshot) == [
        {"what": "measure", "code": "2.1", "change": "changed", "fields": ["budget_line"]}
    ]


def test_an_amendment_needs_a_new_sign_off_and_the_adopted_version_stays_in_force(world: PlanWorld) -> None:
    first = submit(world)
    sign_all(world, first)
    services.measure_update(measure=world.measure, budget_line="OTS youth fund", acting_user=world.coordinator)
    amendment = submit(world, note="Budget line named")
    assert (selectors.last_adopted(world.plan), amendment.status) == (first, VersionStatus.SIGNING)


def test_an_adopted_amendment_supersedes_the_earlier_version(world: PlanWorld) -> None:
    first = submit(world)
    sign_all(world, first)
    services.measure_update(measure=world.measure, budget_line="OTS youth fund", acting_user=world.coordinator)
    sign_all(world, submit(world, note="Budget line named"))
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED


def test_an_amendment_must_say_what_it_changes(world: PlanWorld) -> None:
    sign_all(world, submit(world))
    services.measure_update(measure=world.measure, budget_line="OTS youth fund", acting_user=world.coordinator)
    with pytest.raises(DomainError, match="amendment"):
        submit(world)
