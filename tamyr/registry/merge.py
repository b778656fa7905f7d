"""Merge two records of one person, and undo a merge.

What moves is found generically: every foreign key to `Person` from any installed app (`_person_relations`), so
registrations, enrollments, certificates and whatever later apps add move without the registry importing them.
Where the kept person already has an equivalent row (a unique constraint: both registered for one event, both
enrolled in one group, the same citizenship twice) the better row stays — checked-in, completed or confirmed beats
pending, waitlisted or cancelled (`_rank`) — and the other is deleted after being serialized into the merge record,
together with whatever its deletion cascades to.

The merge record (`PersonMerge`) stores exactly what changed: rows re-pointed, rows dropped, rows added, and the
kept person's fields before the merge filled their blanks, so `person_merge_undo` puts both people back as they
were. The merged record stays, hidden (`merged_into`), so ids held elsewhere (links, exports, the audit log) still
resolve; `selectors.identity_expression` counts it as the kept person.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.core import audit
from tamyr.core.errors import DomainError
from tamyr.registry.models import (
    Affiliation,
    DuplicateCandidate,
    DuplicateStatus,
    Person,
    PersonMerge,
)

__all__ = ["FILLED_FIELDS", "person_merge", "person_merge_undo", "person_relations"]

FILLED_FIELDS = (
    "residence_country_id",
    "residence_city",
    "gender",
    "birth_year",
    "email",
    "phone",
    "heritage",
    "orcid",
)
"""Fields of the kept person that take the merged person's value when they are blank."""
NOT_MOVED = {"registry.duplicatecandidate", "registry.personmerge"}
"""Rows that point at people to describe them (review queue, merge history), not to belong to them."""
STATUS_RANK = {
    "completed": 6,
    "confirmed": 5,
    "active": 5,
    "accepted": 5,
    "pending": 4,
    "submitted": 4,
    "waitlisted": 3,
    "declined": 1,
    "rejected": 1,
    "withdrawn": 1,
    "cancelled": 0,
}


def person_relations() -> list[tuple[type[models.Model], models.ForeignKey[Any, Any]]]:
    """(model, field) for every foreign key or one-to-one field to Person in any installed app, including the hidden
    tables of many-to-many fields (citizenships, an event's co-chairs), in a stable order."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in NOT_MOVED:
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and field.remote_field.model is Person:
                found.append((model, field))
    return sorted(found, key=lambda item: (item[0]._meta.label_lower, item[1].name))


def _rank(row: models.Model) -> tuple[int, int]:
    """Which of two equivalent rows to keep: attended or completed first, then by status."""
    done = any(getattr(row, name, None) is not None for name in ("checked_in_at", "completed_at", "issued_at"))
    status = str(getattr(row, "status", "") or "")
    return int(done), STATUS_RANK.get(status, 2)


def _attname(model: type[models.Model], name: str) -> str:
    """The column attribute of a concrete field named in a constraint (e.g. `event` → `event_id`)."""
    return str(getattr(model._meta.get_field(name), "attname", name))


def _unique_sets(model: type[models.Model], field: models.Field[Any, Any]) -> list[tuple[list[str], Any]]:
    """The unique constraints of `model` that include `field`: (the other fields' attnames, condition)."""
    sets: list[tuple[list[str], Any]] = []
    if field.unique:
        sets.append(([], None))
    for together in model._meta.unique_together:
        if field.name in together:
            sets.append(([_attname(model, name) for name in together if name != field.name], None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and field.name in constraint.fields:
            others = [_attname(model, name) for name in constraint.fields if name != field.name]
            sets.append((others, constraint.condition))
    return sets


def _twin(row: models.Model, field: models.ForeignKey[Any, Any], keep: Person) -> models.Model | None:
    """The kept person's row that a unique constraint says `row` may not sit beside, if any."""
    model = type(row)
    for others, condition in _unique_sets(model, field):
        lookup = {name: getattr(row, name) for name in others}
        lookup[field.attname] = keep.pk
        qs = model._default_manager.filter(**lookup)
        if condition is not None:
            if not model._default_manager.filter(condition, pk=row.pk).exists():
                continue
            qs = qs.filter(condition)
        twin = qs.first()
        if twin is not None:
            return twin
    return None


def _serialize_and_delete(row: models.Model) -> dict[str, Any]:
    """Delete `row` and what its deletion cascades to, returning everything needed to put it all back."""
    collector = Collector(using=row._state.db or "default")
    try:
        collector.collect([row])
    except (ProtectedError, RestrictedError) as error:
        raise DomainError(
            _(
                "Both records have a %(what)s that cannot be merged automatically (%(why)s). Resolve it on one of "
                "them first, then merge."
            )
            % {"what": row._meta.verbose_name, "why": error.args[0] if error.args else ""},
            code="merge_conflict",
        ) from error
    collector.sort()
    objects: list[models.Model] = [obj for instances in collector.data.values() for obj in instances]
    for qs in collector.fast_deletes:
        objects.extend(qs)  # type: ignore[arg-type]
    nulled = []
    for (field, _value), targets in collector.field_updates.items():
        for target in targets:
            for obj in target if isinstance(target, models.QuerySet) else [target]:
                nulled.append({"model": obj._meta.label_lower, "pk": obj.pk, "field": field.attname})
    # collector.data is in deletion order (dependent rows first): restore in the reverse order
    data = json.loads(serializers.serialize("json", list(reversed(objects))))
    row.delete()
    return {"rows": data, "nulled": [{**item, "value": row.pk} for item in nulled]}


@transaction.atomic
def person_merge(
    *, keep: Person, merge: Person, acting_user: Any, candidate: DuplicateCandidate | None = None
) -> PersonMerge:
    """Merge `merge` into `keep`: everything that belongs to `merge` moves to `keep`, and `merge` is hidden."""
    if keep.pk == merge.pk:
        raise DomainError(_("A record cannot be merged with itself."), code="same_person")
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
    keep, merge = locked[keep.pk], locked[merge.pk]
    if keep.merged_into_id or merge.merged_into_id:
        raise DomainError(_("One of these records has already been merged into another."), code="already_merged")
    if keep.is_erased or merge.is_erased:
        raise DomainError(_("An erased record cannot be merged."), code="erased")

    moves: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    for model, field in person_relations():
        for row in list(model._default_manager.filter(**{field.attname: merge.pk}).order_by("pk")):
            twin = _twin(row, field, keep)
            if twin is not None:
                if _rank(row) > _rank(twin):
                    dropped.append({"owner": keep.pk, **_serialize_and_delete(twin)})
                else:
                    dropped.append({"owner": merge.pk, **_serialize_and_delete(row)})
                    continue
            model._default_manager.filter(pk=row.pk).update(**{field.attname: keep.pk})
            moves.append({"model": model._meta.label_lower, "pk": row.pk, "field": field.attname})

    kept_before: dict[str, Any] = {}
    for name in FILLED_FIELDS:
        if getattr(keep, name) in (None, "") and getattr(merge, name) not in (None, ""):
            kept_before[name] = getattr(keep, name)
            setattr(keep, name, getattr(merge, name))
    if merge.expertise and set(merge.expertise) - set(keep.expertise):
        kept_before["expertise"] = list(keep.expertise)
        keep.expertise = [*keep.expertise, *[tag for tag in merge.expertise if tag not in keep.expertise]]
    if merge.user_id and not keep.user_id:
        kept_before["user_id"] = None
        keep.user_id, merge.user_id = merge.user_id, None
    merge.merged_into = keep
    merge.save(update_fields=["merged_into", "user", "updated_at"])
    keep.save()

    organization = merge.registered_by_id
    if (
        organization
        and organization != keep.registered_by_id
        and not keep.affiliations.filter(organization_id=organization).exists()
    ):
        # the merged record's organization keeps seeing the person it registered
        affiliation = Affiliation.objects.create(person=keep, organization_id=organization)
        added.append({"model": "registry.affiliation", "pk": affiliation.pk})

    record = PersonMerge.objects.create(
        kept=keep,
        merged=merge,
        candidate=candidate,
        merged_by=acting_user if getattr(acting_user, "pk", None) else None,
        moves=moves,
        dropped=dropped,
        added=added,
        kept_before=kept_before,
    )
    pair = (
        candidate
        or DuplicateCandidate.objects.filter(
            person_a_id=min(keep.pk, merge.pk), person_b_id=max(keep.pk, merge.pk)
        ).first()
    )
    if pair is not None:
        _decide(pair, DuplicateStatus.MERGED, acting_user)
        if record.candidate_id is None:
            record.candidate = pair
            record.save(update_fields=["candidate"])
    summary = {"kept": keep.pk, "merged": merge.pk, "moved": len(moves), "dropped": len(dropped), "merge": record.pk}
    audit.record(acting_user, "registry.person_merged", keep, **summary)
    audit.record(acting_user, "registry.person_merged_away", merge, **summary)
    return record


def _decide(pair: DuplicateCandidate, status: str, acting_user: Any) -> None:
    pair.status = status
    pair.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    pair.decided_at = timezone.now() if status != DuplicateStatus.OPEN else None
    pair.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _restore(rows: Iterable[dict[str, Any]]) -> None:
    for item in serializers.deserialize("python", list(rows)):
        item.save()


@transaction.atomic
def person_merge_undo(*, merge_record: PersonMerge, acting_user: Any) -> PersonMerge:
    """Put both people back as they were before the merge: rows moved back, dropped rows restored, added rows
    removed, the kept person's filled-in fields emptied again. Rows created since the merge stay where they are."""
    record = PersonMerge.objects.select_for_update().get(pk=merge_record.pk)
    if record.undone_at is not None:
        raise DomainError(_("This merge has already been undone."), code="already_undone")
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[record.kept_id, record.merged_id]).order_by("pk")
    }
    keep, merge = locked[record.kept_id], locked[record.merged_id]
    if merge.merged_into_id != keep.pk:
        raise DomainError(_("The merged record has changed since; this merge cannot be undone."), code="changed")

    for item in reversed(record.added):
        _model(item["model"])._default_manager.filter(pk=item["pk"]).delete()
    for move in reversed(record.moves):
        _model(move["model"])._default_manager.filter(pk=move["pk"], **{move["field"]: keep.pk}).update(
            **{move["field"]: merge.pk}
        )
    for drop in record.dropped:
        _restore(drop["rows"])
        for nulled in drop.get("nulled", []):
            _model(nulled["model"])._default_manager.filter(pk=nulled["pk"]).update(
                **{nulled["field"]: nulled["value"]}
            )

    user_back = "user_id" in record.kept_before and keep.user_id is not None
    moved_user = keep.user_id if user_back else None
    for name, value in record.kept_before.items():
        setattr(keep, name, value)
    merge.merged_into = None
    keep.save()
    if user_back:
        merge.user_id = moved_user
    merge.save(update_fields=["merged_into", "user", "updated_at"])

    record.undone_at = timezone.now()
    record.undone_by = acting_user if getattr(acting_user, "pk", None) else None
    record.save(update_fields=["undone_at", "undone_by", "updated_at"])
    if record.candidate_id is not None:
        _decide(record.candidate, DuplicateStatus.OPEN, acting_user)  # type: ignore[arg-type]
    summary = {"kept": keep.pk, "merged": merge.pk, "merge": record.pk}
    audit.record(acting_user, "registry.person_merge_undone", keep, **summary)
    audit.record(acting_user, "registry.person_merge_undone", merge, **summary)
    return record
