"""`tamyr purge_files`: delete private files past their retention period (also run nightly by the task worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tamyr.core import files


class Command(BaseCommand):
    help = "Delete uploaded import files and reports older than TAMYR_FILE_RETENTION_DAYS (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Retention period in days (default: the setting).")

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in files.purge(retention_days=options["days"]).items():
            self.stdout.write(f"{name}: {count}")
