"""One call writes one audit row; services call it inside their transaction so the row and the change land together."""

from __future__ import annotations

from typing import Any

from django.db import models

from tamyr.core import rows
from tamyr.core.models import AuditEntry


def record(actor: Any, action: str, target: models.Model | None = None, **data: Any) -> AuditEntry:
    return record_named(actor, action, target, None, **data)


def record_named(actor: Any, action: str, target: models.Model | None, label: str | None, **data: Any) -> AuditEntry:
    """`record`, naming the target `label` in the log when `str(target)` would say something not yet true."""
    entry = unsaved(actor, action, target, label, **data)
    rows.insert(entry)  # the plain insert `save()` would make, without building a query: every write pays for it
    return entry


def unsaved(actor: Any, action: str, target: models.Model | None, label: str | None, **data: Any) -> AuditEntry:
    """The row `record_named` would write, not yet written: for a statement that writes it beside its target."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        actor=user,
        actor_label=str(user.get_username()) if user else "system",
        action=action,
        data=data,
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_label = (str(target) if label is None else label)[:300]
    return entry


def entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )


def forget(*, label: str, target: models.Model | None = None, actor: Any = None) -> None:
    """After an erasure: the rows stay (what was done, when), but the name they showed becomes `label`."""
    if target is not None:
        AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).update(
            target_label=label[:300]
        )
    if actor is not None:
        AuditEntry.objects.filter(actor=actor).update(actor_label=label[:200])
