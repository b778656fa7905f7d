"""`tamyr import_estimates FILE --format desa|csv [--origin KZ] [--year 2024] [--dry-run]`: diaspora estimates
from UN DESA's migrant-stock workbook (Table 1) or a CSV file (see `tamyr.analytics.estimates`).

All or nothing: one bad row stops the import with its row number and nothing is written. Running it again with the
same file updates the same estimates (matched by origin, residence, year, publisher and title).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.accounts.models import User
from tamyr.accounts.permissions import SYSTEM
from tamyr.analytics import estimates
from tamyr.core.errors import DomainError


class Command(BaseCommand):
    help = "Import diaspora estimates from a UN DESA migrant-stock workbook or a CSV file; --dry-run writes nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="UN_MigrantStockByOriginAndDestination_*.xlsx, or a .csv file.")
        parser.add_argument("--format", choices=("desa", "csv"), required=True)
        parser.add_argument("--origin", help="Only this origin country (ISO 3166 alpha-2), e.g. KZ.")
        parser.add_argument("--year", type=int, help="desa: only this year (needed where the sheet has no Year).")
        parser.add_argument("--title", default=estimates.DESA_TITLE, help="desa: the edition's title.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--user", help="Username recorded as the one who entered the estimates.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        acting: Any = SYSTEM
        if options["user"]:
            acting = User.objects.filter(username=options["user"]).first()
            if acting is None:
                raise CommandError(f"No such user: {options['user']}")
        origin = options["origin"].upper() if options["origin"] else None
        try:
            if options["format"] == "desa":
                rows, skipped = estimates.read_desa(
                    path.read_bytes(), origin=origin, year=options["year"], title=options["title"]
                )
            else:
                rows, skipped = estimates.read_csv(path.read_bytes(), origin=origin), 0
            result = estimates.estimates_import(
                rows=rows, acting_user=acting, dry_run=options["dry_run"], skipped=skipped
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        prefix = "Dry run, nothing written: would import" if result.dry_run else "Imported"
        self.stdout.write(
            f"{prefix} {result.created} new, {result.updated} changed, {result.unchanged} unchanged; "
            f"{result.skipped} cells skipped."
        )
