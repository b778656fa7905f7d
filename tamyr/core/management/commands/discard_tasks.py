"""`tamyr discard_tasks`: empty the task queue and the caches, as `tamyr restore` does at its end.

For a database brought back by other means (PostgreSQL point-in-time recovery, a pg_restore by hand): tasks queued
before it refer to a state the recovered database may not have (docs/decisions/0010)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tamyr.core import backup


class Command(BaseCommand):
    help = (
        "Discard every queued and scheduled task (and clear the caches) after the database was recovered by other "
        "means than `tamyr restore`. Stop the worker first."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        discarded = backup.after_restore_discard()
        self.stdout.write(f"Discarded {discarded} queued task(s) and cleared the caches.")
