"""`tamyr dump --network SLUG [-o FILE]`: write networks and their member organizations as a network file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tamyr.core import netfiles
from tamyr.core.netfiles.yamlfile import render


class Command(BaseCommand):
    help = "Write a network, its member organizations (and their parents) as a network file that `tamyr load` reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", action="append", required=True, metavar="SLUG", help="May be repeated.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = list(dict.fromkeys(options["network"]))
        document = netfiles.dump(netfiles.DumpScope(networks=wanted))
        found = {item["slug"] for item in document.get("networks", [])}
        missing = [slug for slug in wanted if slug not in found]
        if missing:
            raise CommandError(f"{', '.join(missing)}: {_('No such network.')}")
        text = render(document)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
