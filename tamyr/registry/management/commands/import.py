"""`tamyr import people FILE`: import compatriots from a CSV or XLSX file (see `tamyr.registry.imports`).

The module is named `import` (a Python keyword) because Django loads commands by name with importlib, which does
not mind; `tamyr import` is the name the product brief gives. What to import is a positional word: `people`, or a
plan's `measures` and reported values (`actuals`) with `--plan SLUG` (`tamyr.cooperation.services_bulk`, read by
this import's reader).
"""

from __future__ import annotations

import shutil
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tamyr.accounts.models import User
from tamyr.core import encodings
from tamyr.core.errors import DomainError
from tamyr.registry import imports
from tamyr.registry.models import Organization

KINDS = ("people", "measures", "actuals")


class Command(BaseCommand):
    help = (
        "Import people from a CSV or XLSX file: every row is checked first; with any bad row nothing is written "
        "(unless --skip-bad-rows) and every bad row is reported with its line, column and reason."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="people, or a plan's measures or actuals.")
        parser.add_argument("file", help="A .csv or .xlsx file; the first row names the columns.")
        parser.add_argument("--organization", help="people: slug of the organization that keeps the records.")
        parser.add_argument("--plan", help="measures, actuals: slug of the plan.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the bad ones.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Which column holds a field ({', '.join(imports.FIELDS)}); the rest are recognised by their header.",
        )
        parser.add_argument(
            "--encoding",
            choices=list(encodings.ENCODINGS),
            help="The encoding a CSV file was saved in. Without it the encoding is recognised (byte-order mark, "
            "UTF-8, else the detector), and a file whose encoding is not recognised with confidence is not imported.",
        )
        parser.add_argument("--user", help="Username recorded in the audit log as the importer.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="measures, actuals: leave the import to the task worker and print the page that follows it.",
        )
        parser.add_argument("--report", help="Write the full report (every bad row, every possible duplicate) here.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        if options["kind"] != "people":
            self._plan_import(path, options)
            return
        if not options["organization"]:
            raise CommandError("--organization is required for people.")
        try:
            organization = Organization.objects.get(slug=options["organization"])
        except Organization.DoesNotExist as error:
            raise CommandError(f"No organization with the slug {options['organization']!r}.") from error
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        encoding = options["encoding"]
        try:
            seen = imports.preview(path, encoding)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self._encoding(seen)
        mapping = imports.detect_mapping(seen.header)
        for item in options["map"]:
            field, _, column = item.partition("=")
            if field not in imports.FIELDS or not column:
                raise CommandError(f"--map wants FIELD=COLUMN with FIELD one of {', '.join(imports.FIELDS)}.")
            mapping[field] = column
        try:
            report = imports.import_people(
                path=path,
                organization=organization,
                acting_user=user,
                mapping=mapping,
                dry_run=options["dry_run"],
                skip_bad_rows=options["skip_bad_rows"],
                progress=imports.stderr_progress(),
                source=path.name,
                encoding=encoding,
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self._print(report)
        if options["report"] and report.report_path:
            shutil.copyfile(report.report_path, options["report"])
            self.stdout.write(f"Full report: {options['report']}")
        if report.report_path:
            report.report_path.unlink(missing_ok=True)
        if report.refused:
            raise CommandError(
                f"Nothing was imported: {report.bad_row_count} bad row(s). Fix them, or use --skip-bad-rows."
            )

    def _plan_import(self, path: Path, options: dict[str, Any]) -> None:
        """A plan's measures or reported values; the user's permissions decide what each row may change."""
        from tamyr.cooperation import services_bulk
        from tamyr.cooperation.models import Plan

        plan = Plan.objects.filter(slug=options["plan"] or "").first()
        if plan is None:
            raise CommandError(f"No plan with the slug {options['plan']!r} (--plan).")
        user = User.objects.filter(username=options["user"] or "").first()
        if user is None:
            raise CommandError("--user is required: the rows are checked against what this user may change.")
        from django.core.files import File

        with path.open("rb") as handle:
            try:
                record = services_bulk.plan_import_create(
                    plan=plan,
                    upload=File(handle, name=path.name),
                    kind=options["kind"],
                    acting_user=user,
                    dry_run=options["dry_run"],
                    encoding=options["encoding"],
                    queue=options["queue"],
                )
            except DomainError as error:
                raise CommandError(str(error.message)) from error
        out = self.stdout
        if options["queue"]:
            out.write(f"Queued for the task worker: {record.get_absolute_url()}")
            return
        # the command is the worker: the same job, run here
        done = services_bulk.plan_import_run(import_id=record.pk)
        assert done is not None
        if done.status == "failed":
            raise CommandError(f"The import failed; nothing was written. {done.error}")
        report = done.report
        out.write(
            f"Rows: {report['rows']}; new measures: {len(report['created'])}; changed: {len(report['changed'])}; "
            f"unchanged: {len(report['unchanged'])}; values reported: {len(report['reported'])}; "
            f"bad: {len(report['bad_rows'])}."
        )
        for code in report["created"]:
            out.write(f"  new {code}")
        for code, fields in report["changed"]:
            out.write(f"  changed {code}: {', '.join(fields)}")
        for item in report["reported"]:
            out.write(f"  reported {item}")
        for row in report["bad_rows"]:
            out.write(f"  line {row['line']}, column {row['column']!r}: {row['reason']} ({row['value']!r})")
        if report["bad_rows"]:
            raise CommandError(f"Nothing was imported: {len(report['bad_rows'])} bad row(s).")
        if report["dry_run"]:
            out.write("Dry run: nothing was written.")
        else:
            out.write(self.style.SUCCESS("Imported."))

    def _encoding(self, seen: imports.Preview) -> None:
        """Say which encoding the file is read in, with its first rows; stop when it is not sure and not chosen,
        or when the chosen one does not decode the file."""
        if not seen.encoding:
            return
        how = f"recognised, {seen.percent} % sure" if seen.detection else "chosen"
        self.stdout.write(f"Encoding: {seen.encoding} ({how})")
        for row in seen.rows[:3]:
            self.stdout.write("  | " + " | ".join(cell[:40] for cell in row))
        if seen.undecodable:
            raise CommandError(f"The file is not in {seen.encoding}: choose another --encoding.")
        if seen.looks_garbled:
            self.stderr.write(f"Some names look garbled in {seen.encoding}: {seen.examples}")
        if seen.needs_choice:
            assert seen.detection is not None
            others = ", ".join((seen.detection.choice, *seen.detection.alternatives[:4]))
            raise CommandError(
                f"The file's encoding could not be recognised with confidence ({seen.encoding}?, {seen.percent} %). "
                f"Check the rows above and run again with --encoding ENCODING (plausible: {others})."
            )

    def _print(self, report: imports.ImportReport) -> None:
        out = self.stdout
        mapped = ", ".join(f"{field}={column!r}" for field, column in report.mapping.items())
        out.write(f"Columns: {mapped}")
        out.write(f"Rows: {report.total_rows:,}; good: {report.good_rows:,}; bad: {report.bad_row_count:,}.")
        for row in report.bad_rows[:50]:
            out.write(f"  line {row.line}, column {row.column!r}: {row.reason} ({row.value!r})")
        if report.bad_row_count and len(report.bad_rows) > 50:
            out.write("  … see --report for the full list")
        if report.flagged_count:
            out.write(f"Possible duplicates of people already registered: {report.flagged_count:,}.")
            for flagged in report.flagged[:20]:
                out.write(
                    f"  line {flagged.line}: {flagged.name} ~ #{flagged.person_id} {flagged.person_name}"
                    f" ({flagged.score:.2f})"
                )
        if report.dry_run:
            out.write("Dry run: nothing was written.")
        elif report.imported:
            rate = report.total_rows / report.seconds if report.seconds else 0
            out.write(
                self.style.SUCCESS(f"Imported {report.imported:,} people in {report.seconds:.1f} s ({rate:,.0f}/s).")
            )
        sys.stdout.flush()
