"""`tamyr refresh_analytics [--full]`: bring the dashboards' tables up to date now (the scheduled task does it
every 15 minutes; `--full` rebuilds everything, as the nightly run does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Refresh the dashboards' pre-aggregated tables (incrementally, or in full with --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild every fact, not only the changed people's.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tamyr.analytics.aggregates import refresh

        result = refresh(full=options["full"])
        kind = "full" if result.full else "incremental"
        self.stdout.write(
            f"{kind} refresh: {result.people} people re-read, {result.facts} facts, {result.seconds:.1f} s"
        )
