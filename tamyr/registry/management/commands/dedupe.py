"""`tamyr dedupe`: score likely duplicate people and fill the review queue (see `tamyr.registry.dedupe`)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.accounts.models import User
from tamyr.registry import dedupe


class Command(BaseCommand):
    help = "Find people who are probably recorded twice and queue the pairs for review at /people/duplicates/."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", help="Username recorded in the audit log as having run it.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        run = dedupe.run_dedupe(acting_user=user, progress=dedupe.stderr_progress())
        self.stdout.write(
            self.style.SUCCESS(
                f"Compared {run.people:,} people ({run.pairs_scored:,} pairs scored): "
                f"{run.candidates_found:,} possible duplicates are in the review queue."
            )
        )
