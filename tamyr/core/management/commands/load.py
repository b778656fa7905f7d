"""`tamyr load FILE…`: load network files, printing the plan first; `--dry-run` prints it and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tamyr.core import netfiles


class Command(BaseCommand):
    help = "Load network files (YAML): print what would be created and changed, then do it, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Print the plan and change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        sources: list[tuple[str, str]] = []
        for name in options["files"]:
            try:
                sources.append((name, Path(name).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{name}: {error}") from error
        try:
            plan = netfiles.load(sources, dry_run=options["dry_run"])
        except netfiles.NetfileError as error:
            raise CommandError(str(error)) from error
        for line in plan.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing will be written."))
        elif plan.has_changes:
            self.stdout.write(self.style.SUCCESS(_("Done")))
